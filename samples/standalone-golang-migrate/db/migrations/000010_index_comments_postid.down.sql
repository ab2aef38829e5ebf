drop index comments_postid_idx;
