#!/bin/bash
# Generates crates/opam-model/tests/data/version-order.txt.gz: for each package of an
# opam-repository, its versions in opam's own order, as printed by
# `opam admin list --short --all-versions` (opam 2.1.x, offline, empty OPAMROOT).
# Every opam file is replaced by a minimal one so that broken or unavailable
# packages are still listed: only the directory names matter for the order.
# usage: scripts/gen-version-order.sh REPO_DIR... > version-order.txt
# output: one line a package: "NAME V1 V2 ..." in opam's order; one block a repository,
# each block introduced by "# REPOSITORY-BASENAME".
set -euo pipefail
for repo in "$@"; do
  work=$(mktemp -d)
  mkdir -p "$work/repo/packages" "$work/root"
  printf 'opam-version: "2.0"\n' > "$work/repo/repo"
  (cd "$repo/packages" && find . -mindepth 2 -maxdepth 2 -type d) | while read -r d; do
    mkdir -p "$work/repo/packages/$d"
    printf 'opam-version: "2.0"\n' > "$work/repo/packages/$d/opam"
  done
  echo "# $(basename "$repo")"
  (cd "$work/repo" && OPAMROOT="$work/root" OPAMYES=1 opam admin list --short --all-versions 2>/dev/null) |
    awk '{ i = index($0, "."); n = substr($0, 1, i - 1); v = substr($0, i + 1);
           if (n != cur) { if (cur != "") print line; cur = n; line = n }
           line = line " " v }
         END { if (cur != "") print line }'
  rm -rf "$work"
done
