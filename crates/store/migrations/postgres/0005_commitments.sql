-- Commitments (cam kết): campaigns in which businesses sign a commitment not to trade counterfeit,
-- smuggled or unknown-origin goods. A campaign is run by a unit; its subtree takes part. Nothing is
-- deleted: a business that withdraws keeps its row, with withdrawn_at set (and an audit event).
-- Conventions as in 0001 (UUIDv7 text ids, RFC 3339 instants, "YYYY-MM-DD" dates); no integer
-- columns here, so the two databases share the same text.
CREATE TABLE commitment_campaigns (
    id          TEXT PRIMARY KEY,
    unit_id     TEXT NOT NULL REFERENCES units(id),   -- the unit that runs it
    name        TEXT NOT NULL,
    content     TEXT NOT NULL,                        -- the text the businesses sign
    starts_on   TEXT NOT NULL,                        -- YYYY-MM-DD
    ends_on     TEXT,                                 -- YYYY-MM-DD, inclusive; NULL: open-ended
    created_by  TEXT NOT NULL,                        -- an officer (or "system")
    created_at  TEXT NOT NULL
);
CREATE INDEX commitment_campaigns_unit ON commitment_campaigns(unit_id, starts_on);

CREATE TABLE commitments (
    id                TEXT PRIMARY KEY,
    campaign_id       TEXT NOT NULL REFERENCES commitment_campaigns(id),
    business_id       TEXT NOT NULL REFERENCES businesses(id),
    signed_on         TEXT NOT NULL,                  -- YYYY-MM-DD
    signed_by_name    TEXT NOT NULL,                  -- the business's representative who signed
    officer_id        TEXT NOT NULL,                  -- the officer who collected it
    note              TEXT NOT NULL,
    withdrawn_at      TEXT,                           -- instant; NULL while in force
    withdrawn_by      TEXT,
    withdrawn_reason  TEXT,
    created_at        TEXT NOT NULL,
    UNIQUE (campaign_id, business_id)
);
CREATE INDEX commitments_business ON commitments(business_id);
