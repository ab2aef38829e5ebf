-- create "users" table
CREATE TABLE "users" ("id" bigint NOT NULL, "email" character varying(255) NOT NULL, PRIMARY KEY ("id"));
