ALTER TABLE accounts VALIDATE CONSTRAINT accounts_score_positive;
