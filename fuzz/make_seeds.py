#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz targets into fuzz/seeds/<target>/ from a running demo
server (`qltt serve` on a fresh database): its businesses as CSV and XLSX registers, its tax
codes and document numbers, and for the API one body per route built from the OpenAPI schema
with real ids. `cargo fuzz cmin` then reduces them, with what fuzzing found, to fuzz/corpus/.

    python3 fuzz/make_seeds.py http://127.0.0.1:8080   (needs openpyxl for the XLSX seeds)
"""
import csv
import io
import json
import os
import re
import sys
import urllib.request

base = sys.argv[1].rstrip("/")
here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "seeds")


def call(method, path, token=None, body=None):
    req = urllib.request.Request(base + path, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(req, data) as r:
        return json.loads(r.read())


def write(target, name, data):
    os.makedirs(os.path.join(out, target), exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(out, target, name), "wb") as f:
        f.write(data)


def items(v):
    return v["items"] if isinstance(v, dict) and "items" in v else v


token = call("POST", "/api/v1/session", body={"username": "qn.chicuctruong", "password": "qltt-demo-2026"})["token"]
businesses = items(call("GET", "/api/v1/businesses?limit=100", token))


def flatten(tree):
    nodes = tree if isinstance(tree, list) else [tree]
    for n in nodes:
        yield n
        yield from flatten(n.get("children", []))


units = list(flatten(call("GET", "/api/v1/units", token)))
cases = items(call("GET", "/api/v1/cases?limit=50", token))
vtypes = items(call("GET", "/api/v1/violation-types", token))
unit_code = {u["id"]: u["code"] for u in units}

# --- registers: the demo's businesses, as an officer would export and re-import them ---------
cols = ["name", "kind", "tax_code", "address", "unit_code", "registration_no", "registration_date",
        "representative", "province", "commune", "business_lines", "phone", "email", "risk_note"]
rows = [[b.get(c) or "" if c != "unit_code" else unit_code.get(b["unit_id"], "") for c in cols]
        for b in businesses]
buf = io.StringIO()
w = csv.writer(buf, lineterminator="\n")
w.writerow(cols)
w.writerows(rows)
write("import_csv", "demo_register.csv", buf.getvalue())
vn = ["ten_co_so", "loai_hinh", "ma_so_thue", "dia_chi", "ma_don_vi", "so_dang_ky", "ngay_cap",
      "chu_co_so", "tinh", "xa_phuong", "nganh_nghe", "dien_thoai", "email", "ghi_chu_rui_ro"]
buf = io.StringIO()
w = csv.writer(buf, lineterminator="\r\n")
w.writerow(vn)
for r in rows[:3]:
    w.writerow(r[:6] + ["15/03/2024"] + r[7:11] + ["0912.345.678", "a@b.vn", 'ghi chú "có ngoặc"\nhai dòng'])
write("import_csv", "vietnamese_header_crlf.csv", "\ufeff" + buf.getvalue())
write("import_csv", "bad_rows.csv",
      "name,kind,tax_code,address,unit_code\n"
      "Sai mã,enterprise,0100233480,Số 2,QN-D1\n"
      "Thiếu,household,,,\n"
      "\"Mở ngoặc,enterprise,0100233488,Số 1,QN-D1\n")
write("import_csv", "missing_column.csv", "name,kind\nx,enterprise\n")

try:
    import openpyxl
    from datetime import date

    def book(fill):
        wb = openpyxl.Workbook()
        fill(wb.active)
        b = io.BytesIO()
        wb.save(b)
        return b.getvalue()

    def plain(ws):
        ws.append(cols)
        for r in rows:
            ws.append(r)
    write("import_xlsx", "demo_register.xlsx", book(plain))

    def typed(ws):
        ws.append(["Danh sách cơ sở kinh doanh"])
        ws.append([])
        ws.append(vn[:7] + ["dien_thoai"])
        for r in rows[:4]:
            tax = int(r[2]) if r[2] else None
            ws.append(r[:2] + [tax] + r[3:6] + [date(2024, 3, 15), 912345678])
        ws.append(["Lỗi", "enterprise", "=1/0", "Số 9", "QN-D1", "", 45366, ""])
    write("import_xlsx", "typed_cells_title_row.xlsx", book(typed))
except ImportError:
    print("openpyxl missing: no XLSX seeds", file=sys.stderr)

# --- identifiers ----------------------------------------------------------------------------
codes = sorted({b["tax_code"] for b in businesses if b.get("tax_code")})
extra = ["0100233488", "01.00.233.488", "0314409058-002", "0314409058002", "0100233480",
         " 0100 233 488 ", "0000000000", "0314409058-000", "٠١٠٠٢٣٣٤٨٨"]
for i, c in enumerate(codes + extra):
    write("tax_code", f"code_{i:02}", c)
for i, p in enumerate(["0912345678", "0912.345.678", "+84912345678", "02033812345"]):
    write("tax_code", f"phone_{i}", p)

numbers = ["12/QĐ-XPHC", "05/BB-KT", "1/QĐ-KT", "125/QLTT-NV", "12/QĐ-QLTT", " 07 / BB-VPHC ",
           "0/QĐ", "99999999999/X", "1.200,5", "12,5", "12.5", "1.200.000", "0,001", "340",
           "15/03/2026", "2026-03-15", "29/02/2024", "QLTT", "CĐ", "QN-D1-TV-2026-00001"]
for d in cases:
    for k in ("number", "case_number"):
        if isinstance(d.get(k), str):
            numbers.append(d[k])
for i, n in enumerate(dict.fromkeys(numbers)):
    write("numbers", f"n_{i:02}", n)

queries = ["my pham", "Mỹ phẩm Hàn Quốc", "mỹ phẩm h", "12/QĐ-XPHC", "qd-xphc", "0912.345.678",
           "0100233488", "Đặng thị", "dang thi hoa ", "cam pha", "QN-D1-2026-00012",
           "ha long tran hung dao pham my hoa quan ao giay", "Mỹ phẩm"]
for i, q in enumerate(queries + [b["name"] for b in businesses[:8]]):
    write("search_query", f"q_{i:02}", bytes([i * 37 % 256]) + q.encode())

# --- API bodies: one per route, from the OpenAPI schema, with real ids -----------------------
doc = call("GET", "/api/v1/openapi.json")
schemas = doc["components"]["schemas"]
first = lambda xs, k="id": next((x[k] for x in xs if x.get(k)), "x")
qn_d1 = next((u["id"] for u in units if u["code"] == "QN-D1"), first(units))
real = {
    "business_id": first(businesses), "into": first(businesses[1:]) if len(businesses) > 1 else "x",
    "unit_id": qn_d1, "parent_id": qn_d1, "violation_type_id": first(vtypes, "id"),
    "case_id": first(cases),
}


def example(s, name=""):
    if "$ref" in s:
        return example(schemas[s["$ref"].split("/")[-1]], name)
    for key in ("oneOf", "anyOf", "allOf"):
        if key in s:
            opts = [o for o in s[key] if o.get("type") != "null"]
            if key == "allOf":
                merged = {}
                for o in opts:
                    v = example(o, name)
                    if isinstance(v, dict):
                        merged.update(v)
                return merged
            return example(opts[0], name) if opts else None
    t = s.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), "null")
    if "enum" in s:
        return s["enum"][0]
    if name in real:
        return real[name]
    if t == "object" or "properties" in s:
        return {k: example(v, k) for k, v in s.get("properties", {}).items()}
    if t == "array":
        return [example(s.get("items", {}), name)]
    if t == "integer":
        return 1
    if t == "number":
        return 1.5
    if t == "boolean":
        return True
    if t == "string":
        return {"date": "2026-03-05", "date-time": "2026-03-05T02:30:00Z"}.get(s.get("format"), "Mỹ phẩm 12/QĐ-XPHC")
    return None


src = open(os.path.join(here, "fuzz_targets", "api_json.rs")).read()
routes = re.findall(r'\("(POST|PATCH|PUT)", "(/api/v1/[^"]*)"', src)
for i, (method, template) in enumerate(routes):
    path = re.sub(r"/\d{4}-\d{2}-\d{2}$", "/{date}", template)
    op = doc["paths"].get(path, {}).get(method.lower())
    if not op:
        print("not in the OpenAPI document:", method, template, file=sys.stderr)
        continue
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        continue
    body = example(content["application/json"]["schema"])
    for who in (0, 1, 2, 4):
        write("api_json", f"r{i:02}_w{who}", bytes([i, who]) + json.dumps(body, ensure_ascii=False).encode())
case_id = first(cases)
violation = {
    "recorded_at": "2026-03-05T02:30:00Z", "place": "Số 1 đường Hạ Long, phường Bãi Cháy",
    "offender": {"kind": "individual", "name": "Nguyễn Văn A", "id_number": "022080000123", "address": "Hạ Long"},
    "violations": [{"violation_type_id": real["violation_type_id"], "facts": "Bày bán 120 hộp kem", "ended_on": "2026-03-04"}],
    "exhibits": [{"description": "Kem dưỡng da", "quantity": "120", "unit_of_measure": "hộp", "estimated_value": 35000000}],
    "witnesses": [{"name": "Trần Thị B"}], "location": {"lat": 20.95, "lon": 107.08},
}
act = next(i for i, r in enumerate(routes) if r[1].endswith("/actions/{action}") and "cases" in r[1])
write("api_json", "record_violation", bytes([act, 4 << 3]) + json.dumps(violation, ensure_ascii=False).encode())
print("seeds written to", out)
