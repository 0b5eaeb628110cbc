-- Issue 17. When a check was taken (checks.at: the device's clock, bounded
-- by campusguard.TakenTime) and when it arrived (received_at: the server's;
-- NULL for checks recorded before this migration, which arrived when taken);
-- a region's data-quality thresholds (JSON of campusguard.QualitySettings,
-- NULL: the defaults); and the data-quality findings.

ALTER TABLE checks ADD COLUMN received_at TIMESTAMP;
ALTER TABLE region_settings ADD COLUMN quality TEXT;

CREATE TABLE quality_findings (
    id           INTEGER PRIMARY KEY,
    region_id    INTEGER NOT NULL,
    school_id    INTEGER NOT NULL REFERENCES orgs (id),
    class_id     INTEGER REFERENCES orgs (id),
    rule         TEXT    NOT NULL,
    subject      TEXT    NOT NULL,
    from_day     TEXT    NOT NULL,
    to_day       TEXT    NOT NULL,
    evidence     TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'open',
    note         TEXT    NOT NULL DEFAULT '',
    explained_by TEXT    NOT NULL DEFAULT '',
    explained_at TIMESTAMP,
    found_at     TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX quality_findings_episode ON quality_findings (region_id, school_id, rule, subject, to_day);
CREATE INDEX quality_findings_school ON quality_findings (school_id, status);
