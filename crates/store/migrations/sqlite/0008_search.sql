-- Search indexing (issue 7): the index job's own bookkeeping over the outbox.
-- search_marks: outbox entries this job has indexed. Per-entry marks rather than one cursor,
-- because on PostgreSQL transactions commit out of id order: an entry with a smaller id can become
-- visible after a larger one was processed, and "id > cursor" would skip it for good.
-- search_state: 'horizon' (every outbox entry up to this id is indexed; marks below it are pruned)
-- and 'index_id' (the marker of the index that follows this database; another or none → rebuild).
CREATE TABLE search_marks (
    outbox_id   TEXT PRIMARY KEY,
    indexed_at  TEXT NOT NULL
);

CREATE TABLE search_state (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
