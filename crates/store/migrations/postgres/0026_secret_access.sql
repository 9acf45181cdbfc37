-- Documents with a secrecy level (Mật, Tối mật, Tuyệt mật) are read only by the people entitled
-- to them (domain::office::secrecy): besides the unit's leaders, its secret-book clerk and the
-- people named on the document, a leader may give one officer access to one document. A grant
-- is kept when taken back (revoked_at), so the page of who had access and when stays true; a
-- grant given again after a revocation reopens the same row. Each grant and revocation is also
-- an audit event.
CREATE TABLE office_secret_grants (
    document_id  TEXT NOT NULL REFERENCES office_documents(id),
    user_id      TEXT NOT NULL REFERENCES users(id),
    reason       TEXT NOT NULL,
    granted_by   TEXT NOT NULL REFERENCES users(id),
    granted_at   TEXT NOT NULL,
    revoked_by   TEXT REFERENCES users(id),
    revoked_at   TEXT,
    PRIMARY KEY (document_id, user_id)
);
CREATE INDEX office_secret_grants_user ON office_secret_grants(user_id, document_id);
