ALTER TABLE threads DROP CONSTRAINT threads_channel_fk;
