DELETE FROM customers WHERE email = 'reference-rows@example.com';
DELETE FROM "public"."Type" WHERE "name" = 'type-10';
