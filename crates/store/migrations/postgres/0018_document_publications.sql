-- Publication of sanction decisions (issue 8, open data). A leader publishes an issued decision
-- with the basis for doing so; the public open dataset lists the decisions published and not
-- withdrawn, anonymised (no personal data of individuals). A withdrawal is recorded on the row
-- (who, when, why), never by deleting it, so the history of what was public stays readable.
-- Conventions as in 0001 (UUIDv7 text ids, RFC 3339 instants).

CREATE TABLE document_publications (
    id               TEXT PRIMARY KEY,
    document_id      TEXT NOT NULL REFERENCES documents(id),
    basis            TEXT NOT NULL,      -- why it is published (the leader's note, printed nowhere else)
    published_by     TEXT NOT NULL REFERENCES users(id),
    published_at     TEXT NOT NULL,
    withdrawn_by     TEXT REFERENCES users(id),
    withdrawn_at     TEXT,
    withdraw_reason  TEXT
);
-- At most one live publication per decision (a retry or a race cannot publish it twice).
CREATE UNIQUE INDEX document_publications_live ON document_publications(document_id)
    WHERE withdrawn_at IS NULL;
CREATE INDEX document_publications_at ON document_publications(published_at);
