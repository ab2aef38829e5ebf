CREATE TABLE people (
    id        serial PRIMARY KEY,
    email     text NOT NULL UNIQUE,
    name      text,
    phone     text,
    post_code text,
    nickname  text
);

CREATE TABLE subscriptions (
    id    serial PRIMARY KEY,
    email text NOT NULL
);
