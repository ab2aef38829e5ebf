-- every existing order starts as pending; the application sets the others
alter table orders
    add column status text not null default 'pending'
        constraint orders_status_check check (status in ('pending', 'paid', 'shipped', 'cancelled'));
