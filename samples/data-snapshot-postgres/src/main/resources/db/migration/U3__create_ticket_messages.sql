drop table ticket_messages;
