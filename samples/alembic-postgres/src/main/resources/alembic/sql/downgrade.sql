BEGIN;

-- Running downgrade 5b7c9d1e2f3a -> 3a4e5b6c7d8e

ALTER TABLE users ALTER COLUMN name TYPE VARCHAR(50);

DROP INDEX orders_user_id_idx;

ALTER TABLE orders DROP COLUMN total;

UPDATE alembic_version SET version_num='3a4e5b6c7d8e' WHERE alembic_version.version_num = '5b7c9d1e2f3a';

-- Running downgrade 3a4e5b6c7d8e -> 27c6a30d7c24, ae1027a6acf

INSERT INTO alembic_version (version_num) VALUES ('27c6a30d7c24') RETURNING alembic_version.version_num;

UPDATE alembic_version SET version_num='ae1027a6acf' WHERE alembic_version.version_num = '3a4e5b6c7d8e';

-- Running downgrade 27c6a30d7c24 -> 1975ea83b712

DROP INDEX users_email_idx;

ALTER TABLE users DROP COLUMN email;

DELETE FROM alembic_version WHERE alembic_version.version_num = '27c6a30d7c24';

-- Running downgrade ae1027a6acf -> 1975ea83b712

DROP TABLE orders;

UPDATE alembic_version SET version_num='1975ea83b712' WHERE alembic_version.version_num = 'ae1027a6acf';

-- Running downgrade 1975ea83b712 -> 

DROP TABLE users;

DELETE FROM alembic_version WHERE alembic_version.version_num = '1975ea83b712';

DROP TABLE alembic_version;

COMMIT;

