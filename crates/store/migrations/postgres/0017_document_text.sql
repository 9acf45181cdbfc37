-- Text of documents (issue 9): the text of every PDF or image attached to an office document,
-- read from the PDF's text layer or, for a scan, recognised by OCR (tesseract, Vietnamese), so the
-- document is found by what it says. One row per file (SHA-256 of the blob): the same scan
-- attached to two documents (a directive delivered to 34 provinces) is read once.
--
-- The row is the job too: `queued` rows are written in the transaction that attaches the file
-- (store::office::insert), a background job claims one (`running`, with a heartbeat), records its
-- progress page by page and ends it `done` (with the text) or `failed` (with the error's code and
-- message; an operator may requeue it). A `running` row whose heartbeat is old was left by a
-- process that died: the job claims it again.
-- Conventions as in 0001 (RFC 3339 instants).

CREATE TABLE document_texts (
    sha256        TEXT PRIMARY KEY REFERENCES blobs(sha256),
    content_type  TEXT NOT NULL,             -- application/pdf | image/jpeg | image/png
    state         TEXT NOT NULL,             -- queued | running | done | failed
    method        TEXT,                      -- text_layer | ocr (known once started)
    pages_done    BIGINT NOT NULL DEFAULT 0,
    pages_total   BIGINT,                   -- known once started
    text          TEXT,                      -- NFC, when done
    error_code    TEXT,                      -- ocr.unavailable, ocr.failed, ...
    error         TEXT,                      -- the message shown (Vietnamese)
    attempts      BIGINT NOT NULL DEFAULT 0,
    queued_at     TEXT NOT NULL,
    started_at    TEXT,
    heartbeat_at  TEXT,                      -- refreshed after each page while running
    finished_at   TEXT,
    updated_at    TEXT NOT NULL
);
CREATE INDEX document_texts_state ON document_texts(state, queued_at);

-- Files attached before this migration: queued now.
INSERT INTO document_texts (sha256, content_type, state, pages_done, attempts, queued_at, updated_at)
SELECT b.sha256, b.content_type, 'queued', 0, 0, MIN(d.created_at), MIN(d.created_at)
FROM office_documents d CROSS JOIN LATERAL json_array_elements_text(d.attachments::json) AS j(value)
JOIN blobs b ON b.sha256 = j.value
WHERE b.content_type IN ('application/pdf', 'image/jpeg', 'image/png')
GROUP BY b.sha256, b.content_type;
