-- Outgoing documents with a secrecy level (Mật, Tối mật, Tuyệt mật) are numbered in a book of
-- their own (Decree 30/2020 Art. 15(2): "Văn bản mật được cấp hệ thống số riêng"): the number is
-- unique per (unit, direction, book, year), so the book joins the unique key. Every row that
-- exists is in the general book, where it was numbered.
ALTER TABLE office_documents ADD COLUMN register TEXT NOT NULL DEFAULT 'general';
ALTER TABLE office_documents DROP CONSTRAINT office_documents_unit_id_direction_year_seq_key;
ALTER TABLE office_documents ADD CONSTRAINT office_documents_book_seq_key
    UNIQUE (unit_id, direction, register, year, seq);
CREATE INDEX office_documents_awaiting_send ON office_documents(direction, state, unit_id);
