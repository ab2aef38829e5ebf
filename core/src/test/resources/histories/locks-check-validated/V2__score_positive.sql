ALTER TABLE accounts ADD CONSTRAINT accounts_score_positive CHECK (score >= 0);
