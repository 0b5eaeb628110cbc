-- Issue 16. A region's fever threshold, retention periods and default
-- deadlines (NULL: the product's default, kept in one place, the domain);
-- each school's own deadlines; when a person left and when they were
-- anonymised; the log of backups.

ALTER TABLE region_settings ADD COLUMN fever_threshold REAL;
ALTER TABLE region_settings ADD COLUMN keep_checks_days INTEGER;
ALTER TABLE region_settings ADD COLUMN keep_followups_days INTEGER;
ALTER TABLE region_settings ADD COLUMN keep_cases_days INTEGER;
ALTER TABLE region_settings ADD COLUMN report_by_minutes INTEGER;
ALTER TABLE region_settings ADD COLUMN signoff_by_minutes INTEGER;

CREATE TABLE school_deadlines (
    region_id          INTEGER NOT NULL,
    school_id          INTEGER NOT NULL PRIMARY KEY REFERENCES orgs (id),
    report_by_minutes  INTEGER,
    signoff_by_minutes INTEGER,
    updated_at         TIMESTAMP NOT NULL
);

ALTER TABLE people ADD COLUMN left_at TIMESTAMP;
ALTER TABLE people ADD COLUMN anonymised_at TIMESTAMP;
UPDATE people SET left_at = updated_at WHERE active = FALSE;
CREATE INDEX people_leavers ON people (region_id, left_at) WHERE active = FALSE AND anonymised_at IS NULL;

-- The retention job keeps the checks a kept case holds, found by these.
CREATE INDEX case_checks_check ON case_checks (check_id);
CREATE INDEX cases_check ON cases (check_id) WHERE check_id IS NOT NULL;
CREATE INDEX cases_closed ON cases (region_id, closed_at) WHERE state = 'closed';

CREATE TABLE backups (
    id          INTEGER PRIMARY KEY,
    region_id   INTEGER NOT NULL DEFAULT 0,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    source      TEXT NOT NULL,
    file        TEXT NOT NULL DEFAULT '',
    size_bytes  INTEGER NOT NULL DEFAULT 0,
    ok          BOOLEAN NOT NULL,
    error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX backups_started ON backups (started_at);

-- A region viewer's token carries its duty, as a user's grant does.
ALTER TABLE api_tokens ADD COLUMN duty TEXT NOT NULL DEFAULT '';
