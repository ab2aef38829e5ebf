alter table orders drop column invoice_number;
