delete from settings where name = 'names_split';
