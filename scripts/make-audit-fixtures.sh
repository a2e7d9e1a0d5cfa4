#!/usr/bin/env bash
# Regenerates the installed-state fixtures of crates/audit with the real opam (2.1.x; it
# needs git and rsync for the pin),
# offline, from two small local package repositories written below.
#
#   scripts/make-audit-fixtures.sh            # writes crates/audit/tests/data/audit/<scenario>/
#
# What opam makes (copied verbatim): the switch's .opam-switch/switch-state,
# switch-config and packages/<name>.<version>/opam files, `opam switch export` (plain and
# --full) and `opam lock` output. What this script writes by hand (dune and esy cannot be
# installed here): dune.lock/ and esy.lock/index.json, and the broken/ files.
#
# The package names and versions are real ones from opam-repository, chosen against the
# OCaml security advisories (ocaml < 4.14.3, cohttp < 6.3.0, mirage-crypto-ec < 2.2.0,
# tar < 3.5.0, tls < 2.1.0); their opam files are trimmed to a few dependencies so the
# fixtures stay small.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/crates/audit/tests/data/audit"
work=$(mktemp -d)
trap 'status=$?; if [ $status -ne 0 ]; then tail -40 "$work/opam.log" >&2; fi; rm -rf "$work"' EXIT

export OPAMROOT="$work/root"
export OPAMYES=1 OPAMCOLOR=never OPAMNOENVNOTICE=1 OPAMKEEPBUILDDIR=0

# pkg REPO NAME VERSION: writes REPO/packages/NAME/NAME.VERSION/opam from stdin.
pkg() {
  local dir="$work/$1/packages/$2/$2.$3"
  mkdir -p "$dir"
  { printf 'opam-version: "2.0"\nsynopsis: "%s (trimmed fixture copy)"\n' "$2"; cat; } > "$dir/opam"
}

# Packages present in both repositories.
common() {
  local r=$1
  pkg "$r" base-unix base <<<''
  pkg "$r" base-threads base <<<''
  pkg "$r" ocaml-config 2 <<<''
  pkg "$r" dune 3.20.2 <<'EOF'
depends: [
  "ocaml" {>= "4.08"}
  "base-unix"
  "base-threads"
]
EOF
  pkg "$r" cppo 1.8.0 <<'EOF'
depends: [
  "ocaml" {>= "4.02.3"}
  "dune" {>= "1.10"}
  "base-unix"
]
EOF
  pkg "$r" lwt 5.9.1 <<'EOF'
depends: [
  "dune" {>= "2.7"}
  "ocaml" {>= "4.08" & < "5.5"}
  "cppo" {build & >= "1.1.0"}
  "odoc" {with-doc & >= "2.3.0"}
]
depopts: ["base-threads" "base-unix" "conf-libev"]
EOF
  pkg "$r" uri 4.4.0 <<'EOF'
depends: [
  "ocaml" {>= "4.04.0"}
  "dune" {>= "1.2.0"}
]
EOF
  pkg "$r" fmt 0.9.0 <<'EOF'
depends: [
  "ocaml" {>= "4.08.0"}
]
EOF
  pkg "$r" alcotest 1.9.0 <<'EOF'
depends: [
  "dune" {>= "3.0"}
  "ocaml" {>= "4.08"}
  "fmt" {>= "0.8.7"}
  "odoc" {with-doc}
]
EOF
  pkg "$r" odoc 3.0.0 <<'EOF'
depends: [
  "ocaml" {>= "4.08.0"}
  "dune" {>= "3.18.0"}
  "fmt"
]
EOF
  pkg "$r" myapp 1.0.0 <<'EOF'
maintainer: "dev@example.com"
depends: [
  "ocaml" {>= "4.14"}
  "dune" {>= "3.8" & build}
  "cohttp-lwt-unix" {>= "6.0.0"}
  "tls" {>= "1.0.0"}
  "alcotest" {with-test}
  "odoc" {with-doc}
]
EOF
  pkg "$r" devapp 0.3.0 <<'EOF'
maintainer: "dev@example.com"
depends: [
  "ocaml" {>= "4.14"}
  "dune" {>= "3.8"}
  "cohttp-lwt-unix"
  "lwt" {with-test}
  "tar-unix" {with-test & < "3.5.0"}
  "odoc" {with-doc}
]
EOF
}

