-- Each school signs off its day (日报), even when every figure is zero (零报告).

CREATE TABLE signoffs (
    region_id BIGINT  NOT NULL,
    school_id BIGINT NOT NULL REFERENCES orgs (id),
    day       DATE NOT NULL,
    signed_by TEXT NOT NULL,
    signed_at TIMESTAMPTZ NOT NULL,
    note      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (school_id, day)
);
CREATE INDEX signoffs_region_day ON signoffs (region_id, day);
