alter table customers rename column email to email_address;
