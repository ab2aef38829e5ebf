DROP TABLE orders;
DROP TABLE customers;
DROP TABLE categories;
