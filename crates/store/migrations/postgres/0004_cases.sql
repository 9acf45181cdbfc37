-- The law's data and the violation-handling case (INS): the working-day calendar, the violation
-- catalogue (versioned), cases with their steps, acts, deadlines and payments, and the numbered
-- documents every step produces. Conventions as in 0001 (UUIDv7 text ids, RFC 3339 instants,
-- "YYYY-MM-DD" dates, money as whole đồng in 64-bit integers).

-- Exceptions to the weekly rule (Mon–Fri working): public holidays and official days off
-- ("holiday"), and official make-up working days on a weekend ("working"). Seeded per year from
-- the Labour Code's holidays; admins correct it when the government announces the year's days off.
CREATE TABLE calendar_days (
    day         TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,             -- holiday | working
    name        TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
-- Years whose statutory days were seeded once (so a day an admin removed is not seeded again).
CREATE TABLE calendar_years (
    year        BIGINT PRIMARY KEY,
    seeded_at   TEXT NOT NULL
);

-- One row per version of a violation type: a case keeps the version in force when the act was
-- committed (id = code@effective_from).
CREATE TABLE violation_types (
    id                    TEXT PRIMARY KEY,
    code                  TEXT NOT NULL,
    decree                TEXT NOT NULL,
    article               TEXT NOT NULL,
    clause                TEXT NOT NULL,
    point                 TEXT NOT NULL,
    description           TEXT NOT NULL,
    fine_min              BIGINT NOT NULL,   -- the individual's frame as written in the decree
    fine_max              BIGINT NOT NULL,
    violation_group       TEXT NOT NULL,
    limitation_years      BIGINT NOT NULL,
    additional_penalties  TEXT NOT NULL,
    remedial_measures     TEXT NOT NULL,
    effective_from        TEXT NOT NULL,
    effective_to          TEXT,
    status                TEXT NOT NULL,      -- confirmed | unconfirmed: …
    source                TEXT NOT NULL,
    search_text           TEXT NOT NULL,
    UNIQUE (code, effective_from)
);

CREATE TABLE cases (
    id               TEXT PRIMARY KEY,
    unit_id          TEXT NOT NULL REFERENCES units(id),
    business_id      TEXT REFERENCES businesses(id),
    origin           TEXT NOT NULL,
    summary          TEXT NOT NULL,
    state            TEXT NOT NULL,
    enforcement      TEXT NOT NULL,          -- none | instalments | postponed | coercion
    violation_found  BIGINT,                -- null until inspected; 1 / 0
    offender_kind    TEXT,                   -- individual | organization, from the violation record
    fine_total       BIGINT NOT NULL,
    paid_total       BIGINT NOT NULL,
    decision_delivered BIGINT NOT NULL,
    data             TEXT NOT NULL,          -- JSON: what each step recorded (forms' content)
    version          BIGINT NOT NULL,
    created_by       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX cases_unit_state ON cases(unit_id, state);
CREATE INDEX cases_business ON cases(business_id);

-- The case's own journal: one row per action taken, in order.
CREATE TABLE case_steps (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    seq         BIGINT NOT NULL,
    action      TEXT NOT NULL,
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    actor_id    TEXT NOT NULL,
    at          TEXT NOT NULL,
    payload     TEXT NOT NULL,
    UNIQUE (case_id, seq)
);

-- Acts recorded in the violation record, with the catalogue version in force on the act's date
-- and the fine the decision imposed for each (reports count these).
CREATE TABLE case_violations (
    id                 TEXT PRIMARY KEY,
    case_id            TEXT NOT NULL REFERENCES cases(id),
    seq                BIGINT NOT NULL,
    violation_type_id  TEXT NOT NULL REFERENCES violation_types(id),
    facts              TEXT NOT NULL,
    mitigating         TEXT NOT NULL,     -- JSON array of strings
    aggravating        TEXT NOT NULL,
    frame_min          BIGINT NOT NULL,  -- the frame as written in the decree (individual)
    frame_max          BIGINT NOT NULL,
    violation_group    TEXT NOT NULL,
    two_year_limit     BIGINT NOT NULL,  -- 1 when the 2-year limitation applies (LHAV Art. 6(1)(a))
    ended_on           TEXT,              -- a finished act's end; null = ongoing when discovered
    discovered_on      TEXT NOT NULL,
    fine               BIGINT,           -- set by the sanction decision
    UNIQUE (case_id, seq)
);

-- Deadlines the law sets on the case; the work queues read the open ones.
CREATE TABLE case_deadlines (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    unit_id     TEXT NOT NULL REFERENCES units(id),
    kind        TEXT NOT NULL,            -- explanation | decision | delivery | payment | seizure | execution
    due_on      TEXT NOT NULL,
    basis       TEXT NOT NULL,            -- the article, e.g. "Luật XLVPHC, Điều 66 khoản 1"
    met_at      TEXT,                     -- when the step it waits for was taken
    UNIQUE (case_id, kind)
);
CREATE INDEX case_deadlines_open ON case_deadlines(unit_id, due_on) WHERE met_at IS NULL;

CREATE TABLE case_payments (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    paid_on     TEXT NOT NULL,
    amount      BIGINT NOT NULL,
    late_charge BIGINT NOT NULL,
    receipt_no  TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX case_payments_case ON case_payments(case_id);

-- Every step's form, numbered per unit, register and year without gaps. The structured content
-- is stored now; the documents module renders and freezes the PDF.
CREATE TABLE documents (
    id          TEXT PRIMARY KEY,
    case_id     TEXT REFERENCES cases(id),
    unit_id     TEXT NOT NULL REFERENCES units(id),
    kind        TEXT NOT NULL,
    register    TEXT NOT NULL,
    year        BIGINT NOT NULL,
    seq         BIGINT NOT NULL,
    number      TEXT NOT NULL,            -- "12/QĐ-XPHC"
    issued_on   TEXT NOT NULL,
    status      TEXT NOT NULL,            -- issued | corrected | annulled
    content     TEXT NOT NULL,            -- JSON
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (unit_id, register, year, seq)
);
CREATE INDEX documents_case ON documents(case_id);

CREATE TABLE document_counters (
    unit_id   TEXT NOT NULL REFERENCES units(id),
    register  TEXT NOT NULL,
    year      BIGINT NOT NULL,
    last_seq  BIGINT NOT NULL,
    PRIMARY KEY (unit_id, register, year)
);
