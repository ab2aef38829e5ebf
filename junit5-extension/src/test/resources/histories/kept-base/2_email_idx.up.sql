create index concurrently accounts_email on accounts (email);