# compiler REPO VERSION NEXT: ocaml-base-compiler and ocaml at VERSION (as in opam-repository,
# trimmed: post dependencies back to ocaml, the alternative compilers, the win32 group).
compiler() {
  local r=$1 v=$2 next=$3
  pkg "$r" ocaml-base-compiler "$v" <<EOF
flags: compiler
depends: [
  "ocaml" {= "$v" & post}
  "base-unix" {post}
  "base-threads" {post}
]
conflict-class: "ocaml-core-compiler"
EOF
  pkg "$r" ocaml "$v" <<EOF
depends: [
  "ocaml-config" {>= "2"}
  "ocaml-base-compiler" {>= "$v~" & < "$next~"} |
  "ocaml-variants" {>= "$v~" & < "$next~"} |
  "ocaml-system" {>= "$v" & < "$next~"}
  ("ocaml-env-mingw64" {os = "win32"} | "ocaml-env-msvc64" {os = "win32"})
]
EOF
}

# web REPO COHTTP TLS MIRAGE_CRYPTO TAR: the vulnerable-or-not part of the graph.
web() {
  local r=$1 cv=$2 tv=$3 mv=$4 tarv=$5
  pkg "$r" http "$cv" <<'EOF'
depends: [
  "dune" {>= "3.8"}
  "ocaml" {>= "4.08"}
]
EOF
  pkg "$r" cohttp "$cv" <<'EOF'
depends: [
  "dune" {>= "3.8"}
  "http" {= version}
  "ocaml" {>= "4.08"}
  "uri" {>= "2.0.0"}
  "fmt" {with-test}
  "alcotest" {with-test & >= "1.7.0"}
  "odoc" {with-doc}
]
EOF
  pkg "$r" cohttp-lwt "$cv" <<'EOF'
depends: [
  "dune" {>= "3.8"}
  "ocaml" {>= "4.08"}
  "http" {= version}
  "cohttp" {= version}
  "lwt" {>= "5.7.0"}
  "uri" {>= "2.0.0"}
  "odoc" {with-doc}
]
EOF
  pkg "$r" cohttp-lwt-unix "$cv" <<'EOF'
depends: [
  "dune" {>= "3.8"}
  "ocaml" {>= "4.08"}
  "http" {= version}
  "cohttp" {= version}
  "cohttp-lwt" {= version}
  "lwt" {>= "3.0.0"}
  "fmt" {>= "0.8.2"}
  "base-unix"
  "odoc" {with-doc}
]
EOF
  pkg "$r" mirage-crypto "$mv" <<'EOF'
depends: [
  "ocaml" {>= "4.13.0"}
  "dune" {>= "2.7"}
]
EOF
  pkg "$r" mirage-crypto-ec "$mv" <<'EOF'
depends: [
  "ocaml" {>= "4.13.0"}
  "dune" {>= "2.7"}
  "mirage-crypto" {= version}
  "alcotest" {with-test & >= "0.8.1"}
]
EOF
  pkg "$r" tls "$tv" <<'EOF'
depends: [
  "ocaml" {>= "4.13.0"}
  "dune" {>= "3.0"}
  "mirage-crypto" {>= "1.1.0"}
  "mirage-crypto-ec" {>= "1.0.0"}
  "fmt" {>= "0.8.7"}
  "alcotest" {with-test}
]
EOF
  pkg "$r" tar "$tarv" <<'EOF'
depends: [
  "dune" {>= "2.9"}
  "ocaml" {>= "4.08.0"}
  "odoc" {with-doc}
]
EOF
  pkg "$r" tar-unix "$tarv" <<'EOF'
depends: [
  "dune" {>= "2.9"}
  "ocaml" {>= "4.08.0"}
  "lwt" {>= "5.7.0"}
  "tar" {= version}
  "odoc" {with-doc}
]
EOF
}

for r in old new; do
  mkdir -p "$work/$r"
  printf 'opam-version: "2.0"\n' > "$work/$r/repo"
  common "$r"
done
compiler old 4.14.2 4.14.3
web old 6.2.2 2.0.3 2.1.0 3.3.0
compiler new 4.14.4 4.14.5
web new 6.3.0 2.1.0 2.4.0 3.5.0

opam init --bare --no-setup --disable-sandboxing -y old "$work/old" >>"$work/opam.log" 2>&1
opam repository add new "$work/new" --dont-select >>"$work/opam.log" 2>&1

# make_switch SCENARIO REPO: an empty local switch in $work/proj/SCENARIO (so opam writes
# its files under _opam/, as in a project), using only REPO.
make_switch() {
  mkdir -p "$work/proj/$1"
  opam switch create "$work/proj/$1" --empty --repositories="$2" >>"$work/opam.log" 2>&1
}

