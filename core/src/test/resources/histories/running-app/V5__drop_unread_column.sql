alter table customers drop column legacy_code;
