-- Receipt of a document delivered inside the product (issue 9; Decree 30/2020 Art. 21(2)(c):
-- the receiving body tells the sender the same day that it received the document, through the
-- system). The delivery row, written by the sender's transaction, gets who confirmed and when;
-- it is set once and never cleared.
ALTER TABLE office_deliveries ADD COLUMN received_at TEXT;
ALTER TABLE office_deliveries ADD COLUMN received_by TEXT REFERENCES users(id);
CREATE INDEX office_deliveries_incoming ON office_deliveries(incoming_id);
