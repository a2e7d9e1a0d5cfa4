#!/bin/sh
# Whole-command benchmark of `osec repo annotate` and `osec repo exposure` on the
# real opam-repository snapshot (OSEC_DATA, default /work/shared/data) with the 26
# real advisories, and the exposure lists they give.
#
#   1. annotate: the snapshot extracted once; each timed run starts from the
#      original files (hyperfine --prepare runs `annotate --remove`), so that every
#      run writes every affected file; `annotate --check` (planning only) too.
#   2. exposure: opam-repository and opam-repository-archive read from their
#      tarballs, every 2026 advisory.
#
# The reference in the same run is `osec opam check` of the same directory or
# tarballs: parsing every opam file once, which both commands must do at least.
# What each annotate run printed goes to bench/runs/DAY-annotate-exposure/, the
# exposure list of each 2026 advisory (Markdown, about 440 KB: not committed) too.
#
# Usage: bench/annotate-exposure.sh [OSEC_BINARY]   (default target/release/osec)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
osec=${1:-${CARGO_TARGET_DIR:-$here/target}/release/osec}
data=${OSEC_DATA:-/work/shared/data}
advisories=$here/crates/advisory/tests/data/real
day=$(date -u +%Y-%m-%d)
runs=$here/bench/runs/$day-annotate-exposure
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$runs"

tar xzf "$data/opam-repository.tar.gz" -C "$tmp"
repo=$tmp/opam-repository

"$osec" repo annotate --repo "$repo" "$advisories" > "$runs/annotate.txt" || true
"$osec" repo annotate --repo "$repo" "$advisories" > "$runs/annotate-again.txt" || true
"$osec" repo annotate --repo "$repo" --mark avoid-version "$advisories" > "$runs/annotate-avoid-version.txt" || true
"$osec" repo annotate --repo "$repo" --remove "$advisories" > "$runs/annotate-remove.txt" || true

hyperfine --warmup 1 --runs 5 -N -i --export-json "$runs/hyperfine.json" \
  --prepare "$osec repo annotate --repo $repo --remove $advisories" \
  -n "osec repo annotate" "$osec repo annotate --repo $repo $advisories" \
  -n "osec repo annotate --check" "$osec repo annotate --check --repo $repo $advisories" \
  -n "osec opam check (directory)" "$osec opam check $repo"
"$osec" repo annotate --repo "$repo" --remove "$advisories" > /dev/null

hyperfine --warmup 1 --runs 3 -N -i --export-json "$runs/hyperfine-exposure.json" \
  -n "osec repo exposure" "$osec repo exposure --repo $data/opam-repository.tar.gz --repo $data/opam-repository-archive.tar.gz $advisories" \
  -n "osec opam check (tarballs)" "$osec opam check $data/opam-repository.tar.gz $data/opam-repository-archive.tar.gz"

"$osec" repo exposure --format markdown \
  --repo "$data/opam-repository.tar.gz" --repo "$data/opam-repository-archive.tar.gz" \
  "$advisories"/2026 > "$runs/exposure-2026.md" || true
# The JSON must be one document.
"$osec" repo exposure --format json \
  --repo "$data/opam-repository.tar.gz" --repo "$data/opam-repository-archive.tar.gz" \
  "$advisories"/2026 | python3 -c 'import json, sys; json.load(sys.stdin)'
