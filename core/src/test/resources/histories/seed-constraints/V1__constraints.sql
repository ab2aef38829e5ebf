-- The constraint kinds real schemas declare, one table each, for the seeder to satisfy.
create type s3region as enum ('us-east-1', 'eu-west-1', 'ap-south-1');
create domain us_postal_code as text check (value ~ '^\d{5}(-\d{4})?$');
create domain percentage as numeric(5,2) check (value >= 0 and value <= 100);

create table buckets (
    id bigint generated always as identity primary key,
    name text not null unique,
    regions s3region[] not null,
    primary_region s3region not null
);

create table plans (
    id serial primary key,
    plan_type text not null check (plan_type in ('10_GB_ON_UPGRADE', 'FREE_TIER', 'TEAM')),
    seats integer not null check (seats between 1 and 500)
);

create table blobs (
    id bigserial primary key,
    meta_data_hash bytea not null check (length(meta_data_hash) = 32),
    sha text not null check (octet_length(sha) = 40),
    label varchar(12) not null check (char_length(label) >= 6)
);

create table devices (
    id serial primary key,
    battery integer not null check (battery between 0 and 100),
    temperature numeric(5,2) check (temperature >= -40 and temperature < 85),
    ratio double precision not null check (ratio > 0 and ratio <= 1)
);

create table sightings (
    id serial primary key,
    first_seen timestamptz not null,
    last_seen timestamptz not null,
    min_qty integer not null,
    max_qty integer not null,
    check (first_seen <= last_seen),
    check (min_qty < max_qty)
);

create table payments (
    id serial primary key,
    card_id integer,
    bank_account_id integer,
    shipped_at timestamptz,
    tracking_code text,
    check ((card_id is null) <> (bank_account_id is null)),
    check (shipped_at is null or tracking_code is not null)
);

create table accounts (
    id serial primary key,
    username text not null check (username ~ '^[a-z][a-z0-9_]{2,15}$'),
    country char(2) not null check (country ~ '^[A-Z]{2}$'),
    slug text not null check (slug like 'acct-%'),
    handle text check (handle ~* '^[[:alpha:]][[:alnum:]]*$'),
    phone text check (phone ~ '^\+[0-9]{6,14}$')
);

create table addresses (
    id serial primary key,
    zip us_postal_code not null,
    share percentage not null
);

create table memberships (
    org_id integer not null,
    user_id integer not null,
    is_primary boolean not null default false,
    unique (org_id, user_id)
);
create unique index memberships_one_primary on memberships (user_id) where is_primary;

create table bookings (
    id serial primary key,
    room text not null,
    during tstzrange not null,
    exclude using gist (during with &&)
);

create table line_items (
    id serial primary key,
    qty integer not null check (qty > 0),
    price numeric(10,2) not null check (price >= 0),
    total numeric(12,2) generated always as (qty * price) stored
);

create table events (
    id serial primary key,
    payload text not null,
    payload_json jsonb generated always as (payload::jsonb) stored,
    amount_text text,
    day_text text
);
create view event_amounts as select id, amount_text::integer as amount, day_text::date as day from events;

create table tokens (
    id bigint generated always as identity primary key
);

create table orders (
    id serial primary key,
    status text not null check (status in ('new', 'shipped', 'cancelled')),
    shipped_on date,
    settings jsonb check (jsonb_typeof(settings) = 'object'),
    tags text[] check (cardinality(tags) between 1 and 5),
    check (status <> 'shipped' or shipped_on is not null)
);
