-- A backfill and a stronger lock in one transaction: the UPDATE's row locks are held while ALTER TABLE asks for
-- ACCESS EXCLUSIVE, so a writer that reaches an updated row in between deadlocks with the migration.
update accounts set status = lower(status);
alter table accounts alter column status set default 'active';
