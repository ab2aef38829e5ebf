create index concurrently invoices_customer_id on invoices (customer_id);
