create table ${prefix}_items (id int); comment on table ${prefix}_items is 'owned by ${flyway:user}';
