-- Rectification items from returned readiness items (issue 12): an item's
-- source is a finding or a readiness item of its school; finding_id becomes
-- optional, and an item from a readiness item keeps the problem in words.
-- SQLite cannot drop a NOT NULL, and a rename rewrites the references to
-- the renamed table: the items, their events and the events' files are
-- rebuilt together, children dropped first.

ALTER TABLE rectifications RENAME TO rectifications_old;
ALTER TABLE rectification_events RENAME TO rectification_events_old;
ALTER TABLE rectification_files RENAME TO rectification_files_old;
DROP INDEX rectifications_school;
DROP INDEX rectifications_region;
DROP INDEX rectification_events_item;

CREATE TABLE rectifications (
    id                INTEGER PRIMARY KEY,
    region_id         INTEGER NOT NULL REFERENCES orgs (id),
    school_id         INTEGER NOT NULL REFERENCES orgs (id),
    source            TEXT NOT NULL DEFAULT 'finding' CHECK (source IN ('finding', 'readiness')),
    finding_id        INTEGER UNIQUE REFERENCES inspection_findings (id),
    readiness_item_id INTEGER REFERENCES checklist_items (id),
    problem           TEXT NOT NULL DEFAULT '',
    severity          TEXT NOT NULL CHECK (severity IN ('minor', 'serious', 'critical')),
    deadline          DATE NOT NULL,
    responsible       TEXT NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('open', 'answered', 'returned', 'closed')),
    opened_at         TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    overdue_notified  BOOLEAN NOT NULL DEFAULT FALSE,
    CHECK ((source = 'finding') = (finding_id IS NOT NULL)),
    CHECK ((source = 'readiness') = (readiness_item_id IS NOT NULL))
);
INSERT INTO rectifications (id, region_id, school_id, source, finding_id, severity, deadline, responsible, state, opened_at,
    updated_at, overdue_notified)
SELECT id, region_id, school_id, 'finding', finding_id, severity, deadline, responsible, state, opened_at, updated_at,
    overdue_notified FROM rectifications_old;

CREATE TABLE rectification_events (
    id               INTEGER PRIMARY KEY,
    region_id        INTEGER NOT NULL REFERENCES orgs (id),
    rectification_id INTEGER NOT NULL REFERENCES rectifications (id),
    at               TIMESTAMP NOT NULL,
    by_name          TEXT NOT NULL DEFAULT '',
    event            TEXT NOT NULL,
    note             TEXT NOT NULL DEFAULT ''
);
INSERT INTO rectification_events (id, region_id, rectification_id, at, by_name, event, note)
SELECT id, region_id, rectification_id, at, by_name, event, note FROM rectification_events_old;

CREATE TABLE rectification_files (
    region_id INTEGER NOT NULL REFERENCES orgs (id),
    event_id  INTEGER NOT NULL REFERENCES rectification_events (id),
    file_id   INTEGER NOT NULL REFERENCES files (id),
    PRIMARY KEY (event_id, file_id)
);
INSERT INTO rectification_files (region_id, event_id, file_id) SELECT region_id, event_id, file_id FROM rectification_files_old;

DROP TABLE rectification_files_old;
DROP TABLE rectification_events_old;
DROP TABLE rectifications_old;
CREATE INDEX rectifications_school ON rectifications (school_id, state);
CREATE INDEX rectifications_region ON rectifications (region_id, state, deadline);
CREATE INDEX rectification_events_item ON rectification_events (rectification_id, id);
CREATE UNIQUE INDEX rectifications_readiness_open ON rectifications (school_id, readiness_item_id)
    WHERE readiness_item_id IS NOT NULL AND state <> 'closed';
