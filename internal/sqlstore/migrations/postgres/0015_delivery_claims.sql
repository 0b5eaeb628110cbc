-- Issue 15. A webhook delivery is claimed by one server before it is sent:
-- the claim moves next_at to the claim's timeout (after which another
-- server may retry) and names the server, for the operators.
ALTER TABLE deliveries ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
