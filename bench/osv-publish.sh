#!/bin/sh
# Whole-command benchmark of `osec osv publish`: the 26 advisories of the database
# against both package repositories, as tarballs and as extracted directories.
# The reference pipeline (hannesm/advisories, 36 `opam info` calls) takes about
# 28 s on this machine class.
#
# Usage: bench/osv-publish.sh [OSEC_BINARY]   (default: target/release/osec)
# Data:  OSEC_DATA (default ../shared/data), OSEC_CORPUS (default /tmp/corpus).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
osec=${1:-${CARGO_TARGET_DIR:-$here/target}/release/osec}
data=${OSEC_DATA:-$here/../shared/data}
corpus=${OSEC_CORPUS:-/tmp/corpus}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
advisories=$data/security-advisories/advisories

hyperfine --warmup 1 --runs 10 --export-markdown "$here/bench/results/osv-publish-$(date -u +%Y-%m-%d).md" \
  --prepare "rm -rf $out/tar $out/dir" \
  -n tarballs "$osec osv publish -q --repo $data/opam-repository.tar.gz --repo $data/opam-repository-archive.tar.gz $advisories $out/tar" \
  -n directories "$osec osv publish -q --repo $corpus/opam-repository --repo $corpus/opam-repository-archive $advisories $out/dir" \
  -n no-versions "$osec osv publish -q --no-versions $advisories $out/tar"
