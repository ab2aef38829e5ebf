create unique index concurrently accounts_id_idx on accounts (id);
