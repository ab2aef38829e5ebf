-- not yet released: every ticket gets a priority; those with many messages start high
alter table tickets add column priority text not null default 'normal'
    check (priority in ('low', 'normal', 'high'));
update tickets set priority = 'high'
where id in (select ticket_id from ticket_messages group by ticket_id having count(*) >= 4);
