-- The business register. One row per business, current values; every change is an audit event
-- with the before/after of each field (the history pages read those).
CREATE TABLE businesses (
    id                   TEXT PRIMARY KEY,
    unit_id              TEXT NOT NULL REFERENCES units(id),   -- the team whose area it is in
    kind                 TEXT NOT NULL,
    name                 TEXT NOT NULL,
    tax_code             TEXT,
    registration_no      TEXT NOT NULL,
    registration_date    TEXT,                                   -- YYYY-MM-DD
    registration_issuer  TEXT NOT NULL,
    representative       TEXT NOT NULL,
    address              TEXT NOT NULL,
    province             TEXT NOT NULL,
    commune              TEXT NOT NULL,
    business_lines       TEXT NOT NULL,
    phone                TEXT NOT NULL,
    email                TEXT NOT NULL,
    website              TEXT NOT NULL,
    risk_note            TEXT NOT NULL,
    search_text          TEXT NOT NULL,                          -- folded: no diacritics, lower case
    merged_into          TEXT REFERENCES businesses(id),         -- set when found to be a duplicate
    version              BIGINT NOT NULL,                       -- optimistic concurrency
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX businesses_unit ON businesses(unit_id, name);
-- A tax code names one live business; merged duplicates keep theirs for the record.
CREATE UNIQUE INDEX businesses_tax_code ON businesses(tax_code)
    WHERE tax_code IS NOT NULL AND merged_into IS NULL;
