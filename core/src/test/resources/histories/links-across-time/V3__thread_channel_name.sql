ALTER TABLE threads ADD COLUMN channel_name text;
UPDATE threads t SET channel_name = c.name FROM channels c WHERE c.id = t.channelid;
