-- create index "users_email_idx" to table: "users"
CREATE UNIQUE INDEX "users_email_idx" ON "users" ("email");
