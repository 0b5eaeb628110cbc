-- The county tree, places, bus routes, people and guardians.
-- Every table carries region_id: the id of the root of its tree.

CREATE TABLE orgs (
    id              INTEGER PRIMARY KEY,
    region_id       INTEGER NOT NULL,
    parent_id       INTEGER REFERENCES orgs (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('region', 'school', 'grade', 'class')),
    name            TEXT    NOT NULL,
    code            TEXT,
    path            TEXT    NOT NULL,
    level           TEXT    NOT NULL DEFAULT '',
    school_type     TEXT    NOT NULL DEFAULT '',
    boarding        BOOLEAN NOT NULL DEFAULT FALSE,
    address         TEXT    NOT NULL DEFAULT '',
    principal       TEXT    NOT NULL DEFAULT '',
    phone           TEXT    NOT NULL DEFAULT '',
    grade_year      INTEGER NOT NULL DEFAULT 0,
    head_teacher_id INTEGER,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX orgs_code ON orgs (region_id, code) WHERE code IS NOT NULL;
CREATE UNIQUE INDEX orgs_path ON orgs (path);
CREATE INDEX orgs_parent ON orgs (parent_id, name);
CREATE INDEX orgs_kind_path ON orgs (kind, path);

CREATE TABLE places (
    id        INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL,
    school_id INTEGER NOT NULL REFERENCES orgs (id),
    kind      TEXT    NOT NULL,
    name      TEXT    NOT NULL,
    beds      INTEGER NOT NULL DEFAULT 0,
    class_id  INTEGER REFERENCES orgs (id)
);
CREATE UNIQUE INDEX places_name ON places (school_id, kind, name);

CREATE TABLE bus_routes (
    id        INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL,
    school_id INTEGER NOT NULL REFERENCES orgs (id),
    name      TEXT    NOT NULL,
    plate     TEXT    NOT NULL DEFAULT '',
    driver_id INTEGER
);
CREATE UNIQUE INDEX bus_routes_name ON bus_routes (school_id, name);

CREATE TABLE people (
    id           INTEGER PRIMARY KEY,
    region_id    INTEGER NOT NULL,
    school_id    INTEGER NOT NULL REFERENCES orgs (id),
    kind         TEXT    NOT NULL CHECK (kind IN ('student', 'staff')),
    name         TEXT    NOT NULL,
    gender       TEXT    NOT NULL DEFAULT '',
    id_number    TEXT,
    birth_date   TEXT,
    phone        TEXT    NOT NULL DEFAULT '',
    number       TEXT    NOT NULL,
    class_id     INTEGER REFERENCES orgs (id),
    role         TEXT    NOT NULL DEFAULT '',
    boarding     BOOLEAN NOT NULL DEFAULT FALSE,
    dorm_room_id INTEGER REFERENCES places (id),
    bed          TEXT    NOT NULL DEFAULT '',
    bus_route_id INTEGER REFERENCES bus_routes (id),
    town         TEXT    NOT NULL DEFAULT '',
    village      TEXT    NOT NULL DEFAULT '',
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX people_number ON people (school_id, number);
CREATE UNIQUE INDEX people_id_number ON people (region_id, id_number) WHERE id_number IS NOT NULL;
CREATE UNIQUE INDEX people_bed ON people (dorm_room_id, bed) WHERE dorm_room_id IS NOT NULL AND bed <> '';
CREATE INDEX people_class ON people (class_id, kind, name);
CREATE INDEX people_school_kind ON people (school_id, kind);
CREATE INDEX people_route ON people (bus_route_id) WHERE bus_route_id IS NOT NULL;
CREATE INDEX people_name ON people (region_id, name);

CREATE TABLE guardians (
    id         INTEGER PRIMARY KEY,
    region_id  INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    phone      TEXT    NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX guardians_phone ON guardians (region_id, phone);

CREATE TABLE guardian_students (
    region_id   INTEGER NOT NULL,
    guardian_id INTEGER NOT NULL REFERENCES guardians (id),
    student_id  INTEGER NOT NULL REFERENCES people (id),
    relation    TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (guardian_id, student_id)
);
CREATE INDEX guardian_students_student ON guardian_students (student_id);

CREATE TABLE class_teachers (
    region_id INTEGER NOT NULL,
    class_id  INTEGER NOT NULL REFERENCES orgs (id),
    staff_id  INTEGER NOT NULL REFERENCES people (id),
    PRIMARY KEY (class_id, staff_id)
);
CREATE INDEX class_teachers_staff ON class_teachers (staff_id);

CREATE TABLE person_events (
    id        INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people (id),
    at        TIMESTAMP NOT NULL,
    kind      TEXT    NOT NULL,
    actor     TEXT    NOT NULL DEFAULT '',
    detail    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX person_events_person ON person_events (person_id, at);
