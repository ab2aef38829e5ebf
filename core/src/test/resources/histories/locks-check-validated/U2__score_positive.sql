ALTER TABLE accounts DROP CONSTRAINT accounts_score_positive;
