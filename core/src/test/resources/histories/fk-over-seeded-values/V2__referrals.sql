CREATE TABLE referrals (
    id          serial PRIMARY KEY,
    customer_id integer NOT NULL,
    code        text NOT NULL
);
