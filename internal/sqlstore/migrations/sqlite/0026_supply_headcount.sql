-- Issue 13. The supplies' open headcount counts each school's active people;
-- this index answers it without reading a row of people.
CREATE INDEX people_active_school ON people (region_id, school_id) WHERE active = TRUE;
