DROP TABLE IF EXISTS legacy_accounts;
DROP TABLE IF EXISTS legacy_orders;
DO $$ BEGIN RAISE NOTICE 'preparing accounts'; END $$;
CREATE TABLE accounts (id bigint PRIMARY KEY, email text);
