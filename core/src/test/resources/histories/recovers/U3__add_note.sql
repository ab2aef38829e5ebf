-- forgot: alter table orders drop column note;
select 1;
