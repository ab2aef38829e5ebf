ALTER TABLE threads DROP COLUMN channel_name;
