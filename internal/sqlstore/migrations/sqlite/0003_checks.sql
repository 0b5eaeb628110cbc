-- Daily health checks, each person's day as their checks add up, and the
-- roll-ups per org node and day that pages read instead of raw rows.

CREATE TABLE checks (
    id               INTEGER PRIMARY KEY,
    region_id        INTEGER NOT NULL,
    person_id        INTEGER NOT NULL REFERENCES people (id),
    school_id        INTEGER NOT NULL REFERENCES orgs (id),
    class_id         INTEGER REFERENCES orgs (id),
    day              TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    at               TIMESTAMP NOT NULL,
    temperature      REAL,
    symptoms         TEXT    NOT NULL DEFAULT '',
    health_code      TEXT    NOT NULL DEFAULT '',
    household_unwell BOOLEAN NOT NULL DEFAULT FALSE,
    risk_exposure    BOOLEAN NOT NULL DEFAULT FALSE,
    attendance       TEXT    NOT NULL DEFAULT '',
    absence_reason   TEXT    NOT NULL DEFAULT '',
    mask             BOOLEAN,
    bus_route_id     INTEGER REFERENCES bus_routes (id),
    note             TEXT    NOT NULL DEFAULT '',
    client_key       TEXT    NOT NULL,
    version          INTEGER NOT NULL,
    supersedes       INTEGER REFERENCES checks (id),
    current          BOOLEAN NOT NULL,
    reported_by      TEXT    NOT NULL DEFAULT '',
    fever            BOOLEAN NOT NULL,
    abnormal         BOOLEAN NOT NULL
);
CREATE UNIQUE INDEX checks_client_key ON checks (region_id, client_key);
CREATE INDEX checks_person_day ON checks (person_id, day, kind);
CREATE INDEX checks_class_day ON checks (class_id, day);
CREATE INDEX checks_school_day ON checks (school_id, day, abnormal);

CREATE TABLE person_days (
    region_id  INTEGER NOT NULL,
    person_id  INTEGER NOT NULL REFERENCES people (id),
    day        TEXT    NOT NULL,
    class_id   INTEGER,
    school_id  INTEGER NOT NULL,
    reported   BOOLEAN NOT NULL,
    abnormal   BOOLEAN NOT NULL,
    fever      BOOLEAN NOT NULL,
    absent     BOOLEAN NOT NULL,
    ill_absent BOOLEAN NOT NULL,
    PRIMARY KEY (person_id, day)
);
CREATE INDEX person_days_school ON person_days (school_id, day);

CREATE TABLE rollups (
    region_id  INTEGER NOT NULL,
    org_id     INTEGER NOT NULL REFERENCES orgs (id),
    day        TEXT    NOT NULL,
    expected   INTEGER NOT NULL DEFAULT 0,
    reported   INTEGER NOT NULL DEFAULT 0,
    abnormal   INTEGER NOT NULL DEFAULT 0,
    fever      INTEGER NOT NULL DEFAULT 0,
    absent     INTEGER NOT NULL DEFAULT 0,
    ill_absent INTEGER NOT NULL DEFAULT 0,
    open_followups INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, day)
);
CREATE INDEX rollups_region_day ON rollups (region_id, day);

-- An illness absence is followed up the same day: symptoms, clinic visit,
-- diagnosis, expected return.
CREATE TABLE followups (
    id              INTEGER PRIMARY KEY,
    region_id       INTEGER NOT NULL,
    person_id       INTEGER NOT NULL REFERENCES people (id),
    school_id       INTEGER NOT NULL REFERENCES orgs (id),
    class_id        INTEGER REFERENCES orgs (id),
    day             TEXT    NOT NULL,
    done            BOOLEAN NOT NULL DEFAULT FALSE,
    symptoms        TEXT    NOT NULL DEFAULT '',
    clinic_visit    BOOLEAN NOT NULL DEFAULT FALSE,
    diagnosis       TEXT    NOT NULL DEFAULT '',
    expected_return TEXT   ,
    note            TEXT    NOT NULL DEFAULT '',
    done_by         TEXT    NOT NULL DEFAULT '',
    done_at         TIMESTAMP
);
CREATE UNIQUE INDEX followups_person_day ON followups (person_id, day);
CREATE INDEX followups_school_open ON followups (school_id, done, day);
