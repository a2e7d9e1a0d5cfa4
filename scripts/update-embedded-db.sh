#!/bin/sh
# Regenerates the OSV database snapshot compiled into `osec` (crates/vulndb/data/opam-all.zip)
# from the vendored advisories, with `versions` lists computed from both package
# repositories. Run from anywhere; needs the reference data ($OSEC_DATA, default
# <workspace>/../shared/data). The result is committed; vulndb embeds it (feature `embedded`), and so `osec`.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
data=${OSEC_DATA:-$root/../shared/data}
advisories=${1:-$data/security-advisories/advisories}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo run --quiet --release -p osec -- osv publish --quiet \
  --repo "$data/opam-repository.tar.gz" --repo "$data/opam-repository-archive.tar.gz" \
  "$advisories" "$out"
tmp="$root/crates/vulndb/data/.opam-all.zip.tmp"
cp "$out/all.zip" "$tmp"
mv "$tmp" "$root/crates/vulndb/data/opam-all.zip"
echo "wrote crates/vulndb/data/opam-all.zip ($(wc -c < "$root/crates/vulndb/data/opam-all.zip") bytes)"
