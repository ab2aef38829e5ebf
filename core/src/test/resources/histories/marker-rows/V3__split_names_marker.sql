-- the application reads this marker to know the data migration ran
insert into settings (name, value) values ('names_split', 'true');
