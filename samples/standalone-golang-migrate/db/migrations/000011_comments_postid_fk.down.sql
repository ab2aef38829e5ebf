alter table comments drop constraint comments_postid_fk;
