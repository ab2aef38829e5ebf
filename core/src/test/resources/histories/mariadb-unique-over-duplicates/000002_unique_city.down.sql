DROP INDEX people_city_uq ON people;
