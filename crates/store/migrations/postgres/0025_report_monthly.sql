-- Reports (issue 8): the sums of report_daily per month. A national dashboard over years read
-- every day row (3.07 M at 1 M cases, 2.5–5 s a query on SQLite); whole months are now read
-- from here and only the months cut by the period's ends from report_daily
-- (qltt_domain::report::RollupPlan). Kept in the same statements as report_daily (each change
-- of a day row adds the same delta to its month's row), and checked against the source tables
-- by the reconciliation like report_daily. Derived data: filled here from report_daily.
CREATE TABLE report_monthly (
    unit_id   TEXT NOT NULL,
    month     TEXT NOT NULL,             -- YYYY-MM
    measure   TEXT NOT NULL,
    vgroup    TEXT NOT NULL,
    channel   TEXT NOT NULL,
    agency    TEXT NOT NULL,
    value     BIGINT NOT NULL,
    PRIMARY KEY (unit_id, month, measure, vgroup, channel, agency)
);

INSERT INTO report_monthly (unit_id, month, measure, vgroup, channel, agency, value)
SELECT unit_id, SUBSTR(day, 1, 7), measure, vgroup, channel, agency, SUM(value)
FROM report_daily
GROUP BY unit_id, SUBSTR(day, 1, 7), measure, vgroup, channel, agency
HAVING SUM(value) <> 0;
