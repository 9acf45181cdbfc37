-- Foundation: organisation, officers, sign-in, audit chain, outbox, idempotency.
-- Conventions (both databases): IDs are UUIDv7 text; instants are RFC 3339 UTC text with
-- microseconds ("2026-03-05T01:02:03.000000Z", sortable); dates are "YYYY-MM-DD".

CREATE TABLE units (
    id           TEXT PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,            -- current name (history in unit_versions)
    parent_id    TEXT REFERENCES units(id), -- current parent
    merged_into  TEXT REFERENCES units(id), -- successor after a merge
    valid_from   TEXT NOT NULL,
    valid_to     TEXT,                      -- set when merged or dissolved
    created_at   TEXT NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);
CREATE INDEX units_merged_into ON units(merged_into);

CREATE TABLE unit_versions (
    id          TEXT PRIMARY KEY,
    unit_id     TEXT NOT NULL REFERENCES units(id),
    name        TEXT NOT NULL,
    parent_id   TEXT REFERENCES units(id),
    valid_from  TEXT NOT NULL,
    valid_to    TEXT,
    reason      TEXT NOT NULL              -- create | rename | move | merge
);
CREATE INDEX unit_versions_unit ON unit_versions(unit_id, valid_from);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    full_name      TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    unit_id        TEXT NOT NULL REFERENCES units(id),
    rank           TEXT,
    active         INTEGER NOT NULL,       -- 1 active, 0 deactivated
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX users_unit ON users(unit_id);

CREATE TABLE user_roles (
    user_id  TEXT NOT NULL REFERENCES users(id),
    role     TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE auth_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    kind         TEXT NOT NULL,             -- session (API login) | page (cookie) | api (long-lived)
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,      -- SHA-256 of the secret; the secret is never stored
    csrf_token   TEXT,                      -- page sessions only
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    revoked_at   TEXT,
    last_used_at TEXT
);
CREATE INDEX auth_tokens_user ON auth_tokens(user_id);

CREATE TABLE login_failures (
    id        TEXT PRIMARY KEY,
    username  TEXT NOT NULL,
    address   TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX login_failures_username ON login_failures(username, at);
CREATE INDEX login_failures_address ON login_failures(address, at);

CREATE TABLE audit_events (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    at           TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    action       TEXT NOT NULL,
    entity_type  TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    unit_id      TEXT NOT NULL,
    details      TEXT NOT NULL,
    digest       TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_events_entity ON audit_events(entity_type, entity_id);
CREATE INDEX audit_events_unit ON audit_events(unit_id, seq);

-- One row: the end of the chain. Locking it serialises appends so two transactions can never
-- build on the same previous hash.
CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE outbox (
    id            TEXT PRIMARY KEY,
    topic         TEXT NOT NULL,
    entity_id     TEXT NOT NULL,
    payload       TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    processed_at  TEXT
);
CREATE INDEX outbox_pending ON outbox(processed_at, created_at);

CREATE TABLE idempotency_keys (
    actor_id      TEXT NOT NULL,
    key           TEXT NOT NULL,
    method        TEXT NOT NULL,
    path          TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status_code   INTEGER,
    response_body TEXT,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (actor_id, key)
);
