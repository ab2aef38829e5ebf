drop table tickets;
drop table agents;
