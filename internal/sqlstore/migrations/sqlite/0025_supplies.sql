-- Issue 13. Supplies: a catalogue per region, a ledger per school and per
-- region warehouse (quantities in thousandths of a unit: exact, no
-- floats), the running balance per holder and item (its row is the lock
-- that serialises bookings against one balance), a region's thresholds
-- and the open low-stock alerts.

CREATE TABLE supply_items (
    id          INTEGER PRIMARY KEY,
    region_id   INTEGER NOT NULL REFERENCES orgs (id),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    unit        TEXT NOT NULL,
    unit_weight INTEGER NOT NULL,
    norm        INTEGER,
    essential   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX supply_items_code ON supply_items (region_id, code);

CREATE TABLE supply_movements (
    id             INTEGER PRIMARY KEY,
    region_id      INTEGER NOT NULL,
    holder_id      INTEGER NOT NULL REFERENCES orgs (id),
    item_id        INTEGER NOT NULL REFERENCES supply_items (id),
    day            DATE NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('receipt', 'issue', 'transfer_out', 'transfer_in', 'adjustment', 'reversal')),
    delta          INTEGER NOT NULL,
    party          TEXT NOT NULL DEFAULT '',
    batch          TEXT NOT NULL DEFAULT '',
    expiry         DATE,
    reason         TEXT NOT NULL DEFAULT '',
    counterpart_id INTEGER REFERENCES orgs (id),
    reverses_id    INTEGER REFERENCES supply_movements (id),
    pair_id        INTEGER,
    created_by     TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX supply_movements_holder ON supply_movements (holder_id, item_id, day);
CREATE INDEX supply_movements_region ON supply_movements (region_id, day);
CREATE INDEX supply_movements_expiry ON supply_movements (region_id, expiry) WHERE expiry IS NOT NULL;
CREATE UNIQUE INDEX supply_movements_reverses ON supply_movements (reverses_id) WHERE reverses_id IS NOT NULL;

CREATE TABLE supply_stock (
    region_id INTEGER NOT NULL,
    holder_id INTEGER NOT NULL REFERENCES orgs (id),
    item_id   INTEGER NOT NULL REFERENCES supply_items (id),
    balance   INTEGER NOT NULL,
    PRIMARY KEY (holder_id, item_id)
);
CREATE INDEX supply_stock_region ON supply_stock (region_id, item_id);

CREATE TABLE supply_settings (
    region_id   INTEGER NOT NULL PRIMARY KEY REFERENCES orgs (id),
    low_days    INTEGER NOT NULL,
    target_days INTEGER NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE supply_alerts (
    id           INTEGER PRIMARY KEY,
    region_id    INTEGER NOT NULL,
    holder_id    INTEGER NOT NULL REFERENCES orgs (id),
    item_id      INTEGER NOT NULL REFERENCES supply_items (id),
    day          DATE NOT NULL,
    opened_at    TIMESTAMP NOT NULL,
    recovered_at TIMESTAMP
);
CREATE UNIQUE INDEX supply_alerts_open ON supply_alerts (holder_id, item_id) WHERE recovered_at IS NULL;
CREATE INDEX supply_alerts_region ON supply_alerts (region_id) WHERE recovered_at IS NULL;
