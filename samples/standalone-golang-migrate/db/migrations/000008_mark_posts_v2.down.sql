delete from systems where name = 'posts_format';
