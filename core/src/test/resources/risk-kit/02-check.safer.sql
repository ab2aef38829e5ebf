set lock_timeout = '2s';
alter table accounts add constraint accounts_score_positive check (score >= 0) not valid;
