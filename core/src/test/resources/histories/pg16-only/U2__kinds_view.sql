DROP VIEW kinds;
