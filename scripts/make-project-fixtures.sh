#!/bin/sh
# Copies the lock files (and what detection needs beside them) of real public OCaml
# repositories into crates/audit/tests/data/projects/<name>/, at fixed commits, so that
# the tests read real layouts and fetch nothing. The origins, commits and licences are
# listed in crates/audit/tests/data/projects/README.md; this table is the same list.
#
# Usage: scripts/make-project-fixtures.sh [MIRRORS [NAME...]]
#   MIRRORS holds git directories named OWNER+NAME (a bare clone, or OWNER+NAME/repo);
#   a repository missing there is cloned from GitHub into it (network needed then).
#   With NAMEs, only those projects are made again.
# Re-running gives the same bytes: files are taken from the named commits with
# `git show`, never from a work tree.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
mirrors=${1:-$root/../.mirror}
[ $# -gt 0 ] && shift
only=" $* "
out=$root/crates/audit/tests/data/projects

# git_dir OWNER/NAME: the git directory of a mirror, cloned when missing.
git_dir() {
  dir=$mirrors/$(printf '%s' "$1" | tr / +)
  if [ -d "$dir/repo" ]; then
    printf '%s\n' "$dir/repo"
    return
  fi
  if [ ! -d "$dir" ]; then
    git clone --quiet --bare --filter=blob:none "https://github.com/$1.git" "$dir" >&2
  fi
  printf '%s\n' "$dir"
}

# copy NAME OWNER/REPO COMMIT PATH...: each PATH (a file; a directory whose
# lock.dune, *.pkg and index.json files are taken; or, ending in /, a directory taken
# whole) from COMMIT into projects/NAME/.
copy() {
  name=$1 repo=$2 commit=$3
  shift 3
  # a project that is a subdirectory of its repository: `--from DIR` first
  from=
  if [ "$1" = --from ]; then
    from=$2/
    shift 2
  fi
  case $only in
    "  " | *" $name "*) ;;
    *) return ;;
  esac
  git=$(git_dir "$repo")
  rm -rf "${out:?}/$name"
  for path in "$@"; do
    case $path in
      */) keep="^$from$path" ;;
      *) keep="^$from$path\$|/(lock\.dune|[^/]+\.pkg|index\.json)\$" ;;
    esac
    git -C "$git" ls-tree -r --name-only "$commit" -- "$from$path" |
      grep -E "$keep" |
      while read -r file; do
        local_file=${file#"$from"}
        mkdir -p "$out/$name/$(dirname "$local_file")"
        git -C "$git" show "$commit:$file" >"$out/$name/$local_file"
      done
  done
}

# opam lock files
copy goblint goblint/analyzer 5be5054d09401e7109555c87c555284b4ac35fb5 goblint.opam.locked
copy hazel hazelgrove/hazel c1c0eba0b2b8fb66781a7d7c2b5304ca1630c755 hazel.opam.locked
copy semgrep semgrep/semgrep 15325289b6044104397f0c2d0df4a168ac23f675 semgrep.opam.locked
copy infer facebook/infer be1b9a8dc1b0f8d2aac29136f5812d117da5fcd9 \
  opam/infer.opam.locked opam/infer-tests.opam.locked opam/llvm.opam.locked \
  opam/ocamlformat.opam.locked opam/infer.opam
copy infer-2021 facebook/infer 72bc7220e130e20704c7025ede35aba1eb064ffc opam.locked opam
# the project directory is the repository's opam/, whose virtual/ holds the locks
copy tezos tezos/tezos-mirror d26a8bef82159434e5a6db6a6d329f29dc8172dd --from opam virtual/
copy irmin mirage/irmin 25982ef5ceb681fdaca8f0ac1032583085d014f5 irmin.opam.locked
# lock files made with `opam lock --lock-suffix`
copy stork dialohq/stork 46053ab795cf0fd9b11a24b1b5b01ea13fc647c5 stork.opam.dev.locked stork.opam
copy modelkit asara-io/ModelKit 80903c2faa5441f9faee773d400d8d2e1f638c2e \
  modelkit.opam.locked.windows-x86_64 modelkit.opam.locked.macos-arm64 \
  modelkit-parallel.opam.locked.windows-x86_64 modelkit-parallel.opam.locked.macos-arm64
# opam switch exports
copy hazel-export hazelgrove/hazel 67986f0523b49b797b377825ce9634a71ccb8ae2 opam.export
copy mina MinaProtocol/mina 003e995d82c97f7cea45644325e0d1acc2948e5b opam.export
copy bincaml UQ-PAC/bincaml 23b9bd1a7bee4bcaabbc446045a2a9a556bdfb67 opam.export bincaml.opam
# dune package management: dune.lock/ and dev-tools.locks/
copy ocaml-org ocaml/ocaml.org 9890983d98347ca6ce89df37e3fb28bf9a6df1a5 dev-tools.locks
copy climate gridbugs/climate 4aeedd177046f6925a932f143744bfe1fc95f3fc dune.lock dune-project
copy alice alicecaml/alice 60b8b4fef575d6513c9ad58223c7743ae559f970 dune.lock dune-project
copy dbcaml dbcaml/dbcaml 07aa9652f8123f82a09347a95c390f0f7d4eb792 dune.lock dune-project
copy ocamlmig v-gb/ocamlmig 67f75d2a17a048c9d706a26198dab68feb62d4ce dune.lock dev-tools.locks dune-project
copy blink suri-framework/blink 14a0e4f10efbcd3f55105c0336decb30d58d3990 dune.lock dev-tools.locks dune-project
# esy
copy reason-react reasonml/reason-react d7091aab425aaa558ed707cb77cb535135e88e4b esy.lock/index.json
copy reason-react-2019 reasonml/reason-react d74cc65cf81e9e64952bf1c1f259b2d801510d43 \
  esy.lock/index.json 406.esy.lock/index.json
copy revery revery-ui/revery 1f333e10b12fbdb5d91c89c118edf4d88458eb70 \
  esy.lock/index.json bench.esy.lock/index.json doc.esy.lock/index.json \
  examples.esy.lock/index.json js.esy.lock/index.json test.esy.lock/index.json
copy gillian GillianPlatform/Gillian 4a1a12fad0d5b6061db0fea18685ff8f7eae76d5 esy.lock/index.json
echo "projects written to $out"
