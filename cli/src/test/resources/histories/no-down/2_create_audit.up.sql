-- no down script: rehearsal.missing-down=fail asks for one
CREATE TABLE audit (id int PRIMARY KEY);
