alter table comments add constraint comments_postid_fk foreign key (postid) references posts (id) not valid;
alter table comments validate constraint comments_postid_fk;
