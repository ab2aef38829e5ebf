--kit:expect primary-key-sets-not-null
alter table members add constraint members_pkey primary key using index members_id_idx;
