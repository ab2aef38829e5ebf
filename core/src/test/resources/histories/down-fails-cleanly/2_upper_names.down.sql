-- fails (a misspelt table) and rolls back: the names stay in capitals, the audit table stays
drop table audit;
update acounts set name = lower(name);
