drop table b;
