alter table accounts alter column status drop default;
