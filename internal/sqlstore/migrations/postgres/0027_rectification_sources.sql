-- Rectification items from returned readiness items (issue 12): an item's
-- source is a finding or a readiness item of its school; finding_id becomes
-- optional, and an item from a readiness item keeps the problem in words.

ALTER TABLE rectifications ALTER COLUMN finding_id DROP NOT NULL;
ALTER TABLE rectifications ADD COLUMN source TEXT NOT NULL DEFAULT 'finding' CHECK (source IN ('finding', 'readiness'));
ALTER TABLE rectifications ADD COLUMN readiness_item_id BIGINT REFERENCES checklist_items (id);
ALTER TABLE rectifications ADD COLUMN problem TEXT NOT NULL DEFAULT '';
ALTER TABLE rectifications ADD CONSTRAINT rectifications_finding_source CHECK ((source = 'finding') = (finding_id IS NOT NULL));
ALTER TABLE rectifications ADD CONSTRAINT rectifications_readiness_source CHECK ((source = 'readiness') = (readiness_item_id IS NOT NULL));
CREATE UNIQUE INDEX rectifications_readiness_open ON rectifications (school_id, readiness_item_id)
    WHERE readiness_item_id IS NOT NULL AND state <> 'closed';
