DROP FUNCTION tidy_up();
