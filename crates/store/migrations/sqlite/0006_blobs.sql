-- Files of the product (photos, clips, scans, issued PDFs) are kept by the SHA-256 of their bytes
-- in the blob store (a local folder or an S3-compatible bucket); this table is their metadata.
-- The bytes are written before the transaction that first references them (content-addressed,
-- so a retry writes nothing new); the row is written inside it, once per distinct file.
CREATE TABLE blobs (
    sha256        TEXT PRIMARY KEY,     -- lower-case hex, the file's address in the store
    size          INTEGER NOT NULL,
    content_type  TEXT NOT NULL,        -- as sniffed from the bytes, not as the client claimed
    file_name     TEXT,                 -- the name it was first uploaded under (display only)
    unit_id       TEXT NOT NULL REFERENCES units(id),  -- the uploader's unit: who may fetch it
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
