--kit:expect column-type-rewrite
alter table accounts alter column score type bigint;
