-- fails (a misspelt table) and rolls back: the names stay in capitals
update acounts set name = lower(name);
