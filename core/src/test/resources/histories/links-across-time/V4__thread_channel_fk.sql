ALTER TABLE threads ADD CONSTRAINT threads_channel_fk FOREIGN KEY (channelid) REFERENCES channels (id);
