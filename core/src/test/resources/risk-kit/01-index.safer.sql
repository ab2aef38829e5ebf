create index concurrently accounts_email_idx on accounts (email);
