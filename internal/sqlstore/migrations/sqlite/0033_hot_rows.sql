-- Issue 15. On PostgreSQL this migration drops the foreign keys of checks
-- and person_days to people and orgs (see the PostgreSQL file for why).
-- SQLite keeps them: it checks them without row locks, for one writer.
SELECT 1;
