CREATE INDEX accounts_status_idx ON accounts (status);
