-- Directives (issue 12, 日部署、日調度): a region's directive to a chosen
-- set of schools, its attachments (files of the region), and one row per
-- school it was sent to, with the school's acknowledgement, its report of
-- completion, the report's evidence (files of the school) and the last
-- reminder.

CREATE TABLE directives (
    id              INTEGER PRIMARY KEY,
    region_id       INTEGER NOT NULL REFERENCES orgs (id),
    title           TEXT NOT NULL,
    body            TEXT NOT NULL DEFAULT '',
    deadline        DATE NOT NULL,
    report_required BOOLEAN NOT NULL,
    target          TEXT NOT NULL CHECK (target IN ('all', 'type', 'town', 'list')),
    school_type     TEXT NOT NULL DEFAULT '',
    town_id         INTEGER REFERENCES orgs (id),
    created_at      TIMESTAMP NOT NULL,
    created_by      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX directives_region ON directives (region_id, id);

CREATE TABLE directive_files (
    region_id    INTEGER NOT NULL REFERENCES orgs (id),
    directive_id INTEGER NOT NULL REFERENCES directives (id),
    file_id      INTEGER NOT NULL REFERENCES files (id),
    PRIMARY KEY (directive_id, file_id)
);
CREATE INDEX directive_files_file ON directive_files (file_id);

CREATE TABLE directive_schools (
    region_id       INTEGER NOT NULL REFERENCES orgs (id),
    directive_id    INTEGER NOT NULL REFERENCES directives (id),
    school_id       INTEGER NOT NULL REFERENCES orgs (id),
    acknowledged_at TIMESTAMP,
    acknowledged_by TEXT NOT NULL DEFAULT '',
    completed_at    TIMESTAMP,
    completed_by    TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    reminded_at     TIMESTAMP,
    PRIMARY KEY (directive_id, school_id)
);
CREATE INDEX directive_schools_school ON directive_schools (school_id, directive_id);

CREATE TABLE directive_evidence (
    region_id    INTEGER NOT NULL REFERENCES orgs (id),
    directive_id INTEGER NOT NULL REFERENCES directives (id),
    school_id    INTEGER NOT NULL REFERENCES orgs (id),
    file_id      INTEGER NOT NULL REFERENCES files (id),
    PRIMARY KEY (directive_id, school_id, file_id)
);
