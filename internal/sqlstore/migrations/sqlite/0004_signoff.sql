-- Each school signs off its day (日报), even when every figure is zero (零报告).

CREATE TABLE signoffs (
    region_id INTEGER NOT NULL,
    school_id INTEGER NOT NULL REFERENCES orgs (id),
    day       TEXT NOT NULL,
    signed_by TEXT NOT NULL,
    signed_at TIMESTAMP NOT NULL,
    note      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (school_id, day)
);
CREATE INDEX signoffs_region_day ON signoffs (region_id, day);
