#!/usr/bin/env bash
# Whole-command timing: osec's opam parser against opam-file-format (the oracle's
# `batch` program), on the same files, in the same run.
#
#   bench/opam-parse.sh              (needs /tmp/osec-oracle/batch: shared/oracle/install.sh)
#
# Times, on all opam files of opam-repository.tar.gz extracted to a temp dir:
#   batch < files.txt                                       (OCaml, one core)
#   osec opam check --files-from files.txt, one thread     (the same list, the same reads)
#   osec opam check DIR, one thread                         (walks the 23,000 directories too)
#   osec opam check --files-from files.txt, every core
#   osec opam check DIR, every core
# and prints the ratios of the medians (wall-clock). The first osec line is the fair
# comparison: both programs open and read exactly the same files; the walk of a
# directory is work batch does not do. Also prints the load average: on a shared
# machine only ratios measured in the same run mean anything.
#
# hyperfine runs all the runs of one command, then all of the next, so a change in the
# machine's load between them moves the ratio. The comparison is therefore made in
# OSEC_BENCH_ROUNDS rounds (default 3), each timing every command, and the summary
# gives each round's ratio and their median.
#
# The raw measurements (hyperfine's JSON of every round) and the summary printed
# here are kept in bench/runs/DATE-opam-parse/ (OSEC_BENCH_OUT to put them elsewhere),
# so that a figure quoted in the README can be traced to the runs it came from.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="${OSEC_DATA:-$root/../shared/data}"
oracle="${OSEC_ORACLE_DIR:-/tmp/osec-oracle}"
runs="${OSEC_BENCH_RUNS:-10}"
rounds="${OSEC_BENCH_ROUNDS:-3}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
results="${OSEC_BENCH_OUT:-$root/bench/runs/$(date -u +%Y-%m-%d)-opam-parse}"
mkdir -p "$results"

cargo build --release -q -p osec --manifest-path "$root/Cargo.toml"
osec="$CARGO_TARGET_DIR/release/osec"
tar xzf "$data/opam-repository.tar.gz" -C "$work"
(cd "$work" && find opam-repository -type f \( -name opam -o -name '*.opam' \) | LC_ALL=C sort > files.txt)
# Everything printed from here on is the summary, kept beside the raw runs.
exec > >(tee "$results/summary.txt")
echo "bench/opam-parse.sh, $(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "files: $(wc -l < "$work/files.txt"), cores: $(nproc), $(uptime)"

cd "$work"
if command -v hyperfine >/dev/null; then
  for round in $(seq "$rounds"); do
    hyperfine --warmup 2 --runs "$runs" --export-json "$results/times-$round.json" \
      -n batch "$oracle/batch < files.txt" \
      -n osec-list-1-thread "RAYON_NUM_THREADS=1 $osec opam check --files-from files.txt" \
      -n osec-dir-1-thread "RAYON_NUM_THREADS=1 $osec opam check opam-repository" \
      -n osec-list-all-threads "$osec opam check --files-from files.txt" \
      -n osec-dir-all-threads "$osec opam check opam-repository" >/dev/null
  done
  python3 - "$rounds" "$results" <<'PY'
import json, statistics, sys
rounds = int(sys.argv[1])
results_dir = sys.argv[2]
ratios = {}
for n in range(1, rounds + 1):
    results = json.load(open(f"{results_dir}/times-{n}.json"))["results"]
    r = {x["command"]: x for x in results}
    print(f"round {n}:")
    for k, x in r.items():
        print(f"  {k:22} median {x['median']*1000:7.1f} ms  (user {x['user']*1000:6.1f} ms, system {x['system']*1000:6.1f} ms)")
    b = r["batch"]["median"]
    for k in r:
        if k != "batch":
            ratios.setdefault(k, []).append(b / r[k]["median"])
for k, values in ratios.items():
    each = ", ".join(f"{v:.1f}x" for v in values)
    print(f"ratio batch / {k:22} median {statistics.median(values):.1f}x  (rounds: {each})")
PY
  echo "after: $(uptime)"
  echo "raw measurements: $results/times-*.json"
else
  t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
  tb=$(t sh -c "$oracle/batch < files.txt")
  t1=$(RAYON_NUM_THREADS=1 t "$osec" opam check --files-from files.txt || true)
  ta=$(t "$osec" opam check opam-repository || true)
  echo "batch ${tb}s, osec list 1 thread ${t1}s, osec dir all threads ${ta}s"
  echo "ratio batch / osec (list, 1 thread): $(echo "scale=1; $tb / $t1" | bc)x"
fi
