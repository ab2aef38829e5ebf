drop index concurrently accounts_email;
