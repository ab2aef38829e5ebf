create function slugify(t text) returns text language sql immutable as $$ select lower(regexp_replace(t, '[^a-zA-Z0-9]+', '-', 'g')) $$;
alter table customers add column slug text;
