-- a backfill: every name in capitals from now on
update accounts set name = upper(name);
