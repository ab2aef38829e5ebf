-- threads point at channels by name long before a channels table exists
CREATE TABLE threads (
    id        serial PRIMARY KEY,
    title     text NOT NULL,
    channelid integer
);