# copy_switch SCENARIO: the switch's own files into the fixture directory.
copy_switch() {
  local src="$work/proj/$1/_opam/.opam-switch" dst="$out/$1/_opam/.opam-switch"
  rm -rf "$out/$1/_opam"
  mkdir -p "$dst"
  cp "$src/switch-state" "$src/switch-config" "$dst/"
  (cd "$src" && find packages -name opam -type f) | while read -r f; do
    mkdir -p "$dst/$(dirname "$f")"
    cp "$src/$f" "$dst/$f"
  done
  # opam writes the temporary paths into some files: make them stable
  find "$dst" -type f -exec sed -i "s|$work|/tmp/osec-fixtures|g" {} +
}

# exports SCENARIO ROOTPKG: `opam switch export` (plain, --full) and `opam lock ROOTPKG`.
exports() {
  local sw="$work/proj/$1" d="$out/$1"
  opam switch export --switch="$sw" "$d/switch.export" >>"$work/opam.log" 2>&1
  opam switch export --full --switch="$sw" "$d/switch-full.export" >>"$work/opam.log" 2>&1
  (cd "$d" && opam lock --switch="$sw" "$2" >>"$work/opam.log" 2>&1)
  sed -i "s|$work|/tmp/osec-fixtures|g" "$d/switch.export" "$d/switch-full.export" "$d/$2.opam.locked"
}

# required_by SCENARIO ROOTPKG: what opam itself says ROOTPKG needs, transitively,
# without and with test and doc dependencies (the tests compare dependency paths to it).
required_by() {
  local sw="$work/proj/$1" d="$out/$1"
  opam list --switch="$sw" --installed --required-by "$2" --recursive --short \
    > "$d/opam-list-required-by.txt" 2>>"$work/opam.log"
  opam list --switch="$sw" --installed --required-by "$2" --recursive --with-test --with-doc --short \
    > "$d/opam-list-required-by-with-test-doc.txt" 2>>"$work/opam.log"
}

mkdir -p "$out"

# 1. vulnerable: myapp → cohttp-lwt-unix 6.2.2 → cohttp 6.2.2, tls 2.0.3 →
#    mirage-crypto-ec 2.1.0, ocaml 4.14.2; tests and docs of myapp installed too.
mkdir -p "$out/vulnerable"
make_switch vulnerable old
opam install --fake --with-test --with-doc --switch="$work/proj/vulnerable" myapp >>"$work/opam.log" 2>&1
copy_switch vulnerable
exports vulnerable myapp
required_by vulnerable myapp
cp "$work/old/packages/myapp/myapp.1.0.0/opam" "$out/vulnerable/myapp.opam"

# 2. clean: the same project on the fixed versions.
mkdir -p "$out/clean"
make_switch clean new
opam install --fake --switch="$work/proj/clean" myapp >>"$work/opam.log" 2>&1
copy_switch clean
exports clean myapp
required_by clean myapp

# 3. pinned: tls pinned to a private fork that keeps the public name and version 2.0.3.
mkdir -p "$out/pinned" "$work/tls-fork"
sed 's/^synopsis: .*/synopsis: "private fork of tls"/' \
  "$work/old/packages/tls/tls.2.0.3/opam" > "$work/tls-fork/tls.opam"
printf 'name: "tls"\nversion: "2.0.3"\n' >> "$work/tls-fork/tls.opam"
# a git pin (a path pin would need rsync, which this machine lacks)
git -C "$work/tls-fork" init -q
git -C "$work/tls-fork" remote add origin "file://$work/tls-fork"
git -C "$work/tls-fork" add tls.opam
git -C "$work/tls-fork" -c user.name=fixture -c user.email=fixture@example.com \
  -c commit.gpgsign=false commit -q -m 'private fork' --date='2026-01-01T00:00:00Z'
make_switch pinned new
opam pin add --switch="$work/proj/pinned" --no-action -k git tls "git+file://$work/tls-fork" >>"$work/opam.log" 2>&1
opam install --fake --switch="$work/proj/pinned" myapp tls >>"$work/opam.log" 2>&1
copy_switch pinned
exports pinned myapp
required_by pinned myapp

