CREATE INDEX CONCURRENTLY accounts_score_idx ON accounts (score);
