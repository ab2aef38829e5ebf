create table if not exists callback_log (event text, at timestamptz default now());
