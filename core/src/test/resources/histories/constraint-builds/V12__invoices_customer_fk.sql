alter table invoices add constraint invoices_customer_fk foreign key (customer_id) references customers (id) not valid;
