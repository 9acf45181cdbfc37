-- Stock counts (kiểm kê) of a warehouse. A count snapshots the ledger's quantity of each lot on
-- the shelves when it opens (`expected_milli`); counters record what they find; a difference is
-- explained by a leader. A count never changes a lot: it is a second witness beside the custody
-- chain. Nothing is deleted.

CREATE TABLE stock_counts (
    id            TEXT PRIMARY KEY,
    warehouse_id  TEXT NOT NULL REFERENCES warehouses(id),
    unit_id       TEXT NOT NULL REFERENCES units(id),   -- the warehouse's unit (scope)
    status        TEXT NOT NULL,                        -- open | discrepancy | closed
    note          TEXT NOT NULL,
    opened_by     TEXT NOT NULL,
    opened_at     TEXT NOT NULL,
    closed_by     TEXT,
    closed_at     TEXT,
    explained_by  TEXT,
    explained_at  TEXT,
    version       INTEGER NOT NULL
);
CREATE INDEX stock_counts_warehouse ON stock_counts(warehouse_id, opened_at);
-- One count at a time per warehouse: two open counts would each miss what the other counted.
CREATE UNIQUE INDEX stock_counts_one_open ON stock_counts(warehouse_id) WHERE status = 'open';

CREATE TABLE stock_count_lines (
    count_id        TEXT NOT NULL REFERENCES stock_counts(id),
    exhibit_id      TEXT NOT NULL REFERENCES exhibits(id),
    lot_no          TEXT NOT NULL,
    expected_milli  INTEGER NOT NULL,
    counted_milli   INTEGER,            -- NULL until counted
    note            TEXT,
    counted_by      TEXT,
    counted_at      TEXT,
    explanation     TEXT,               -- a leader's, for a line with a difference
    PRIMARY KEY (count_id, exhibit_id)
);
