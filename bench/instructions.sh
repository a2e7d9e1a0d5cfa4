#!/bin/sh
# Instructions executed (valgrind --tool=callgrind, total Ir) by osec binaries on three
# workloads: deterministic where whole-process times on a shared machine are not, so two
# builds compare to the per mille. Used for bench/runs/2026-12-03-issue13-before-after.txt.
#   audit-big       audit of a generated 1,000-package switch against a generated
#                   10,000-record all.zip (bench/gen_audit_fixture.py), its prepared copy
#                   cached by a first run, as users run it
#   audit-embedded  audit of the `vulnerable` fixture switch against the embedded database
#   opam-check      opam check --files-from, one thread, every opam file of
#                   opam-repository.tar.gz ($OSEC_DATA, default ../shared/data)
# Usage: bench/instructions.sh OSEC_BINARY...   (needs valgrind and python3)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
data=${OSEC_DATA:-$root/../shared/data}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$root/bench/gen_audit_fixture.py" "$work" >/dev/null
mkdir "$work/corpus"
tar xzf "$data/opam-repository.tar.gz" -C "$work/corpus"
find "$work/corpus" -name opam -o -name '*.opam' | sort >"$work/files.txt"
fixture="$root/crates/audit/tests/data/audit/vulnerable/_opam"
# instructions LABEL COMMAND...: the total Ir of one run of COMMAND.
instructions() {
  label=$1
  shift
  total=$(valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$@" 2>&1 >/dev/null |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
  printf '  %-15s %13s\n' "$label" "$total"
}
echo "files: $(wc -l <"$work/files.txt")"
for osec in "$@"; do
  echo "$osec"
  cache="$work/cache-$(basename "$osec")"
  XDG_CACHE_HOME=$cache "$osec" audit --switch "$work/switch/_opam" --db "$work/db.zip" --format json >/dev/null 2>&1 || true
  XDG_CACHE_HOME=$cache instructions audit-big "$osec" audit --switch "$work/switch/_opam" --db "$work/db.zip" --format json
  XDG_CACHE_HOME="$work/empty" instructions audit-embedded "$osec" audit --switch "$fixture" --format json
  RAYON_NUM_THREADS=1 instructions opam-check "$osec" opam check --files-from "$work/files.txt"
done
