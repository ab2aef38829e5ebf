CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL);
INSERT INTO events SELECT i, 'k' || i FROM generate_series(1, 1000) i;
