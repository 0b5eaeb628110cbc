-- Phased reopening and suspensions (issue 11): a region's phases (a school
-- type's grades, comma-separated, from a day), suspensions of a node with
-- their resumption, and a region's ILI criteria (a missing row means the
-- guidance's defaults).

CREATE TABLE reopen_phases (
    id          INTEGER PRIMARY KEY,
    region_id   INTEGER NOT NULL REFERENCES orgs (id),
    name        TEXT NOT NULL,
    school_type TEXT NOT NULL,
    grades      TEXT NOT NULL,
    start_day   DATE NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX reopen_phases_region ON reopen_phases (region_id, start_day);

CREATE TABLE suspensions (
    id            INTEGER PRIMARY KEY,
    region_id     INTEGER NOT NULL REFERENCES orgs (id),
    org_id        INTEGER NOT NULL REFERENCES orgs (id),
    start_day     DATE NOT NULL,
    end_day       DATE NOT NULL,
    reason        TEXT NOT NULL,
    decided_by    TEXT NOT NULL DEFAULT '',
    decided_at    TIMESTAMP NOT NULL,
    resumed_day   DATE,
    resumed_by    TEXT NOT NULL DEFAULT '',
    resume_reason TEXT NOT NULL DEFAULT '',
    resumed_at    TIMESTAMP
);
CREATE INDEX suspensions_region ON suspensions (region_id, end_day);

CREATE TABLE ili_settings (
    region_id    INTEGER PRIMARY KEY REFERENCES orgs (id),
    new_cases    INTEGER NOT NULL,
    percent      INTEGER NOT NULL,
    hospitalised INTEGER NOT NULL,
    days         INTEGER NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
