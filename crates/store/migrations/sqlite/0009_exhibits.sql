-- Exhibits (tang vật) and means (phương tiện) seized in cases, the warehouses that keep them, the
-- cameras that watch them, and each lot's chain of custody (hash-linked per lot, and every event
-- also in the audit chain). Nothing here is ever deleted: a lot that leaves ends in a terminal
-- status, a partial move splits the lot into a child that points at its parent.

CREATE TABLE warehouses (
    id          TEXT PRIMARY KEY,
    unit_id     TEXT NOT NULL REFERENCES units(id),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    address     TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (unit_id, code)
);

CREATE TABLE cameras (
    id            TEXT PRIMARY KEY,
    warehouse_id  TEXT NOT NULL REFERENCES warehouses(id),
    code          TEXT NOT NULL,             -- as painted on the device, e.g. "CAM-03"
    zone          TEXT,                      -- the zone it watches
    description   TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (warehouse_id, code)
);

CREATE TABLE exhibits (
    id                   TEXT PRIMARY KEY,
    case_id              TEXT NOT NULL REFERENCES cases(id),
    unit_id              TEXT NOT NULL REFERENCES units(id),
    lot_no               TEXT NOT NULL UNIQUE,  -- printed on the label: "QN-TV-2026-00012"
    parent_id            TEXT REFERENCES exhibits(id),  -- the lot it was split from
    kind                 TEXT NOT NULL,          -- goods | means
    category             TEXT NOT NULL,
    description          TEXT NOT NULL,
    brand                TEXT,                   -- the mark counterfeited, if any
    unit_of_measure      TEXT NOT NULL,
    quantity_milli       INTEGER NOT NULL CHECK (quantity_milli > 0),  -- now, in thousandths
    estimated_value      INTEGER NOT NULL CHECK (estimated_value >= 0),  -- VND, for the whole lot
    seal_numbers         TEXT NOT NULL,          -- JSON array
    photos               TEXT NOT NULL,          -- JSON array of blob sha256
    status               TEXT NOT NULL,
    warehouse_id         TEXT REFERENCES warehouses(id),
    zone                 TEXT,
    shelf                TEXT,
    seizure_document_id  TEXT REFERENCES documents(id),
    seized_on            TEXT NOT NULL,          -- date the goods were actually seized
    seizure_due          TEXT NOT NULL,          -- LHAV Art. 125(8), computed at seizure
    head_seq             INTEGER NOT NULL,        -- last custody event of this lot
    head_hash            TEXT NOT NULL,
    version              INTEGER NOT NULL,
    created_by           TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX exhibits_case ON exhibits(case_id);
CREATE INDEX exhibits_unit_status ON exhibits(unit_id, status);
CREATE INDEX exhibits_warehouse ON exhibits(warehouse_id, status);
CREATE INDEX exhibits_parent ON exhibits(parent_id);

CREATE TABLE custody_events (
    id              TEXT PRIMARY KEY,
    exhibit_id      TEXT NOT NULL REFERENCES exhibits(id),
    seq             INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    quantity_milli  INTEGER NOT NULL,
    occurred_at     TEXT NOT NULL,     -- when the goods changed hands (may precede recording)
    handed_over_by  TEXT NOT NULL,     -- names as on the handover minutes
    received_by     TEXT NOT NULL,
    details         TEXT NOT NULL,     -- canonical JSON: places, condition, photos, cameras, council…
    details_digest  TEXT NOT NULL,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL,
    recorded_by     TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    UNIQUE (exhibit_id, seq)
);
