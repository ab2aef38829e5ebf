drop trigger orders_audit_status on orders;
drop function audit_order_status();
drop table order_status_audit;
