-- Cases from discovery to return, their steps, the checks attached to them;
-- the region's settings; the in-app inbox; webhooks with a durable outbox
-- (events and their deliveries, written in the same transaction as what
-- they report).

CREATE TABLE region_settings (
    region_id             INTEGER PRIMARY KEY,
    report_within_minutes INTEGER NOT NULL DEFAULT 120,
    updated_at            TIMESTAMP NOT NULL
);

CREATE TABLE cases (
    id          INTEGER PRIMARY KEY,
    region_id   INTEGER NOT NULL,
    person_id   INTEGER NOT NULL REFERENCES people (id),
    school_id   INTEGER NOT NULL REFERENCES orgs (id),
    class_id    INTEGER REFERENCES orgs (id),
    state       TEXT NOT NULL,
    source      TEXT NOT NULL,
    check_id    INTEGER REFERENCES checks (id),
    onset_day   DATE NOT NULL,
    symptoms    TEXT NOT NULL DEFAULT '',
    temperature REAL,
    detected_at TIMESTAMP NOT NULL,
    report_due  TIMESTAMP NOT NULL,
    reported_at TIMESTAMP,
    isolated_at TIMESTAMP,
    isolation   TEXT NOT NULL DEFAULT '',
    outcome     TEXT NOT NULL DEFAULT '',
    certificate TEXT NOT NULL DEFAULT '',
    cleared_by  TEXT NOT NULL DEFAULT '',
    closed_at   TIMESTAMP,
    escalated   BOOLEAN NOT NULL DEFAULT FALSE,
    note        TEXT NOT NULL DEFAULT '',
    updated_at  TIMESTAMP NOT NULL
);
-- One open case per person: later abnormal checks attach to it.
CREATE UNIQUE INDEX cases_one_open ON cases (person_id) WHERE state <> 'closed';
CREATE INDEX cases_school ON cases (school_id, state);
CREATE INDEX cases_due ON cases (state, report_due);

CREATE TABLE case_steps (
    id          INTEGER PRIMARY KEY,
    region_id   INTEGER NOT NULL,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    at          TIMESTAMP NOT NULL,
    by_name     TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    isolation   TEXT NOT NULL DEFAULT '',
    outcome     TEXT NOT NULL DEFAULT '',
    certificate TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_steps_case ON case_steps (case_id, id);

CREATE TABLE case_checks (
    region_id INTEGER NOT NULL,
    case_id   INTEGER NOT NULL REFERENCES cases (id),
    check_id  INTEGER NOT NULL REFERENCES checks (id),
    PRIMARY KEY (case_id, check_id)
);

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    region_id  INTEGER NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    args       TEXT NOT NULL DEFAULT '[]',
    link       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    read_at    TIMESTAMP
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY,
    region_id  INTEGER NOT NULL,
    org_id     INTEGER NOT NULL REFERENCES orgs (id),
    name       TEXT NOT NULL,
    url        TEXT NOT NULL,
    events     TEXT NOT NULL,
    secret     TEXT NOT NULL,
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    region_id  INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE deliveries (
    id           INTEGER PRIMARY KEY,
    region_id    INTEGER NOT NULL,
    webhook_id   INTEGER NOT NULL REFERENCES webhooks (id),
    event_id     INTEGER NOT NULL REFERENCES events (id),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP,
    last_status  INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (next_at) WHERE delivered_at IS NULL;
CREATE INDEX deliveries_webhook ON deliveries (webhook_id, id);
