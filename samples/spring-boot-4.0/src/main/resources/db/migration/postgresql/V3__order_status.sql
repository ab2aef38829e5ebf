-- ${reader-role} comes from spring.flyway.placeholders in application.properties
set lock_timeout = '2s';
alter table orders add column status text not null default 'new';
comment on column orders.status is 'read by ${reader-role}';
