drop index customers_email_lower_idx;
