CREATE TABLE customers (id bigint PRIMARY KEY, first_name text, last_name text);
