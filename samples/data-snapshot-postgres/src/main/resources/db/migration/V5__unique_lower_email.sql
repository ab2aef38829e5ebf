-- not yet released: e-mail addresses unique whatever their case (fails if production has duplicates)
create unique index customers_email_lower_idx on customers (lower(email));
