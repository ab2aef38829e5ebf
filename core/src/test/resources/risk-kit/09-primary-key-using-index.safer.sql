set lock_timeout = '2s';
-- the validated CHECK (id IS NOT NULL) lets the implicit SET NOT NULL skip its scan
alter table guests add constraint guests_pkey primary key using index guests_id_idx;
