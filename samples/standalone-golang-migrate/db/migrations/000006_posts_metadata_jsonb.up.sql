-- the service has always written JSON into metadata; make the database say so
alter table posts alter column metadata type jsonb using metadata::jsonb;
