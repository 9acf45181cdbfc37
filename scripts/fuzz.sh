#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ for a bounded time each (default 60 s), starting from
# the committed corpus (fuzz/corpus/<target>, read only: new inputs go to a scratch folder).
# Exits non-zero when a target crashes; the input that crashed it is in
# fuzz/artifacts/<target>/ (replay it with `cargo fuzz run <target> <file>`). Not part of CI:
# see docs/testing.md.
#
#   scripts/fuzz.sh [seconds-per-target] [target…]
#
# Only the stable toolchain is needed: RUSTC_BOOTSTRAP=1 lets it take cargo-fuzz's nightly
# flags (-Zsanitizer is not used: safe Rust needs no AddressSanitizer, and `-s none` builds and
# runs faster). Build cache: $QLTT_FUZZ_TARGET_DIR (default ~/.cache/qltt-target-fuzzing).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds="${1:-60}"
shift || true
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${QLTT_FUZZ_TARGET_DIR:-$HOME/.cache/qltt-target-fuzzing}"

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list)
fi

# Debug assertions on (-a): an integer overflow is a finding, as it is in a debug build.
cargo fuzz build -s none -a

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failed=()
for t in "${targets[@]}"; do
  echo "== $t (${seconds}s)"
  mkdir -p "$scratch/$t" "corpus/$t"
  dict=()
  [ -f "dict/$t.dict" ] && dict=("-dict=dict/$t.dict")
  # New inputs go to the scratch folder (first folder); the committed corpus is only read.
  status=0
  cargo fuzz run -s none -a "$t" "$scratch/$t" "corpus/$t" -- \
    -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
    "${dict[@]}" >"$scratch/$t.log" 2>&1 || status=$?
  grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::average_exec_per_sec)' "$scratch/$t.log" || true
  if [ "$status" -ne 0 ]; then
    echo "!! $t failed (exit $status): the input is in fuzz/artifacts/$t/"
    tail -n 40 "$scratch/$t.log"
    failed+=("$t")
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "Crashed: ${failed[*]}"
  exit 1
fi
echo "No crash in ${#targets[@]} targets, ${seconds}s each."
