--liquibase formatted sql
-- fast path: held. The migration runs with a new session's planner settings, not Rehearsal's reader's.

--changeset kit:1
create table accounts (id int primary key);
--rollback drop table accounts;

--changeset kit:2 splitStatements:false
do $$ begin
  if current_setting('enable_seqscan') <> 'on' or current_setting('plan_cache_mode') <> 'auto' then
    raise exception 'Rehearsal''s settings reached the migration: enable_seqscan=%, plan_cache_mode=%',
      current_setting('enable_seqscan'), current_setting('plan_cache_mode');
  end if;
end $$;
alter table accounts add column name text;
