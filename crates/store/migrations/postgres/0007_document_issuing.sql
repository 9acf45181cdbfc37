-- Issuing a document freezes it (issue 5): the rendered PDF's SHA-256 (its bytes live in the blob
-- store under that hash), the short public verification code printed with the QR code, and for a
-- correction the document it corrects (the old one stays, its status becomes 'corrected').
ALTER TABLE documents ADD COLUMN sha256 TEXT;
ALTER TABLE documents ADD COLUMN verify_code TEXT;
ALTER TABLE documents ADD COLUMN corrects_id TEXT REFERENCES documents(id);
CREATE UNIQUE INDEX documents_verify_code ON documents(verify_code);
CREATE INDEX documents_corrects ON documents(corrects_id);
