#!/usr/bin/env bash
# Property-based tests of the HTTP API from its own OpenAPI document (schemathesis, PyPI),
# against the real server on a fresh demo SQLite database: no response may be a 5xx, and every
# response must match the status codes and schemas the document declares. Not part of CI: see
# docs/testing.md.
#
#   scripts/schemathesis.sh [max-examples-per-operation]   (default 50)
#
# Extra arguments for schemathesis go in $SCHEMATHESIS_ARGS (e.g. "--include-path-regex cases").
# The venv lives in ~/.cache/schemathesis-venv; the build in $CARGO_TARGET_DIR (default
# ~/.cache/qltt-target, as .ci/run). The report (JUnit and the requests that failed, as a
# cassette) is written to target/schemathesis/.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

examples="${1:-50}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/qltt-target}"
venv="$HOME/.cache/schemathesis-venv"

if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet schemathesis
fi

# QLTT_BIN picks a binary already built (e.g. by `cargo test --workspace --no-run`).
if [ -z "${QLTT_BIN:-}" ]; then
  cargo build --locked -p qltt
fi
bin="${QLTT_BIN:-$CARGO_TARGET_DIR/debug/qltt}"

data="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$data"
}
trap cleanup EXIT

# A fresh database gets the demo organisation, officers and cases on first start.
QLTT_ADMIN_PASSWORD=schemathesis-admin QLTT_LOG=warn \
  "$bin" --data-dir "$data" --database "sqlite://$data/qltt.db" serve --bind "127.0.0.1:$port" \
  >"$data/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$data/server.log"; exit 1; }
  sleep 0.5
done

# A bearer token of the provincial head of the demo (Chi cục QLTT Quảng Ninh): the widest
# scope among the demo officers who also sign decisions.
token="$(curl -fsS -H 'content-type: application/json' \
  -d '{"username":"qn.chicuctruong","password":"qltt-demo-2026"}' "$base/api/v1/session" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"

mkdir -p "$root/target/schemathesis"
status=0
# Left out: signing out (it would revoke the token the run uses) and the two live event
# streams (server-sent events never end; a client reads them until it leaves).
# shellcheck disable=SC2086
"$venv/bin/schemathesis" run "$base/api/v1/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
  --max-examples "$examples" \
  --phases examples,coverage,fuzzing \
  --exclude-operation-id session_logout \
  --exclude-path-regex '/events$' \
  --workers 2 \
  --request-timeout 30 \
  --generation-database none \
  --report junit,vcr --report-dir "$root/target/schemathesis" \
  --no-color ${SCHEMATHESIS_ARGS:-} || status=$?

if grep -qE 'panicked|ERROR' "$data/server.log"; then
  echo "== server log (errors)"
  grep -E 'panicked|ERROR' "$data/server.log" | tail -n 40
fi
exit "$status"
