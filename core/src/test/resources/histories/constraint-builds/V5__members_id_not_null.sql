-- the safer way: a validated CHECK first, so that SET NOT NULL and the primary key skip the scan
alter table members add constraint members_id_not_null check (id is not null) not valid;
