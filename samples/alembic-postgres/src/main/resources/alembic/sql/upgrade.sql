BEGIN;

CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL, 
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

-- Running upgrade  -> 1975ea83b712

CREATE TABLE users (
    id SERIAL NOT NULL, 
    name VARCHAR(50) NOT NULL, 
    PRIMARY KEY (id)
);

INSERT INTO alembic_version (version_num) VALUES ('1975ea83b712') RETURNING alembic_version.version_num;

-- Running upgrade 1975ea83b712 -> ae1027a6acf

CREATE TABLE orders (
            id serial PRIMARY KEY,
            user_id integer NOT NULL REFERENCES users (id),
            note text DEFAULT 'a;b'
        );

UPDATE alembic_version SET version_num='ae1027a6acf' WHERE alembic_version.version_num = '1975ea83b712';

-- Running upgrade 1975ea83b712 -> 27c6a30d7c24

ALTER TABLE users ADD COLUMN email VARCHAR(120);

UPDATE users SET email = name || '@example.com';
        CREATE INDEX users_email_idx ON users (email);;

INSERT INTO alembic_version (version_num) VALUES ('27c6a30d7c24') RETURNING alembic_version.version_num;

-- Running upgrade 27c6a30d7c24, ae1027a6acf -> 3a4e5b6c7d8e

DELETE FROM alembic_version WHERE alembic_version.version_num = '27c6a30d7c24';

UPDATE alembic_version SET version_num='3a4e5b6c7d8e' WHERE alembic_version.version_num = 'ae1027a6acf';

-- Running upgrade 3a4e5b6c7d8e -> 5b7c9d1e2f3a

ALTER TABLE orders ADD COLUMN total NUMERIC(10, 2) DEFAULT '0' NOT NULL;

CREATE INDEX orders_user_id_idx ON orders (user_id);

ALTER TABLE users ALTER COLUMN name TYPE VARCHAR(100);

UPDATE alembic_version SET version_num='5b7c9d1e2f3a' WHERE alembic_version.version_num = '3a4e5b6c7d8e';

COMMIT;

