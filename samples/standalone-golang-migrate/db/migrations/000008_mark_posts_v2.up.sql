-- the Go service reads this marker to switch to the new post format
insert into systems (name, value) values ('posts_format', 'v2');
