DROP TABLE #[audit_table];
DROP TABLE customers;
