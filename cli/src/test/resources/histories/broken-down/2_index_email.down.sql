-- forgets to drop accounts_email_idx: the down leaves it behind
SELECT 1;
