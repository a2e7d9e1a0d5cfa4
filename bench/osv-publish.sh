#!/usr/bin/env bash
# Whole-command benchmark of `osec osv publish`: the 26 advisories of the database
# against both package repositories, as tarballs and as extracted directories, timed
# in the same run as the reference pipeline it replaces (hannesm/advisories, which
# calls `opam info` once per constraint).
#
# Usage: bench/osv-publish.sh [OSEC_BINARY]   (default: target/release/osec)
# Data:  OSEC_DATA (default ../shared/data), OSEC_CORPUS (default /tmp/corpus: both
#        repositories extracted).
# Reference: OSEC_REFERENCE_PIPELINE, the command that converts the same advisories
#        with today's pipeline (for example `make -C ~/advisories osv` in a checkout
#        of hannesm/advisories with opam set up on the same repositories). It is timed
#        as `reference`, and the figure the README quotes is the ratio to it. Without
#        it the script stops, unless OSEC_BENCH_NO_REFERENCE=1 (then it times osec
#        alone and says that no ratio was measured).
# Output: hyperfine's JSON (raw measurements of every run) and Markdown table, and
#        the summary, in bench/results/osv-publish-DATE/ (OSEC_BENCH_OUT elsewhere).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
osec=${1:-${CARGO_TARGET_DIR:-$here/target}/release/osec}
data=${OSEC_DATA:-$here/../shared/data}
corpus=${OSEC_CORPUS:-/tmp/corpus}
runs=${OSEC_BENCH_RUNS:-10}
results=${OSEC_BENCH_OUT:-$here/bench/results/osv-publish-$(date -u +%Y-%m-%d)}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
advisories=$data/security-advisories/advisories

reference=()
if [ -n "${OSEC_REFERENCE_PIPELINE:-}" ]; then
  reference=(-n reference "$OSEC_REFERENCE_PIPELINE")
elif [ "${OSEC_BENCH_NO_REFERENCE:-0}" != 1 ]; then
  echo "error: set OSEC_REFERENCE_PIPELINE to the reference pipeline's command (see the" >&2
  echo "top of this script), or OSEC_BENCH_NO_REFERENCE=1 to time osec alone" >&2
  exit 2
fi
directories=()
if [ -d "$corpus/opam-repository" ] && [ -d "$corpus/opam-repository-archive" ]; then
  directories=(-n directories "$osec osv publish -q --repo $corpus/opam-repository --repo $corpus/opam-repository-archive $advisories $out/dir")
else
  echo "note: no extracted repositories in $corpus (OSEC_CORPUS): directories not timed"
fi

mkdir -p "$results"
{
  echo "bench/osv-publish.sh, $(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "osec: $osec; cores: $(nproc); before: $(uptime)"
  if [ ${#reference[@]} -eq 0 ]; then
    echo "reference pipeline: not timed in this run, so no ratio was measured"
  else
    echo "reference pipeline: $OSEC_REFERENCE_PIPELINE"
  fi
} | tee "$results/summary.txt"

hyperfine --warmup 1 --runs "$runs" \
  --export-json "$results/times.json" --export-markdown "$results/times.md" \
  --prepare "rm -rf $out/tar $out/dir" \
  -n tarballs "$osec osv publish -q --repo $data/opam-repository.tar.gz --repo $data/opam-repository-archive.tar.gz $advisories $out/tar" \
  "${directories[@]}" \
  -n no-versions "$osec osv publish -q --no-versions $advisories $out/tar" \
  "${reference[@]}"

python3 - "$results/times.json" <<'PY' | tee -a "$results/summary.txt"
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
for name, r in results.items():
    print(f"{name:12} median {r['median'] * 1000:9.1f} ms  (mean {r['mean'] * 1000:.1f} ms, {len(r['times'])} runs)")
if "reference" in results:
    ref = results["reference"]["median"]
    for name, r in results.items():
        if name != "reference":
            print(f"ratio reference / {name:12} {ref / r['median']:.1f}x")
PY
echo "after: $(uptime); raw measurements in $results/times.json" | tee -a "$results/summary.txt"
