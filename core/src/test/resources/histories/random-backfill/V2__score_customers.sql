ALTER TABLE customers ADD COLUMN score integer;
UPDATE customers SET score = floor(random() * 100);
