SELECT tidy_up();
