drop index accounts_created_at_idx;
alter table accounts add column status text not null default 'active';
alter table accounts alter column score type integer;
