select id, display_name from customers where id = $1;
