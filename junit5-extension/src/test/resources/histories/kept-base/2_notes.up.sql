create table notes (id bigint primary key, account_id bigint, body text);
