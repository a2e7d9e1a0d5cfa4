#!/bin/sh
# Whole-command benchmark of `osec site build`: the 26 real advisories and a generated
# database of 1,040 (bench/gen-advisory-db.sh, 40 copies), each built from scratch and
# rebuilt unchanged (only reads and compares, no write), with `osec osv export
# --no-versions` of the same advisories in the same run as the reference (lint,
# convert and write one JSON per advisory: the part of the work the site shares).
# A last pair adds the two package repositories (tarballs) for explicit version lists.
#
# Usage: bench/site-build.sh [OSEC_BINARY]   (default: target/release/osec)
# Data:  OSEC_DATA (default ../shared/data).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
osec=${1:-${CARGO_TARGET_DIR:-$here/target}/release/osec}
data=${OSEC_DATA:-$here/../shared/data}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
real=$data/security-advisories/advisories
"$here/bench/gen-advisory-db.sh" "$real" "$work/generated" 40
repos="--repo $data/opam-repository.tar.gz --repo $data/opam-repository-archive.tar.gz"

hyperfine --warmup 1 --runs 10 --export-markdown "$here/bench/results/site-build-$(date -u +%Y-%m-%d).md" \
  --prepare "rm -rf $work/s26" --prepare true --prepare "rm -rf $work/e26" \
  --prepare "rm -rf $work/s1040" --prepare true --prepare "rm -rf $work/e1040" \
  --prepare "rm -rf $work/r26" --prepare "rm -rf $work/x26" \
  -n "site build, 26, fresh" "$osec site build $real $work/s26" \
  -n "site build, 26, unchanged" "$osec site build $real $work/s26" \
  -n "osv export, 26, fresh" "$osec osv export -q --no-versions $real $work/e26" \
  -n "site build, 1040, fresh" "$osec site build $work/generated $work/s1040" \
  -n "site build, 1040, unchanged" "$osec site build $work/generated $work/s1040" \
  -n "osv export, 1040, fresh" "$osec osv export -q --no-versions $work/generated $work/e1040" \
  -n "site build, 26, with repositories" "$osec site build $repos $real $work/r26" \
  -n "osv export, 26, with repositories" "$osec osv export -q $repos $real $work/x26"
