ALTER TABLE referrals DROP CONSTRAINT referrals_customer_fk;
