-- One current check per person, day and kind. Check writers in one process
-- are serialised by group commit; this makes two servers sharing a
-- PostgreSQL database fail a racing correction (the client retries) rather
-- than keep two current versions.

CREATE UNIQUE INDEX checks_one_current ON checks (person_id, day, kind) WHERE current = TRUE;
