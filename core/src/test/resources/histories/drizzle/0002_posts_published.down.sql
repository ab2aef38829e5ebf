-- forgets posts_created_at_idx
ALTER TABLE "posts" DROP COLUMN "published";
