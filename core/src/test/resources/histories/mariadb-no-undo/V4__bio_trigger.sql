create trigger customers_bio before insert on customers for each row set new.bio = coalesce(new.bio, '');
