INSERT INTO "public"."Type" ("name", "label") VALUES ('type-10', 'Ten');
INSERT INTO customers (email, first_name) VALUES ('reference-rows@example.com', 'Reference');
