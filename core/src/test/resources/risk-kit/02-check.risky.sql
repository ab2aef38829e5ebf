--kit:expect constraint-not-valid
alter table accounts add constraint accounts_score_positive check (score >= 0);
