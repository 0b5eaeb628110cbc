-- Drills (應急演練, issue 14): a school's exercise, its problems found (each
-- a rectification item), and the drill a synthetic check or case belongs
-- to. A drill's check is never current and its case is kept out of every
-- real figure: readers of cases that count filter drill_id IS NULL, and a
-- drill case does not hold its person's one open real case.

CREATE TABLE drills (
    id                INTEGER PRIMARY KEY,
    region_id         INTEGER NOT NULL REFERENCES orgs (id),
    school_id         INTEGER NOT NULL REFERENCES orgs (id),
    scenario          TEXT NOT NULL CHECK (scenario IN ('gate_fever', 'class_suspected', 'dorm_cluster')),
    planned_day       DATE NOT NULL,
    participants      TEXT NOT NULL DEFAULT '',
    participant_count INTEGER NOT NULL DEFAULT 0,
    state             TEXT NOT NULL CHECK (state IN ('planned', 'running', 'finished')),
    started_at        TIMESTAMP,
    finished_at       TIMESTAMP,
    created_by        TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX drills_school ON drills (school_id, planned_day);

ALTER TABLE checks ADD COLUMN drill_id INTEGER REFERENCES drills (id);
ALTER TABLE cases ADD COLUMN drill_id INTEGER REFERENCES drills (id);
CREATE INDEX cases_drill ON cases (drill_id) WHERE drill_id IS NOT NULL;
-- One open real case per person; a drill case stands beside it.
DROP INDEX cases_one_open;
CREATE UNIQUE INDEX cases_one_open ON cases (person_id) WHERE state <> 'closed' AND drill_id IS NULL;
CREATE UNIQUE INDEX cases_one_open_drill ON cases (drill_id, person_id) WHERE state <> 'closed' AND drill_id IS NOT NULL;

-- Rectification items from drills: a third source. SQLite cannot change a
-- CHECK: the items, their events and the events' files are rebuilt
-- together, children dropped first, as in 0027.
ALTER TABLE rectifications RENAME TO rectifications_old;
ALTER TABLE rectification_events RENAME TO rectification_events_old;
ALTER TABLE rectification_files RENAME TO rectification_files_old;
DROP INDEX rectifications_school;
DROP INDEX rectifications_region;
DROP INDEX rectification_events_item;
DROP INDEX rectifications_readiness_open;

CREATE TABLE rectifications (
    id                INTEGER PRIMARY KEY,
    region_id         INTEGER NOT NULL REFERENCES orgs (id),
    school_id         INTEGER NOT NULL REFERENCES orgs (id),
    source            TEXT NOT NULL DEFAULT 'finding' CHECK (source IN ('finding', 'readiness', 'drill')),
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
INSERT INTO rectifications (id, region_id, school_id, source, finding_id, readiness_item_id, problem, severity, deadline,
    responsible, state, opened_at, updated_at, overdue_notified)
SELECT id, region_id, school_id, source, finding_id, readiness_item_id, problem, severity, deadline, responsible, state,
    opened_at, updated_at, overdue_notified FROM rectifications_old;

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

CREATE TABLE drill_problems (
    id               INTEGER PRIMARY KEY,
    region_id        INTEGER NOT NULL REFERENCES orgs (id),
    drill_id         INTEGER NOT NULL REFERENCES drills (id),
    problem          TEXT NOT NULL,
    rectification_id INTEGER NOT NULL REFERENCES rectifications (id)
);
CREATE INDEX drill_problems_drill ON drill_problems (drill_id, id);
