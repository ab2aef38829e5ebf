drop table orders, tokens;
drop view event_amounts;
drop table events, line_items, bookings, memberships, addresses, accounts, payments, sightings, devices, blobs, plans, buckets;
drop domain percentage;
drop domain us_postal_code;
drop type s3region;
