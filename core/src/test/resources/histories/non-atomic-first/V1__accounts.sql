-- a hand-written script that commits half-way: what runs before the COMMIT stays if the rest fails
CREATE TABLE accounts (
    id   bigint PRIMARY KEY,
    name text NOT NULL
);
COMMIT;
CREATE INDEX accounts_name_idx ON accounts (name);
