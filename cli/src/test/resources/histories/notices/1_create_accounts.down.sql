DROP TABLE accounts;
DROP TABLE IF EXISTS legacy_accounts;
