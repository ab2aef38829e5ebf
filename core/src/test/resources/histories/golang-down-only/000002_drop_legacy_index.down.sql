-- the up of this version was deleted long ago; golang-migrate still runs this down when it passes version 2
DROP INDEX IF EXISTS users_legacy_idx;
