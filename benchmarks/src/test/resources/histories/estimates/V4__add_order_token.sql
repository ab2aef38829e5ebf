-- a volatile default: PostgreSQL rewrites the table to fill it
ALTER TABLE orders ADD COLUMN token double precision NOT NULL DEFAULT random();
