-- atlas:txmode none

-- Create index "users_email_idx" to table: "users"
CREATE UNIQUE INDEX CONCURRENTLY "users_email_idx" ON "users" ("email");
