# The DuckDB side of `qltt bench reports` (issue 8), run by the product with the folder of the
# exported rows and a JSON of parameters; prints one JSON object on stdout.
#
# It converts the exported CSV files to Parquet once (timed apart: the load), then computes the
# leader dashboard from those files the way the product defines the figures
# (crates/domain/src/report/mod.rs, `facts`; crates/app/src/reports/source.rs for the dates):
# every case's contributions per unit, day, measure, violation group, channel and joint agency,
# then the five views the dashboard shows (totals with outstanding fines, by month, by unit under
# the chosen unit, by group, by channel, by agency). DuckDB has no roll-up: each run is from
# scratch, over the raw rows, which is what the product's roll-ups are measured against.
import json
import os
import statistics
import sys
import time

import duckdb

folder, params_path = sys.argv[1], sys.argv[2]
params = json.load(open(params_path))
date_from, date_to, root = params["from"], params["to"], params["root"]
repeat = int(params["repeat"])
threads = params.get("threads")

con = duckdb.connect()
if threads:
    con.execute(f"SET threads = {int(threads)}")
# Legal days are Vietnam's (+07:00), as `qltt_domain::format::legal_day`.
con.execute("SET TimeZone = 'Asia/Ho_Chi_Minh'")

COLUMNS = {
    "cases": "{'id': 'VARCHAR', 'unit_id': 'VARCHAR', 'origin': 'VARCHAR', 'data': 'VARCHAR'}",
    "acts": "{'case_id': 'VARCHAR', 'seq': 'BIGINT', 'violation_group': 'VARCHAR', "
    "'discovered_on': 'VARCHAR', 'fine': 'BIGINT'}",
    "payments": "{'case_id': 'VARCHAR', 'id': 'VARCHAR', 'paid_on': 'VARCHAR', 'amount': 'BIGINT'}",
    "lots": "{'case_id': 'VARCHAR', 'id': 'VARCHAR', 'seized_on': 'VARCHAR', "
    "'estimated_value': 'BIGINT', 'status': 'VARCHAR', 'last_moved': 'VARCHAR'}",
    "units": "{'id': 'VARCHAR', 'parent_id': 'VARCHAR', 'merged_into': 'VARCHAR'}",
}

started = time.perf_counter()
for table, cols in COLUMNS.items():
    csv = os.path.join(folder, f"{table}.csv")
    pq = os.path.join(folder, f"{table}.parquet")
    con.execute(
        f"COPY (SELECT * FROM read_csv('{csv}', header = true, columns = {cols}, quote = '\"', "
        f"escape = '\"', max_line_size = 10000000)) TO '{pq}' (FORMAT parquet)"
    )
    con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{pq}')")
load_s = time.perf_counter() - started

# A date as `parse_date` reads it (dd/mm/yyyy or yyyy-mm-dd), and an instant's legal day.
con.execute(
    "CREATE MACRO pd(s) AS CAST(COALESCE(TRY_STRPTIME(trim(s), '%d/%m/%Y'), "
    "TRY_STRPTIME(trim(s), '%Y-%m-%d')) AS DATE)"
)
con.execute("CREATE MACRO ld(s) AS CAST(TRY_CAST(s AS TIMESTAMPTZ) AS DATE)")

# The units each unit's figures fall under in the by-unit view (`reports::Buckets`): the child of
# the chosen unit it lies under (a merged unit under its successor), the chosen unit itself else.
units = con.execute("SELECT id, parent_id, merged_into FROM units").fetchall()
up = {u: (m or p) for (u, p, m) in units}


def bucket(unit):
    cur = unit
    for _ in range(64):
        if cur not in up:
            break
        parent = up[cur]
        if parent == root:
            return cur
        if parent is not None and cur != root:
            cur = parent
        else:
            break
    return root


# The subtree of the chosen unit (through parents and merges), as `units::SCOPE_SUBQUERY`.
children = {}
for u, p, m in units:
    for parent in (p, m):
        if parent:
            children.setdefault(parent, []).append(u)
scope, todo = set(), [root]
while todo:
    u = todo.pop()
    if u in scope:
        continue
    scope.add(u)
    todo.extend(children.get(u, []))
con.execute("CREATE TABLE buckets (unit_id VARCHAR, bucket VARCHAR)")
con.executemany("INSERT INTO buckets VALUES (?, ?)", [(u, bucket(u)) for u in sorted(scope)])

