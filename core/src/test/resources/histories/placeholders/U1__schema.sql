drop table ${prefix}_items;
