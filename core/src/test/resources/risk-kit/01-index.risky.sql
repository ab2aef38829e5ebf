--kit:expect non-concurrent-index
create index accounts_email_idx on accounts (email);
