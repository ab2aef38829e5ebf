DROP TABLE assignments;
DROP TABLE projects;
DROP TABLE badges_issued;
ALTER TABLE departments DROP CONSTRAINT departments_head_fk;
DROP TABLE employees;
DROP TABLE departments;
DROP DOMAIN positive_int;
DROP TYPE mood;
