create index comments_postid_idx on comments (postid);
