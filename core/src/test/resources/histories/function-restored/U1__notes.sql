drop table notes;
drop function touch();
