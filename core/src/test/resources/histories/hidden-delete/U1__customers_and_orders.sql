DROP TABLE orders;
DROP TABLE customers;
DROP FUNCTION tidy_up();
