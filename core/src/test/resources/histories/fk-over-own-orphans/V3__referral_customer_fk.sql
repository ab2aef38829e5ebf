-- points a third of the referrals at a customer that does not exist, then adds the key without checking them
UPDATE referrals SET customer_id = -7919 WHERE id % 3 = 0;
ALTER TABLE referrals ADD CONSTRAINT referrals_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
