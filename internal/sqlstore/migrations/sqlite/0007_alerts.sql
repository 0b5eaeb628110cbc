-- Early-warning alerts (one per signal while it lasts), their steps, and
-- each region's settings of the rules and statistics (JSON; empty means
-- the national defaults).

ALTER TABLE region_settings ADD COLUMN rules TEXT NOT NULL DEFAULT '';

CREATE TABLE alerts (
    id         INTEGER PRIMARY KEY,
    region_id  INTEGER NOT NULL,
    org_id     INTEGER NOT NULL REFERENCES orgs (id),
    key        TEXT NOT NULL,
    rule       TEXT NOT NULL,
    room_id    INTEGER REFERENCES places (id),
    symptom    TEXT NOT NULL DEFAULT '',
    series     TEXT NOT NULL DEFAULT '',
    method     TEXT NOT NULL DEFAULT '',
    state      TEXT NOT NULL,
    first_day  DATE NOT NULL,
    last_day   DATE NOT NULL,
    days       INTEGER NOT NULL,
    count      REAL NOT NULL,
    threshold  REAL NOT NULL,
    case_ids   TEXT NOT NULL DEFAULT '',
    conclusion TEXT NOT NULL DEFAULT '',
    opened_at  TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- One alert per signal while it is not closed.
CREATE UNIQUE INDEX alerts_one_open ON alerts (region_id, key) WHERE state <> 'closed';
CREATE INDEX alerts_org ON alerts (org_id, state);

CREATE TABLE alert_steps (
    id         INTEGER PRIMARY KEY,
    region_id  INTEGER NOT NULL,
    alert_id   INTEGER NOT NULL REFERENCES alerts (id),
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    at         TIMESTAMP NOT NULL,
    by_name    TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alert_steps_alert ON alert_steps (alert_id, id);
