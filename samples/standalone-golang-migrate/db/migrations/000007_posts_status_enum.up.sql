create type post_status as enum ('draft', 'published', 'archived');
alter table posts alter column status drop default,
    alter column status type post_status using status::post_status,
    alter column status set default 'draft';
