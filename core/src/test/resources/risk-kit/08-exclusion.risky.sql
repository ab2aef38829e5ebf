--kit:expect exclusion-under-exclusive
alter table bookings add constraint bookings_no_overlap exclude using gist (during with &&);
