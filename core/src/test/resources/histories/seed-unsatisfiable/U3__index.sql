drop index customers_name_idx;
