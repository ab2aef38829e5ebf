create table posts (
    id bigserial primary key,
    user_id bigint not null references users (id),
    title text not null,
    status varchar(20) not null default 'draft',
    metadata text,
    created_at timestamptz not null default now()
);
create index posts_user_id_idx on posts (user_id);
