CREATE TABLE accounts (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text NOT NULL,
    score      integer NOT NULL,
    status     text NOT NULL,
    created_at timestamptz NOT NULL
);
