DROP TABLE audit_detail;
DROP TABLE audit;
