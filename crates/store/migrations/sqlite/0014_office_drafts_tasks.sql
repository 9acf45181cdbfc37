-- The office, second part (issue 9): drafts of outgoing documents and their way to signature
-- (dự thảo → duyệt → ký → cấp số → phát hành), the delivery of a sent document to units of the
-- product (each gets it in its incoming register) or outside it, and tasks (giao việc).
-- Conventions as in 0001 (UUIDv7 text ids, RFC 3339 instants, "YYYY-MM-DD" dates).

-- A draft has no number (Decree 30/2020 Art. 15(2): numbered after signature), so it is not a
-- row of a register: `office_documents` keeps its rule that every row holds a register number.
-- Signing enters the document in the unit's outgoing register and links it here.
CREATE TABLE office_drafts (
    id               TEXT PRIMARY KEY,
    unit_id          TEXT NOT NULL REFERENCES units(id),   -- whose outgoing register will number it
    doc_type         TEXT NOT NULL,
    issuer_abbr      TEXT NOT NULL,                        -- "QLTT" in "125/QLTT-NV"
    division_abbr    TEXT,                                 -- "NV"
    summary          TEXT NOT NULL,                        -- trích yếu
    content          TEXT NOT NULL,                        -- the draft's text
    recipients       TEXT NOT NULL,                        -- nơi nhận, as printed
    urgency          TEXT NOT NULL,
    confidentiality  TEXT NOT NULL,
    attachments      TEXT NOT NULL,                        -- JSON array of SHA-256 (blobs)
    state            TEXT NOT NULL,
    drafted_by       TEXT NOT NULL REFERENCES users(id),
    reviewed_by      TEXT REFERENCES users(id),
    signed_by        TEXT REFERENCES users(id),
    comment          TEXT,                                 -- the last refusal's comment
    document_id      TEXT UNIQUE REFERENCES office_documents(id),  -- from signing on
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX office_drafts_unit ON office_drafts(unit_id, state, updated_at);

-- The draft's journal: who did what, with the comment they wrote.
CREATE TABLE office_draft_steps (
    id         TEXT PRIMARY KEY,
    draft_id   TEXT NOT NULL REFERENCES office_drafts(id),
    action     TEXT NOT NULL,          -- create | edit | submit | approve | reject | sign | send
    actor_id   TEXT NOT NULL,
    note       TEXT NOT NULL,
    details    TEXT NOT NULL,          -- JSON
    at         TEXT NOT NULL
);
CREATE INDEX office_draft_steps_draft ON office_draft_steps(draft_id, at);

-- Where a sent document went: a unit of the product (then `incoming_id` is its entry in that
-- unit's incoming register, written in the sending transaction; the unique index makes a second
-- delivery to the same unit impossible) or a recipient outside (name and channel).
CREATE TABLE office_deliveries (
    id                 TEXT PRIMARY KEY,
    document_id        TEXT NOT NULL REFERENCES office_documents(id),
    recipient_unit_id  TEXT REFERENCES units(id),
    incoming_id        TEXT REFERENCES office_documents(id),
    recipient_name     TEXT NOT NULL,
    channel            TEXT NOT NULL,  -- internal | post | email | hand | fax | axis
    sent_by            TEXT NOT NULL,
    sent_at            TEXT NOT NULL,
    UNIQUE (document_id, recipient_unit_id)
);
CREATE INDEX office_deliveries_document ON office_deliveries(document_id);

-- Tasks (giao việc): given by an officer of `unit_id` to a unit, or to one officer (then
-- `assignee_unit_id` is the officer's unit, so the unit's leaders see their officers' tasks).
CREATE TABLE tasks (
    id                   TEXT PRIMARY KEY,
    unit_id              TEXT NOT NULL REFERENCES units(id),   -- the assigner's unit
    title                TEXT NOT NULL,
    description          TEXT NOT NULL,
    assignee_unit_id     TEXT NOT NULL REFERENCES units(id),
    assignee_officer_id  TEXT REFERENCES users(id),
    due_on               TEXT NOT NULL,
    state                TEXT NOT NULL,   -- assigned | in_progress | submitted | done
    progress             INTEGER NOT NULL,                      -- percent, from the last note
    attachments          TEXT NOT NULL,   -- JSON array of SHA-256 (blobs), the task's own
    document_id          TEXT REFERENCES office_documents(id),  -- the document it follows up
    assigned_by          TEXT NOT NULL REFERENCES users(id),
    completed_at         TEXT,
    reviewed_at          TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX tasks_unit ON tasks(unit_id, state, due_on);
CREATE INDEX tasks_assignee_unit ON tasks(assignee_unit_id, state, due_on);
CREATE INDEX tasks_assignee_officer ON tasks(assignee_officer_id, state, due_on);

-- The task's journal: assignment, progress notes (with files), completion, acceptance, return.
CREATE TABLE task_notes (
    id           TEXT PRIMARY KEY,
    task_id      TEXT NOT NULL REFERENCES tasks(id),
    kind         TEXT NOT NULL,     -- assign | progress | complete | accept | return
    actor_id     TEXT NOT NULL,
    note         TEXT NOT NULL,
    progress     INTEGER,
    attachments  TEXT NOT NULL,     -- JSON array of SHA-256
    at           TEXT NOT NULL
);
CREATE INDEX task_notes_task ON task_notes(task_id, at);
