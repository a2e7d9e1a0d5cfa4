#!/usr/bin/env bash
# Whole-command timing: osec's opam parser against opam-file-format (the oracle's
# `batch` program), on the same files, in the same run.
#
#   bench/opam-parse.sh              (needs /tmp/osec-oracle/batch: shared/oracle/install.sh)
#
# Times, on all opam files of opam-repository.tar.gz extracted to a temp dir:
#   batch < files.txt                              (OCaml, one process, one core)
#   osec opam check DIR  with RAYON_NUM_THREADS=1   (one core)
#   osec opam check DIR                             (every core)
# and prints the ratios. Uses hyperfine when installed, else bash's `time`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="${OSEC_DATA:-$root/../shared/data}"
oracle="${OSEC_ORACLE_DIR:-/tmp/osec-oracle}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build --release -q -p osec --manifest-path "$root/Cargo.toml"
osec="$CARGO_TARGET_DIR/release/osec"
tar xzf "$data/opam-repository.tar.gz" -C "$work"
(cd "$work" && find opam-repository -type f \( -name opam -o -name '*.opam' \) | LC_ALL=C sort > files.txt)
echo "files: $(wc -l < "$work/files.txt")"

cd "$work"
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 2 --runs 10 --export-json times.json \
    -n batch "$oracle/batch < files.txt" \
    -n osec-1-thread "RAYON_NUM_THREADS=1 $osec opam check opam-repository" \
    -n osec-all-threads "$osec opam check opam-repository" >/dev/null
  python3 - <<'PY'
import json
r = {x["command"]: x["median"] for x in json.load(open("times.json"))["results"]}
for k, v in r.items():
    print(f"{k:18} median {v*1000:8.1f} ms")
b = r["batch"]
print(f"ratio batch / osec (1 thread):   {b / r['osec-1-thread']:.1f}x")
print(f"ratio batch / osec (all threads): {b / r['osec-all-threads']:.1f}x")
PY
else
  t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
  tb=$(t sh -c "$oracle/batch < files.txt")
  t1=$(RAYON_NUM_THREADS=1 t "$osec" opam check opam-repository || true)
  ta=$(t "$osec" opam check opam-repository || true)
  echo "batch ${tb}s, osec 1 thread ${t1}s, osec all threads ${ta}s"
  echo "ratio batch / osec (1 thread): $(echo "scale=1; $tb / $t1" | bc)x"
fi
