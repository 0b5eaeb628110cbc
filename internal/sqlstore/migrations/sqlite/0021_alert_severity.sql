-- Issue 19: alerts that say how much they matter. Each alert has a
-- severity (campusguard.AlertSeverity decides it; the rows already here get
-- the same rule once, below), may be grouped under the alert of the same
-- signal at a region above (parent_id), and a region chooses how sensitive
-- its statistics are.
ALTER TABLE alerts ADD COLUMN severity TEXT NOT NULL DEFAULT 'medium';
ALTER TABLE alerts ADD COLUMN parent_id INTEGER REFERENCES alerts (id);
UPDATE alerts SET severity = CASE
    WHEN rule IN ('class_day', 'class_days', 'ili_suspension') THEN 'high'
    WHEN rule = 'aberration' AND days <= 1 THEN 'low'
    ELSE 'medium' END;
CREATE INDEX alerts_parent ON alerts (parent_id);
ALTER TABLE region_settings ADD COLUMN alert_sensitivity TEXT NOT NULL DEFAULT 'normal';