# 4. dev-only: devapp's tests need tar-unix 3.3.0 → tar 3.3.0 (vulnerable, only for tests);
#    (the switch sees both repositories, the fixed one first); lwt is both a test dependency of devapp and a normal one of cohttp-lwt-unix.
mkdir -p "$out/dev-only"
make_switch dev-only new,old
opam install --fake --with-test --with-doc --switch="$work/proj/dev-only" devapp >>"$work/opam.log" 2>&1
copy_switch dev-only
exports dev-only devapp
required_by dev-only devapp

# 5. broken: real files damaged the ways disks and editors damage them. Each case is a
#    directory that `detect` finds one input in.
b="$out/broken"
rm -rf "$b"
state="$out/vulnerable/_opam/.opam-switch"
# 5a. switch-state cut off in the middle of `installed:` (disk full, killed write)
mkdir -p "$b/truncated-switch-state/_opam/.opam-switch"
head -c 200 "$state/switch-state" > "$b/truncated-switch-state/_opam/.opam-switch/switch-state"
# 5a'. switch-state truncated to nothing
mkdir -p "$b/empty-switch-state/_opam/.opam-switch"
: > "$b/empty-switch-state/_opam/.opam-switch/switch-state"
# 5b. an installed entry without a version
mkdir -p "$b/entry-without-version/_opam/.opam-switch/packages/cohttp.6.2.2"
printf 'opam-version: "2.0"\nroots: ["cohttp.6.2.2"]\ninstalled: [\n  "cohttp"\n]\n' \
  > "$b/entry-without-version/_opam/.opam-switch/switch-state"
# 5c. the opam file of an installed package is missing
mkdir -p "$b/missing-package-opam/_opam/.opam-switch/packages"
cp "$state/switch-state" "$b/missing-package-opam/_opam/.opam-switch/"
cp -r "$state/packages/"* "$b/missing-package-opam/_opam/.opam-switch/packages/"
rm -r "$b/missing-package-opam/_opam/.opam-switch/packages/cohttp.6.2.2"
# 5d. an installed package's opam file with a syntax error (the brace after uri's
#     constraint deleted: the list closes inside the braces)
mkdir -p "$b/corrupt-package-opam/_opam/.opam-switch/packages"
cp "$state/switch-state" "$b/corrupt-package-opam/_opam/.opam-switch/"
cp -r "$state/packages/"* "$b/corrupt-package-opam/_opam/.opam-switch/packages/"
sed -i 's/"uri" {>= "2.0.0"}/"uri" {>= "2.0.0"/' \
  "$b/corrupt-package-opam/_opam/.opam-switch/packages/cohttp.6.2.2/opam"
# 5e. a lock file cut off inside `depends:`
mkdir -p "$b/truncated-lock"
head -n 12 "$out/vulnerable/myapp.opam.locked" > "$b/truncated-lock/myapp.opam.locked"
# 5e'. a lock file truncated to nothing
mkdir -p "$b/empty-lock"
: > "$b/empty-lock/myapp.opam.locked"
# 5f. a lock file entry without its `= "version"` (hand-edited)
mkdir -p "$b/unpinned-lock-entry"
sed 's/"cohttp" {= "6.2.2"}/"cohttp" {>= "6.0"}/' "$out/vulnerable/myapp.opam.locked" \
  > "$b/unpinned-lock-entry/myapp.opam.locked"
# 5g. a dune lock package file with an unclosed parenthesis
mkdir -p "$b/unbalanced-dune-lock/dune.lock"
printf '(lang package 0.1)\n' > "$b/unbalanced-dune-lock/dune.lock/lock.dune"
printf '(version 6.2.2)\n\n(depends\n (all_platforms (http uri))\n' \
  > "$b/unbalanced-dune-lock/dune.lock/cohttp.6.2.2.pkg"
# 5h. an esy lock file cut off, and one naming a node it does not define
mkdir -p "$b/truncated-esy-lock/esy.lock" "$b/dangling-esy-node/esy.lock"
head -c 300 "$out/vulnerable/esy.lock/index.json" > "$b/truncated-esy-lock/esy.lock/index.json"
sed 's/^\( *\)"@opam\/cohttp@opam:6.2.2@6b2d1f4a",$/\1"@opam\/cohttp@opam:6.2.2@00000000",/' \
  "$out/vulnerable/esy.lock/index.json" > "$b/dangling-esy-node/esy.lock/index.json"
# 5i. a text file passed as an export that is not one
mkdir -p "$b/not-an-export"
printf 'opam-version: "2.0"\nsynopsis: "a package, not a switch export"\n' > "$b/not-an-export/switch.export"

echo "fixtures written to $out"
