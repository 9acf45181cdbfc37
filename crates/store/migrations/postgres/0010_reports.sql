-- Reports (issue 8): roll-ups of the figures leaders report, kept by a job that follows the
-- outbox, and checked by a reconciliation that recomputes them from the source tables.
-- report_facts: what each case contributes (qltt_domain::report::facts), so that a change of a
-- case replaces its own contribution and a figure can be drilled down to its cases.
-- report_daily: the sums per unit (the case's unit: records keep their unit across merges, the
-- scope query adds merged units to their successor's subtree), day and dimensions.
-- Derived data: recomputable from cases, case_violations, case_payments and exhibits at any time.
CREATE TABLE report_facts (
    case_id   TEXT NOT NULL REFERENCES cases(id),
    unit_id   TEXT NOT NULL,
    day       TEXT NOT NULL,
    measure   TEXT NOT NULL,
    vgroup    TEXT NOT NULL,             -- violation group, '' when the case has no act
    channel   TEXT NOT NULL,             -- online | offline
    agency    TEXT NOT NULL,             -- joint agency, '' when none
    value     BIGINT NOT NULL,
    PRIMARY KEY (case_id, day, measure, vgroup, channel, agency)
);
CREATE INDEX report_facts_drill ON report_facts(measure, unit_id, day);

CREATE TABLE report_daily (
    unit_id   TEXT NOT NULL,
    day       TEXT NOT NULL,
    measure   TEXT NOT NULL,
    vgroup    TEXT NOT NULL,
    channel   TEXT NOT NULL,
    agency    TEXT NOT NULL,
    value     BIGINT NOT NULL,
    PRIMARY KEY (unit_id, day, measure, vgroup, channel, agency)
);

-- The job's bookkeeping over the outbox, as for search (0008): per-entry marks and a horizon.
CREATE TABLE report_marks (
    outbox_id    TEXT PRIMARY KEY,
    processed_at TEXT NOT NULL
);

CREATE TABLE report_state (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
