-- Supervision (issue 12, first part): a region's inspection checklist
-- versions; its inspections (joint teams, announced or not) and their
-- members; each visit to a school with the checklist version it fills,
-- its results and findings (with photos); and the rectification items
-- opened from findings, with every step of each and its evidence.

CREATE TABLE inspection_checklists (
    id         INTEGER PRIMARY KEY,
    region_id  INTEGER NOT NULL REFERENCES orgs (id),
    version    INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    UNIQUE (region_id, version)
);

CREATE TABLE inspection_checklist_items (
    region_id    INTEGER NOT NULL REFERENCES orgs (id),
    id           INTEGER PRIMARY KEY,
    checklist_id INTEGER NOT NULL REFERENCES inspection_checklists (id),
    position     INTEGER NOT NULL,
    code         TEXT NOT NULL,
    section      TEXT NOT NULL,
    title        TEXT NOT NULL,
    UNIQUE (checklist_id, code)
);

CREATE TABLE inspections (
    id         INTEGER PRIMARY KEY,
    region_id  INTEGER NOT NULL REFERENCES orgs (id),
    title      TEXT NOT NULL,
    from_day   DATE NOT NULL,
    to_day     DATE NOT NULL,
    announced  BOOLEAN NOT NULL,
    team       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX inspections_region ON inspections (region_id, from_day);

CREATE TABLE inspection_members (
    region_id     INTEGER NOT NULL REFERENCES orgs (id),
    inspection_id INTEGER NOT NULL REFERENCES inspections (id),
    position      INTEGER NOT NULL,
    name          TEXT NOT NULL,
    agency        TEXT NOT NULL CHECK (agency IN ('education', 'health', 'market', 'police')),
    PRIMARY KEY (inspection_id, position)
);

CREATE TABLE inspection_visits (
    id            INTEGER PRIMARY KEY,
    region_id     INTEGER NOT NULL REFERENCES orgs (id),
    inspection_id INTEGER NOT NULL REFERENCES inspections (id),
    school_id     INTEGER NOT NULL REFERENCES orgs (id),
    day           DATE NOT NULL,
    checklist_id  INTEGER NOT NULL REFERENCES inspection_checklists (id),
    created_at    TIMESTAMP NOT NULL,
    closed_at     TIMESTAMP,
    closed_by     TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX inspection_visits_school ON inspection_visits (school_id, day);
CREATE INDEX inspection_visits_inspection ON inspection_visits (inspection_id);
CREATE INDEX inspection_visits_region ON inspection_visits (region_id, day);

CREATE TABLE visit_results (
    region_id INTEGER NOT NULL REFERENCES orgs (id),
    visit_id  INTEGER NOT NULL REFERENCES inspection_visits (id),
    item_id   INTEGER NOT NULL REFERENCES inspection_checklist_items (id),
    result    TEXT NOT NULL CHECK (result IN ('pass', 'fail', 'na')),
    note      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (visit_id, item_id)
);

CREATE TABLE inspection_findings (
    id          INTEGER PRIMARY KEY,
    region_id   INTEGER NOT NULL REFERENCES orgs (id),
    visit_id    INTEGER NOT NULL REFERENCES inspection_visits (id),
    school_id   INTEGER NOT NULL REFERENCES orgs (id),
    code        TEXT NOT NULL DEFAULT '',
    severity    TEXT NOT NULL CHECK (severity IN ('minor', 'serious', 'critical')),
    note        TEXT NOT NULL,
    deadline    DATE,
    responsible TEXT NOT NULL DEFAULT '',
    reinspect   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMP NOT NULL,
    created_by  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX inspection_findings_visit ON inspection_findings (visit_id, id);

CREATE TABLE finding_files (
    region_id  INTEGER NOT NULL REFERENCES orgs (id),
    finding_id INTEGER NOT NULL REFERENCES inspection_findings (id),
    file_id    INTEGER NOT NULL REFERENCES files (id),
    PRIMARY KEY (finding_id, file_id)
);
CREATE INDEX finding_files_file ON finding_files (file_id);

CREATE TABLE rectifications (
    id               INTEGER PRIMARY KEY,
    region_id        INTEGER NOT NULL REFERENCES orgs (id),
    school_id        INTEGER NOT NULL REFERENCES orgs (id),
    finding_id       INTEGER NOT NULL UNIQUE REFERENCES inspection_findings (id),
    severity         TEXT NOT NULL CHECK (severity IN ('minor', 'serious', 'critical')),
    deadline         DATE NOT NULL,
    responsible      TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('open', 'answered', 'returned', 'closed')),
    opened_at        TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    overdue_notified BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX rectifications_school ON rectifications (school_id, state);
CREATE INDEX rectifications_region ON rectifications (region_id, state, deadline);

CREATE TABLE rectification_events (
    id               INTEGER PRIMARY KEY,
    region_id        INTEGER NOT NULL REFERENCES orgs (id),
    rectification_id INTEGER NOT NULL REFERENCES rectifications (id),
    at               TIMESTAMP NOT NULL,
    by_name          TEXT NOT NULL DEFAULT '',
    event            TEXT NOT NULL,
    note             TEXT NOT NULL DEFAULT ''
);
CREATE INDEX rectification_events_item ON rectification_events (rectification_id, id);

CREATE TABLE rectification_files (
    region_id INTEGER NOT NULL REFERENCES orgs (id),
    event_id  INTEGER NOT NULL REFERENCES rectification_events (id),
    file_id   INTEGER NOT NULL REFERENCES files (id),
    PRIMARY KEY (event_id, file_id)
);