FACTS = """
CREATE OR REPLACE TEMP TABLE facts AS
WITH m AS (
  SELECT case_id, arg_min(violation_group, seq) AS main,
         bool_or(violation_group = 'ecommerce') AS ecom, count(*) AS n
  FROM acts GROUP BY case_id
), c AS (
  SELECT cs.id, cs.unit_id,
    CASE WHEN cs.origin = 'ecommerce' OR coalesce(m.ecom, false) THEN 'online' ELSE 'offline' END
      AS channel,
    coalesce(m.main, '') AS main, coalesce(m.n, 0) AS n_acts,
    coalesce(json_extract_string(cs.data, '$.record_inspection.joint_agencies[0].agency'),
             json_extract_string(cs.data, '$.decide_inspection.joint_agencies[0].agency'), '')
      AS agency,
    ld(json_extract_string(cs.data, '$.record_inspection.inspected_at')) AS inspected_on,
    pd(json_extract_string(cs.data, '$.record_violation.recorded_on')) AS recorded_on,
    pd(json_extract_string(cs.data, '$.issue_sanction.issued_on')) AS sanctioned_on,
    pd(json_extract_string(cs.data, '$.decide_no_sanction.decided_on')) AS no_sanction_on,
    pd(json_extract_string(cs.data, '$.transfer.decided_on')) AS transferred_on
  FROM cases cs JOIN buckets b ON b.unit_id = cs.unit_id LEFT JOIN m ON m.case_id = cs.id
)
SELECT unit_id, day, measure, vgroup, channel, agency, value FROM (
  SELECT unit_id, coalesce(inspected_on, recorded_on) AS day, 'cases_inspected' AS measure,
         main AS vgroup, channel, agency, 1 AS value FROM c
  UNION ALL SELECT unit_id, recorded_on, 'cases_with_violations', main, channel, agency, 1
    FROM c WHERE n_acts > 0
  UNION ALL SELECT c.unit_id, pd(v.discovered_on), 'violations', v.violation_group, c.channel,
         c.agency, 1 FROM acts v JOIN c ON c.id = v.case_id
  UNION ALL SELECT c.unit_id, c.sanctioned_on, 'fines_imposed', v.violation_group, c.channel,
         c.agency, v.fine FROM acts v JOIN c ON c.id = v.case_id
  UNION ALL SELECT c.unit_id, pd(p.paid_on), 'fines_collected', c.main, c.channel, c.agency,
         p.amount FROM payments p JOIN c ON c.id = p.case_id
  UNION ALL SELECT c.unit_id, pd(l.seized_on), 'value_seized', c.main, c.channel, c.agency,
         l.estimated_value FROM lots l JOIN c ON c.id = l.case_id
  UNION ALL SELECT c.unit_id,
         coalesce(c.sanctioned_on, c.no_sanction_on, ld(l.last_moved), pd(l.seized_on)),
         'value_confiscated', c.main, c.channel, c.agency, l.estimated_value
    FROM lots l JOIN c ON c.id = l.case_id
    WHERE l.status IN ('awaiting_disposal', 'destroyed', 'sold')
  UNION ALL SELECT c.unit_id, coalesce(ld(l.last_moved), pd(l.seized_on)), 'value_destroyed',
         c.main, c.channel, c.agency, l.estimated_value
    FROM lots l JOIN c ON c.id = l.case_id WHERE l.status = 'destroyed'
  UNION ALL SELECT unit_id, transferred_on, 'cases_transferred', main, channel, agency, 1
    FROM c WHERE transferred_on IS NOT NULL
) WHERE day IS NOT NULL AND value IS NOT NULL AND value <> 0
"""

VIEWS = {
    "month": "strftime(day, '%Y-%m') || '-01'",
    "unit": "b.bucket",
    "group": "vgroup",
    "channel": "channel",
    "agency": "agency",
}


def dashboard():
    """The five views and the totals, from the raw rows: {view: {key: {measure: value}}}."""
    con.execute(FACTS)
    out = {}
    rows = con.execute(
        "SELECT measure, CAST(sum(value) AS BIGINT) FROM facts "
        "WHERE day BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) GROUP BY measure",
        [date_from, date_to],
    ).fetchall()
    totals = {m: v for (m, v) in rows}
    (imposed, collected) = con.execute(
        "SELECT coalesce(sum(value) FILTER (measure = 'fines_imposed'), 0), "
        "coalesce(sum(value) FILTER (measure = 'fines_collected'), 0) FROM facts "
        "WHERE day <= CAST(? AS DATE)",
        [date_to],
    ).fetchone()
    totals["fines_outstanding"] = max(int(imposed) - int(collected), 0)
    out["totals"] = {"": totals}
    for view, key in VIEWS.items():
        rows = con.execute(
            f"SELECT {key} AS k, measure, CAST(sum(value) AS BIGINT) FROM facts f "
            f"JOIN buckets b ON b.unit_id = f.unit_id "
            f"WHERE day BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) GROUP BY k, measure",
            [date_from, date_to],
        ).fetchall()
        figures = {}
        for k, m, v in rows:
            figures.setdefault(k or "", {})[m] = int(v)
        out[view] = figures
    return out


times = []
result = None
for _ in range(repeat):
    t = time.perf_counter()
    result = dashboard()
    times.append(time.perf_counter() - t)

print(
    json.dumps(
        {
            "duckdb_version": duckdb.__version__,
            "load_s": load_s,
            "dashboard_s": times,
            "dashboard_median_s": statistics.median(times),
            "views": result,
        }
    )
)
