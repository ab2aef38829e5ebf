drop table systems;
