drop table a;

drop table does_not_exist;
