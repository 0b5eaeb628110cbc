-- Accountability records (issue 12): what failed at a school (a kind, a
-- text and the items it links to), who is accountable (a staff member by
-- id, and/or a name and post as typed), the measure taken, its day, and
-- who recorded it. The region's alone: no school-level account reads them.

CREATE TABLE accountability_records (
    id           INTEGER PRIMARY KEY,
    region_id    INTEGER NOT NULL REFERENCES orgs (id),
    school_id    INTEGER NOT NULL REFERENCES orgs (id),
    failure_kind TEXT NOT NULL CHECK (failure_kind IN ('rectification', 'finding', 'case', 'report', 'other')),
    failure      TEXT NOT NULL,
    person_id    INTEGER REFERENCES people (id),
    person_name  TEXT NOT NULL DEFAULT '',
    post         TEXT NOT NULL DEFAULT '',
    measure      TEXT NOT NULL CHECK (measure IN ('talk', 'criticism', 'warning', 'other')),
    day          DATE NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    created_by   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX accountability_region ON accountability_records (region_id, day);
CREATE INDEX accountability_school ON accountability_records (school_id, day);

CREATE TABLE accountability_links (
    region_id INTEGER NOT NULL REFERENCES orgs (id),
    record_id INTEGER NOT NULL REFERENCES accountability_records (id),
    target_id INTEGER NOT NULL,
    PRIMARY KEY (record_id, target_id)
);

-- Re-inspections (issue 12): a serious or critical finding that requires
-- one leads, when its visit closes, to a re-inspection due by a day. It is
-- carried out by the next closed visit to the school. announced is the
-- finding's inspection's: an unannounced one stays hidden from the school
-- until carried out.
CREATE TABLE reinspections (
    id         INTEGER PRIMARY KEY,
    region_id  INTEGER NOT NULL REFERENCES orgs (id),
    school_id  INTEGER NOT NULL REFERENCES orgs (id),
    finding_id INTEGER NOT NULL UNIQUE REFERENCES inspection_findings (id),
    announced  BOOLEAN NOT NULL,
    due        DATE NOT NULL,
    created_at TIMESTAMP NOT NULL,
    visit_id   INTEGER REFERENCES inspection_visits (id),
    done_at    TIMESTAMP
);
CREATE INDEX reinspections_school ON reinspections (school_id, done_at);
CREATE INDEX reinspections_region ON reinspections (region_id, due);
