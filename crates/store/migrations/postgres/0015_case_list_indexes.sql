-- The case list and the work queues read a scope's cases newest first, optionally in one state
-- (`cases::list`). With the creation time in the index each unit of the scope is read in order
-- instead of all its cases being fetched and sorted for every page (measured with
-- `qltt bench http`, see docs/operations.md "Load test").
DROP INDEX cases_unit_state;
CREATE INDEX cases_unit_state ON cases(unit_id, state, created_at, id);
CREATE INDEX cases_unit_created ON cases(unit_id, created_at, id);
