-- forgets customers_created_idx
select 1;
