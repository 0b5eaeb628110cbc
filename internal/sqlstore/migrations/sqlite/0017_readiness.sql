-- Reopening readiness (issue 11): a region's checklist versions and their
-- items; each school's review (the version it answers), its answers, the
-- files of each answer and every step of each item's history; the
-- region's approvals (withdrawn ones kept); and each school's plans.

CREATE TABLE checklists (
    id         INTEGER PRIMARY KEY,
    region_id  INTEGER NOT NULL REFERENCES orgs (id),
    version    INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    UNIQUE (region_id, version)
);

CREATE TABLE checklist_items (
    region_id    INTEGER NOT NULL REFERENCES orgs (id),
    id           INTEGER PRIMARY KEY,
    checklist_id INTEGER NOT NULL REFERENCES checklists (id),
    position     INTEGER NOT NULL,
    code         TEXT NOT NULL,
    section      TEXT NOT NULL,
    title        TEXT NOT NULL,
    UNIQUE (checklist_id, code)
);

CREATE TABLE readiness (
    school_id    INTEGER PRIMARY KEY REFERENCES orgs (id),
    region_id    INTEGER NOT NULL REFERENCES orgs (id),
    checklist_id INTEGER NOT NULL REFERENCES checklists (id)
);

CREATE TABLE readiness_answers (
    region_id  INTEGER NOT NULL REFERENCES orgs (id),
    school_id  INTEGER NOT NULL REFERENCES orgs (id),
    item_id    INTEGER NOT NULL REFERENCES checklist_items (id),
    state      TEXT NOT NULL CHECK (state IN ('done', 'partly', 'not_done')),
    note       TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'accepted', 'returned')),
    comment    TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (school_id, item_id)
);

CREATE TABLE readiness_files (
    region_id  INTEGER NOT NULL REFERENCES orgs (id),
    school_id INTEGER NOT NULL REFERENCES orgs (id),
    item_id   INTEGER NOT NULL REFERENCES checklist_items (id),
    file_id   INTEGER NOT NULL REFERENCES files (id),
    PRIMARY KEY (school_id, item_id, file_id)
);

CREATE TABLE readiness_events (
    region_id  INTEGER NOT NULL REFERENCES orgs (id),
    id        INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES orgs (id),
    item_id   INTEGER NOT NULL REFERENCES checklist_items (id),
    at        TIMESTAMP NOT NULL,
    by_name   TEXT NOT NULL DEFAULT '',
    event     TEXT NOT NULL,
    state     TEXT NOT NULL DEFAULT '',
    note      TEXT NOT NULL DEFAULT '',
    comment   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX readiness_events_item ON readiness_events (school_id, item_id, id);

CREATE TABLE approvals (
    id               INTEGER PRIMARY KEY,
    school_id        INTEGER NOT NULL REFERENCES orgs (id),
    region_id        INTEGER NOT NULL REFERENCES orgs (id),
    day              DATE NOT NULL,
    approved_at      TIMESTAMP NOT NULL,
    approved_by      TEXT NOT NULL DEFAULT '',
    withdrawn_at     TIMESTAMP,
    withdrawn_by     TEXT NOT NULL DEFAULT '',
    withdrawn_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX approvals_region ON approvals (region_id, school_id, id);

CREATE TABLE school_plans (
    id          INTEGER PRIMARY KEY,
    school_id   INTEGER NOT NULL REFERENCES orgs (id),
    region_id   INTEGER NOT NULL REFERENCES orgs (id),
    kind        TEXT NOT NULL CHECK (kind IN ('prevention', 'emergency')),
    version     INTEGER NOT NULL,
    file_id     INTEGER NOT NULL REFERENCES files (id),
    uploaded_at TIMESTAMP NOT NULL,
    uploaded_by TEXT NOT NULL DEFAULT '',
    UNIQUE (school_id, kind, version)
);
