create unique index concurrently members_id_idx on members (id);
