-- a helper for housekeeping; V3 calls it without naming the table it deletes from
CREATE FUNCTION tidy_up() RETURNS void LANGUAGE sql AS $$
    DELETE FROM orders WHERE status = 'new';
$$;
