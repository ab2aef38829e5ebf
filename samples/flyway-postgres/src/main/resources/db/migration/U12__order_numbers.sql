alter table orders drop constraint orders_order_number_key;
-- dropping the column also drops the sequence it owns
alter table orders drop column order_number;
