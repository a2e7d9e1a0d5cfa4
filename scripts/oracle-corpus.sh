#!/usr/bin/env bash
# Runs opam-file-format (the reference OCaml implementation) over every opam file of
# both repository tarballs, in one process, and writes its results where the corpus
# test of crates/opam-file reads them:
#
#   scripts/oracle-corpus.sh [OUT]          (default OUT: $TMPDIR/osec-oracle-corpus.txt)
#   OSEC_ORACLE_OUT=OUT cargo test -p opam-file --test corpus -- --nocapture
#
# Needs ocamlfind and opam-file-format (shared/oracle/install.sh installs both).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
data="${OSEC_DATA:-$root/../shared/data}"
out="${1:-${TMPDIR:-/tmp}/osec-oracle-corpus.txt}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp "$here/oracle/corpus_dump.ml" "$work/"
(cd "$work" && ocamlfind ocamlopt -package opam-file-format -linkpkg corpus_dump.ml -o corpus_dump)

cd "$work"
for tarball in opam-repository.tar.gz opam-repository-archive.tar.gz; do
  tar xzf "$data/$tarball"
done
# The names are the tar entry names, which the Rust test matches against.
find opam-repository opam-repository-archive -type f \( -name opam -o -name '*.opam' \) | LC_ALL=C sort > files.txt
./corpus_dump "$out.tmp" < files.txt
mv "$out.tmp" "$out"
echo "oracle results for $(wc -l < files.txt) files written to $out"
