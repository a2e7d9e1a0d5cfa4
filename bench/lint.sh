#!/bin/sh
# Whole-command speed of `osec lint` (release build) with hyperfine:
#  - the 26 real advisories, without and with both repositories;
#  - a database 100× larger (bench/gen-advisory-db.sh), without and with both
#    repositories, and `fmt --check` over it (exit 1 there is expected: 1300 files differ).
# Repositories: the extracted copies in /tmp/corpus (or REPO and ARCHIVE), which may
# also be the .tar.gz files of ../shared/data.
# Usage: bench/lint.sh   (from the workspace root; results go to stdout)
set -eu
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
REPO=${REPO:-/tmp/corpus/opam-repository}
ARCHIVE=${ARCHIVE:-/tmp/corpus/opam-repository-archive}
REAL=crates/advisory/tests/data/real
LARGE=${TMPDIR:-/tmp}/osec-bench-advisories-100x
cargo build --release -p osec
OSEC=$CARGO_TARGET_DIR/release/osec
sh bench/gen-advisory-db.sh "$REAL" "$LARGE" 100
echo "generated $(find "$LARGE" -name 'OSEC-*.md' | wc -l) advisories in $LARGE"
hyperfine --warmup 1 --runs 5 -N --ignore-failure \
  "$OSEC lint $REAL" \
  "$OSEC lint $REAL --repo $REPO --repo $ARCHIVE" \
  "$OSEC lint $LARGE" \
  "$OSEC lint $LARGE --repo $REPO --repo $ARCHIVE" \
  "$OSEC fmt --check $LARGE"
