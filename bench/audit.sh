#!/bin/sh
# Whole-command timings of `osec audit` (database load included), with hyperfine:
#  1. a generated 1,000-package switch against a generated 10,000-record all.zip
#     (bench/gen_audit_fixture.py; target < 50 ms), as users run it: the archive was
#     loaded before, so its prepared copy is in osec's cache (vulndb::Loader::with_cache_dir);
#  2. the same with an empty cache every run: the first load of that archive
#     (inflate, parse and check all 10,000 records, then write the prepared copy);
#  3. the embedded real database on the real `vulnerable` fixture switch (target < 10 ms).
# Usage: bench/audit.sh [OSEC_BINARY]   (default: the release build)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
osec=${1:-${CARGO_TARGET_DIR:-$root/target}/release/osec}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$root/bench/gen_audit_fixture.py" "$work"
fixture="$root/crates/audit/tests/data/audit/vulnerable/_opam"
big="audit --switch $work/switch/_opam --db $work/db.zip --format json"
uptime
# osec's cache directory: a fresh one (no user database, no prepared copies but ours).
export XDG_CACHE_HOME="$work/cache"
hyperfine --warmup 3 -N -i --export-json "$work/warm.json" \
  -n "1000 packages x 10000 records" "$osec $big" \
  -n "real db, vulnerable fixture" "$osec audit --switch $fixture --format json"
hyperfine --warmup 1 --runs 10 -N -i --prepare "rm -rf $work/cache" --export-json "$work/cold.json" \
  -n "1000 packages x 10000 records, first load" "$osec $big"
python3 - "$work/warm.json" "$work/cold.json" <<'PY'
import json, sys
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        print(f"{r['command']:45} median {r['median'] * 1000:7.1f} ms")
PY
