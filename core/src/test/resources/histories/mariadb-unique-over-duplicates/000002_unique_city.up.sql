CREATE UNIQUE INDEX people_city_uq ON people (city);
