alter table rooms add constraint rooms_no_overlap exclude using gist (during with &&);
