-- migrate:up
ALTER TABLE users ADD COLUMN email text;
ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email LIKE '%@%');

-- migrate:down
ALTER TABLE users DROP COLUMN email;
