-- Issue 15. Several servers share one database: each scheduled job's run
-- for its period is taken by one server through a lease (an owner and an
-- expiry); a lease whose owner died expires and another server takes it
-- over. The row stays as the record of the run: who did it, when it was
-- done, or its failure. region_id is 0: jobs run for every region.
CREATE TABLE job_leases (
    region_id  BIGINT NOT NULL DEFAULT 0,
    job        TEXT NOT NULL,
    period     TEXT NOT NULL,
    owner      TEXT NOT NULL,
    taken_at   TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    done_at    TIMESTAMPTZ,
    error      TEXT NOT NULL DEFAULT '',
    takeovers  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (job, period)
);
CREATE INDEX job_leases_taken ON job_leases (job, taken_at);
