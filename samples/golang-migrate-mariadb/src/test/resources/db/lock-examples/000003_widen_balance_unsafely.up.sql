-- unsafe: changing the type copies the whole table, and writes wait until the copy ends
ALTER TABLE accounts MODIFY balance DECIMAL(14, 2) NOT NULL DEFAULT 0;
