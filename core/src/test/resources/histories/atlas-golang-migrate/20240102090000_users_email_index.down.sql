-- reverse: create index "users_email_idx" to table: "users"
DROP INDEX "users_email_idx";
