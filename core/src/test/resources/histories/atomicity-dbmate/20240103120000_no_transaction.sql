-- migrate:up transaction:false
ALTER TABLE customers ADD COLUMN note text;
ALTER TABLE customers ADD COLUMN tier int;

-- migrate:down transaction:false
ALTER TABLE customers DROP COLUMN tier;
ALTER TABLE customers DROP COLUMN note;
