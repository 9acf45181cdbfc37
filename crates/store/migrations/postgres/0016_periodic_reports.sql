-- Periodic reports (báo cáo định kỳ, issue 9 part 5): a leader's unit defines a report its
-- target units must send every week, month, quarter or year, as a form of figures or a file;
-- each unit's submission for a period is one row (a retry never makes two), and its journal keeps
-- every version sent, returned and accepted.
CREATE TABLE periodic_reports (
    id              TEXT PRIMARY KEY,
    unit_id         TEXT NOT NULL REFERENCES units(id),   -- the defining unit
    title           TEXT NOT NULL,
    description     TEXT NOT NULL,
    recurrence      TEXT NOT NULL,     -- weekly | monthly | quarterly | yearly
    deadline_days   BIGINT  NOT NULL,  -- days after the period's end (then the next working day)
    kind            TEXT NOT NULL,     -- form | file
    fields          TEXT NOT NULL,     -- JSON array of {key, label, kind}
    prefill         BIGINT  NOT NULL,  -- 1: pre-fill INS figures of the period
    starts_on       TEXT NOT NULL,     -- YYYY-MM-DD: its first period holds this day
    active          BIGINT  NOT NULL,
    created_by      TEXT NOT NULL REFERENCES users(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX periodic_reports_unit ON periodic_reports(unit_id, active);

-- The units a report targets (of the defining unit's subtree).
CREATE TABLE periodic_report_recipients (
    report_id  TEXT NOT NULL REFERENCES periodic_reports(id),
    unit_id    TEXT NOT NULL REFERENCES units(id),
    PRIMARY KEY (report_id, unit_id)
);
CREATE INDEX periodic_report_recipients_unit ON periodic_report_recipients(unit_id);

CREATE TABLE periodic_report_submissions (
    id                  TEXT PRIMARY KEY,
    report_id           TEXT NOT NULL REFERENCES periodic_reports(id),
    period_key          TEXT NOT NULL,    -- 2026-W12 | 2026-03 | 2026-Q1 | 2026
    unit_id             TEXT NOT NULL REFERENCES units(id),   -- the submitting unit
    state               TEXT NOT NULL,    -- submitted | returned | resubmitted | accepted
    figures             TEXT NOT NULL,    -- JSON object key → number or text
    file_sha256         TEXT,             -- a file of POST /api/v1/files
    note                TEXT NOT NULL,
    submitted_by        TEXT NOT NULL REFERENCES users(id),
    first_submitted_at  TEXT NOT NULL,    -- on time or late is judged on this
    submitted_at        TEXT NOT NULL,    -- the last version
    reviewed_by         TEXT REFERENCES users(id),
    reviewed_at         TEXT,
    review_note         TEXT NOT NULL,
    version             BIGINT NOT NULL,  -- 1, then +1 on each resubmission
    updated_at          TEXT NOT NULL,
    UNIQUE (report_id, period_key, unit_id)
);
CREATE INDEX periodic_report_submissions_unit ON periodic_report_submissions(unit_id, report_id);

-- Each step of a submission, with the version it sent (figures and file) or the review's note.
CREATE TABLE periodic_report_events (
    id             TEXT PRIMARY KEY,
    submission_id  TEXT NOT NULL REFERENCES periodic_report_submissions(id),
    kind           TEXT NOT NULL,    -- submit | return | accept
    version        BIGINT  NOT NULL,
    actor_id       TEXT NOT NULL,
    note           TEXT NOT NULL,
    figures        TEXT NOT NULL,
    file_sha256    TEXT,
    at             TEXT NOT NULL
);
CREATE INDEX periodic_report_events_submission ON periodic_report_events(submission_id, at);
