drop table comments;
