-- customers without a phone have nothing to copy: their contact_phone stays NULL, as it should
ALTER TABLE customers ADD COLUMN contact_phone text;
UPDATE customers SET contact_phone = phone WHERE phone IS NOT NULL;
-- orders of such customers join a NULL phone
ALTER TABLE orders ADD COLUMN customer_phone text;
UPDATE orders o SET customer_phone = c.phone FROM customers c WHERE c.id = o.customer_id;
