alter table posts alter column status drop default,
    alter column status type varchar(20) using status::text,
    alter column status set default 'draft';
drop type post_status;
