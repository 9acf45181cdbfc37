-- The office (văn thư, issue 9): the registers of incoming and outgoing documents of each unit
-- (sổ văn bản đến/đi), the workflow of an incoming document, and directives sent to a whole
-- subtree with each unit's acknowledgement and each officer's read receipt.
--
-- Why `office_documents` and not `documents`: `documents` is the register of what a *case*
-- issues (its form kind, its case, a frozen PDF, a public verification code, corrections); a letter
-- from the provincial People's Committee or a unit's own official letter has none of those, is
-- numbered in the unit's general registers and goes through routing and replies. Keeping the two
-- apart keeps the case register's guarantees (every row a rendered, verifiable form) intact.
-- Numbers come from the same `document_counters` (registers "office:incoming"/"office:outgoing").
-- Conventions as in 0001 (UUIDv7 text ids, RFC 3339 instants, "YYYY-MM-DD" dates).

CREATE TABLE office_documents (
    id                   TEXT PRIMARY KEY,
    unit_id              TEXT NOT NULL REFERENCES units(id),  -- the unit whose register holds it
    direction            TEXT NOT NULL,                       -- incoming | outgoing
    year                 INTEGER NOT NULL,                    -- the register's year
    seq                  INTEGER NOT NULL,                    -- arrival number (số đến) / number
    number               TEXT NOT NULL,                       -- as printed: "125/QLTT-NV" (incoming: the sender's)
    doc_type             TEXT NOT NULL,
    document_date        TEXT NOT NULL,                       -- the date printed on it
    received_on          TEXT,                                -- incoming: the day it arrived
    correspondent        TEXT NOT NULL,                       -- incoming: sender; outgoing: recipients
    summary              TEXT NOT NULL,                       -- trích yếu
    signer               TEXT NOT NULL,                       -- who signed it
    urgency              TEXT NOT NULL,
    confidentiality      TEXT NOT NULL,
    attachments          TEXT NOT NULL,                       -- JSON array of SHA-256 (blobs)
    state                TEXT NOT NULL,
    route_opinion        TEXT,                                -- ý kiến chỉ đạo
    routed_by            TEXT,
    assigned_unit_id     TEXT REFERENCES units(id),
    assigned_officer_id  TEXT REFERENCES users(id),
    due_on               TEXT,
    reply_id             TEXT REFERENCES office_documents(id),
    created_by           TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    UNIQUE (unit_id, direction, year, seq)
);
CREATE INDEX office_documents_assigned_unit ON office_documents(assigned_unit_id, state);
CREATE INDEX office_documents_assigned_officer ON office_documents(assigned_officer_id, state);
CREATE INDEX office_documents_due ON office_documents(state, due_on);

-- The document's journal: who did what, with the opinion or note they wrote.
CREATE TABLE office_document_steps (
    id           TEXT PRIMARY KEY,
    document_id  TEXT NOT NULL REFERENCES office_documents(id),
    action       TEXT NOT NULL,                 -- register | route | accept | reply | file | send
    actor_id     TEXT NOT NULL,
    note         TEXT NOT NULL,
    details      TEXT NOT NULL,                 -- JSON
    at           TEXT NOT NULL
);
CREATE INDEX office_document_steps_document ON office_document_steps(document_id, at);

CREATE TABLE directives (
    id              TEXT PRIMARY KEY,
    document_id     TEXT NOT NULL REFERENCES office_documents(id),  -- the outgoing document sent
    sender_unit_id  TEXT NOT NULL REFERENCES units(id),
    root_unit_id    TEXT NOT NULL REFERENCES units(id),             -- the subtree it went to
    message         TEXT NOT NULL,                                  -- the leader's instruction
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX directives_sender ON directives(sender_unit_id, created_at);

-- One row per unit of the subtree, written in the directive's own transaction; the primary key
-- makes a second delivery to the same unit impossible.
CREATE TABLE directive_recipients (
    directive_id     TEXT NOT NULL REFERENCES directives(id),
    unit_id          TEXT NOT NULL REFERENCES units(id),
    acknowledged_at  TEXT,
    acknowledged_by  TEXT,
    PRIMARY KEY (directive_id, unit_id)
);
CREATE INDEX directive_recipients_unit ON directive_recipients(unit_id);

-- One row per officer who read it (the first reading); a second reading changes nothing.
CREATE TABLE directive_reads (
    directive_id  TEXT NOT NULL REFERENCES directives(id),
    user_id       TEXT NOT NULL REFERENCES users(id),
    unit_id       TEXT NOT NULL REFERENCES units(id),   -- the reader's unit then
    read_at       TEXT NOT NULL,
    PRIMARY KEY (directive_id, user_id)
);
