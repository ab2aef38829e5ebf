alter table members validate constraint members_id_not_null;
