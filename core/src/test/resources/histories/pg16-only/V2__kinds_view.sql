-- any_value() exists from PostgreSQL 16 on
CREATE VIEW kinds AS SELECT kind, any_value(id) AS example FROM t GROUP BY kind;
