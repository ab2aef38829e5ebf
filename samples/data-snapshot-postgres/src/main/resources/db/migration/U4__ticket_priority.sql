alter table tickets drop column priority;
