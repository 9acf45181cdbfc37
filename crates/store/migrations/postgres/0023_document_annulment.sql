-- Annulling a decision in full (Decree 118/2021/NĐ-CP Art. 13, form MQĐ40): the annulment is a new
-- numbered document naming the decision it annuls; the annulled one stays, its status becomes
-- 'annulled' (its PDF and hash stay as issued).
ALTER TABLE documents ADD COLUMN annuls_id TEXT REFERENCES documents(id);
CREATE INDEX documents_annuls ON documents(annuls_id);
