drop table customers;
drop domain email_address;
drop type customer_tier;
drop extension pgcrypto;
