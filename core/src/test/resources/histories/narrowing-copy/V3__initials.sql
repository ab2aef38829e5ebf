-- later work, over whatever rows the table holds by then
ALTER TABLE users ADD COLUMN initials varchar(2);
UPDATE users SET initials = upper(left(handle, 2));
