create type order_status as enum ('new', 'paid');
