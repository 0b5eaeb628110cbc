-- Training (issue 14, SPEC §7): the topics a region requires each term,
-- a school's sessions (staff training, a class's health education or
-- counselling) and who attended. A term is named by its first day: autumn
-- from 1 September, spring from 1 February (see docs/decisions.md).

CREATE TABLE training_topics (
    region_id  INTEGER NOT NULL REFERENCES orgs (id),
    term_start DATE NOT NULL,
    position   INTEGER NOT NULL,
    code       TEXT NOT NULL,
    name       TEXT NOT NULL,
    PRIMARY KEY (region_id, term_start, code)
);

CREATE TABLE training_sessions (
    id         INTEGER PRIMARY KEY,
    region_id  INTEGER NOT NULL REFERENCES orgs (id),
    school_id  INTEGER NOT NULL REFERENCES orgs (id),
    class_id   INTEGER REFERENCES orgs (id),
    kind       TEXT NOT NULL CHECK (kind IN ('staff_training', 'health_education', 'counselling')),
    topic      TEXT NOT NULL,
    title      TEXT NOT NULL DEFAULT '',
    day        DATE NOT NULL,
    trainer    TEXT NOT NULL,
    notes      TEXT NOT NULL DEFAULT '',
    file_id    INTEGER REFERENCES files (id),
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX training_sessions_school ON training_sessions (school_id, day);
CREATE INDEX training_sessions_region ON training_sessions (region_id, kind, day);

CREATE TABLE training_attendance (
    region_id  INTEGER NOT NULL REFERENCES orgs (id),
    session_id INTEGER NOT NULL REFERENCES training_sessions (id),
    person_id  INTEGER NOT NULL REFERENCES people (id),
    PRIMARY KEY (session_id, person_id)
);
CREATE INDEX training_attendance_person ON training_attendance (person_id);
