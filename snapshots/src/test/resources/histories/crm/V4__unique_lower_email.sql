create unique index customers_email_lower_idx on customers (lower(email));
