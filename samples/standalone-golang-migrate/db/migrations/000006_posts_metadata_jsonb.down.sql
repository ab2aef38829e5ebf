alter table posts alter column metadata type text using metadata::text;
