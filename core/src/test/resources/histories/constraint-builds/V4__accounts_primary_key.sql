alter table accounts add constraint accounts_pkey primary key using index accounts_id_idx;
