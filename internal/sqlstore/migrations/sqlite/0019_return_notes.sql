-- Issue 11: doctor's notes (复课证明) that clear a student's return after
-- influenza-like illness.
CREATE TABLE return_notes (
    id          INTEGER PRIMARY KEY,
    region_id   INTEGER NOT NULL REFERENCES orgs (id),
    person_id   INTEGER NOT NULL REFERENCES people (id),
    school_id   INTEGER NOT NULL REFERENCES orgs (id),
    day         DATE NOT NULL,
    file_id     INTEGER REFERENCES files (id),
    note        TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL DEFAULT '',
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX return_notes_person ON return_notes (person_id, recorded_at);
CREATE INDEX return_notes_school ON return_notes (school_id, recorded_at);
