ALTER TABLE customers ADD COLUMN reachable_by text;
-- only customers with a phone can be called: the others stay NULL on purpose
UPDATE customers SET reachable_by = 'phone' WHERE phone IS NOT NULL;

ALTER TABLE orders ADD COLUMN paid_note text;
UPDATE orders SET paid_note = 'paid ' || total WHERE status = 'paid';

-- new orders get the address when they are paid
ALTER TABLE orders ADD COLUMN customer_email text;
UPDATE orders o SET customer_email = c.email FROM customers c WHERE c.id = o.customer_id AND o.status <> 'new';
