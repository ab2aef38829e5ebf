DROP INDEX customers_email_key;
