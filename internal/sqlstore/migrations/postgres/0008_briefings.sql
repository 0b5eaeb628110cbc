-- Each region's daily briefing (日研判), kept per day as generated.

CREATE TABLE briefings (
    region_id    BIGINT NOT NULL REFERENCES orgs (id),
    day          DATE NOT NULL,
    generated_at TIMESTAMPTZ NOT NULL,
    generated_by TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL,
    PRIMARY KEY (region_id, day)
);
