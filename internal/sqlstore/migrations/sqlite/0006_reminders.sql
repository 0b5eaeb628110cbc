-- The morning reminders of missing reports already sent: one per class and
-- day, however often the job runs.

CREATE TABLE reminders (
    region_id INTEGER NOT NULL,
    class_id  INTEGER NOT NULL REFERENCES orgs (id),
    day       DATE NOT NULL,
    missing   INTEGER NOT NULL,
    sent_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (class_id, day)
);
