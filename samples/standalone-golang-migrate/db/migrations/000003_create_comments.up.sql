-- postid points at posts.id; the Go code keeps it consistent, there is no foreign key
create table comments (
    id bigserial primary key,
    postid bigint not null,
    body text not null,
    created_at timestamptz not null default now()
);
