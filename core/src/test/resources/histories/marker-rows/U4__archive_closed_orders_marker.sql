delete from settings where name = 'orders_archived';
