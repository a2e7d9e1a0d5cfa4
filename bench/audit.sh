#!/bin/sh
# Whole-command timings of `osec audit` (database load included), with hyperfine:
#  1. a generated 1,000-package switch against a generated 10,000-record database
#     (bench/gen_audit_fixture.py; target < 50 ms);
#  2. the embedded real database on the real `vulnerable` fixture switch (target < 10 ms).
# Usage: bench/audit.sh [OSEC_BINARY]   (default: the release build)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
osec=${1:-${CARGO_TARGET_DIR:-$root/target}/release/osec}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$root/bench/gen_audit_fixture.py" "$work"
fixture="$root/crates/audit/tests/data/audit/vulnerable/_opam"
hyperfine --warmup 3 -N -i \
  -n "1000 packages x 10000 records" "$osec audit --switch $work/switch/_opam --db $work/db.zip --format json" \
  -n "real db, vulnerable fixture" "$osec audit --switch $fixture --format json"
