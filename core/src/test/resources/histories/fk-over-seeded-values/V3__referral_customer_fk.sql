-- NOT VALID: rows already there are checked later, by VALIDATE CONSTRAINT
ALTER TABLE referrals ADD CONSTRAINT referrals_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
