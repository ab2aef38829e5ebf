SELECT pg_sleep(0.5) FROM events LIMIT 1;
