-- Issue 15. The rows written for every check (checks, person_days) no
-- longer carry foreign keys to people and orgs on PostgreSQL. Each key was
-- checked by a trigger per row that also locked the referenced row (FOR KEY
-- SHARE): with several committers, every group of checks took the same
-- school's and class's org rows, and the triggers were an eighth of
-- PostgreSQL's CPU under home reports (perf, docs/benchmarks.md). The
-- writer already guarantees what the keys did: it reads and locks each
-- person (FOR NO KEY UPDATE) in the transaction that writes their check and
-- takes the school and class from that row, and people and orgs are never
-- deleted (a person leaves by becoming inactive). The keys that stay on
-- checks (supersedes, bus_route_id, drill_id) are rare or NULL.
-- SQLite keeps its keys: it checks them without row locks, for one writer.

ALTER TABLE checks DROP CONSTRAINT IF EXISTS checks_person_id_fkey;
ALTER TABLE checks DROP CONSTRAINT IF EXISTS checks_school_id_fkey;
ALTER TABLE checks DROP CONSTRAINT IF EXISTS checks_class_id_fkey;
ALTER TABLE person_days DROP CONSTRAINT IF EXISTS person_days_person_id_fkey;
