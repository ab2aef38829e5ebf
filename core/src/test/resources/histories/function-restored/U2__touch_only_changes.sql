-- back to the first touch(), laid out and commented another way
create or replace function touch() returns trigger language plpgsql as $$
  begin
      -- every update stamps the row
      new.updated_at := now();   /* as before V2 */
      return new;
  end;
$$;
