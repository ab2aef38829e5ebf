create table ticket_messages (
    id bigint generated always as identity primary key,
    ticket_id bigint not null references tickets (id) on delete cascade,
    body text not null,
    from_customer boolean not null,
    sent_at timestamptz not null default now()
);
create index ticket_messages_ticket_id_idx on ticket_messages (ticket_id);
