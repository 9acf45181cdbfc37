-- Outgoing documents with a secrecy level (Mật, Tối mật, Tuyệt mật) are numbered in a book of
-- their own (Decree 30/2020 Art. 15(2): "Văn bản mật được cấp hệ thống số riêng"): the number is
-- unique per (unit, direction, book, year), so the book joins the unique key. SQLite cannot
-- change a table's constraint: the table is rebuilt (create, copy, drop, rename) with foreign
-- key enforcement off (see `Db::migrate`, which checks every reference afterwards). Every row
-- that exists is in the general book, where it was numbered.
CREATE TABLE office_documents_new (
    id                   TEXT PRIMARY KEY,
    unit_id              TEXT NOT NULL REFERENCES units(id),
    direction            TEXT NOT NULL,
    register             TEXT NOT NULL DEFAULT 'general',      -- general | secret
    year                 INTEGER NOT NULL,
    seq                  INTEGER NOT NULL,
    number               TEXT NOT NULL,
    doc_type             TEXT NOT NULL,
    document_date        TEXT NOT NULL,
    received_on          TEXT,
    correspondent        TEXT NOT NULL,
    summary              TEXT NOT NULL,
    signer               TEXT NOT NULL,
    urgency              TEXT NOT NULL,
    confidentiality      TEXT NOT NULL,
    attachments          TEXT NOT NULL,
    state                TEXT NOT NULL,
    route_opinion        TEXT,
    routed_by            TEXT,
    assigned_unit_id     TEXT REFERENCES units(id),
    assigned_officer_id  TEXT REFERENCES users(id),
    due_on               TEXT,
    reply_id             TEXT REFERENCES office_documents(id),
    created_by           TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    UNIQUE (unit_id, direction, register, year, seq)
);
INSERT INTO office_documents_new (id, unit_id, direction, register, year, seq, number, doc_type,
    document_date, received_on, correspondent, summary, signer, urgency, confidentiality,
    attachments, state, route_opinion, routed_by, assigned_unit_id, assigned_officer_id, due_on,
    reply_id, created_by, created_at, updated_at)
SELECT id, unit_id, direction, 'general', year, seq, number, doc_type, document_date,
    received_on, correspondent, summary, signer, urgency, confidentiality, attachments, state,
    route_opinion, routed_by, assigned_unit_id, assigned_officer_id, due_on, reply_id,
    created_by, created_at, updated_at
FROM office_documents;
DROP TABLE office_documents;
ALTER TABLE office_documents_new RENAME TO office_documents;
CREATE INDEX office_documents_assigned_unit ON office_documents(assigned_unit_id, state);
CREATE INDEX office_documents_assigned_officer ON office_documents(assigned_officer_id, state);
CREATE INDEX office_documents_due ON office_documents(state, due_on);
CREATE INDEX office_documents_awaiting_send ON office_documents(direction, state, unit_id);
