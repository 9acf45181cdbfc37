-- Text of documents, continued (issue 9): automatic retries of a failed reading, and the files of
-- drafts of outgoing documents.
--
-- A reading that failed for a reason that may pass on its own (a timeout, a program that crashed,
-- the blob store not answering: domain::extraction) is tried again by the job after 1 minute,
-- 10 minutes, then 1 hour. The row stays `failed` with its error while it waits; `next_attempt_at`
-- is when the job may claim it again (NULL: it waits for a person) and `auto_retries` counts the
-- automatic tries since a person (or an attachment) last queued it.
ALTER TABLE document_texts ADD COLUMN next_attempt_at TEXT;
ALTER TABLE document_texts ADD COLUMN auto_retries INTEGER NOT NULL DEFAULT 0;
CREATE INDEX document_texts_retry ON document_texts(state, next_attempt_at);

-- Files attached to drafts before this migration (drafts' files are read from now on): queued.
INSERT INTO document_texts (sha256, content_type, state, pages_done, attempts, queued_at, updated_at)
SELECT b.sha256, b.content_type, 'queued', 0, 0, MIN(d.created_at), MIN(d.created_at)
FROM office_drafts d CROSS JOIN LATERAL json_array_elements_text(d.attachments::json) AS j(value)
JOIN blobs b ON b.sha256 = j.value
WHERE b.content_type IN ('application/pdf', 'image/jpeg', 'image/png')
GROUP BY b.sha256, b.content_type
ON CONFLICT (sha256) DO NOTHING;
