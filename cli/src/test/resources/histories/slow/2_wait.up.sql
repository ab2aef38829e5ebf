-- a migration that runs for a minute, to be interrupted
SELECT pg_sleep(60);
