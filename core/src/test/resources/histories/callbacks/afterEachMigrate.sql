-- Flyway SQL callback: runs after each migration Flyway applies
insert into callback_log (event) values (${event_name});
