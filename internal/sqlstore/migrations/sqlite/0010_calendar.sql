-- A region's school calendar: the exceptions to Monday-to-Friday, a day off
-- on a weekday ('off') or a make-up school day on a weekend ('school').

CREATE TABLE school_calendar (
    region_id  INTEGER NOT NULL REFERENCES orgs (id),
    day        DATE NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('off', 'school')),
    name       TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (region_id, day)
);
