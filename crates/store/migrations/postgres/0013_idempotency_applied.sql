-- An idempotency key is now recorded by the commit of the change it asked for, in the same
-- transaction (see crates/store/src/idempotency.rs): a server killed between that commit and
-- storing the answer leaves a key that says which record the request made, instead of a key
-- "in progress" forever. A request that changed nothing keeps only its stored answer.
ALTER TABLE idempotency_keys ADD COLUMN applied_entity_type TEXT;
ALTER TABLE idempotency_keys ADD COLUMN applied_entity_id TEXT;
