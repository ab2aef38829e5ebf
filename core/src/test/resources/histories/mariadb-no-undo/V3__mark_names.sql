update customers set name = concat(name, '.');
