#!/usr/bin/env bash
# Compares two builds of osec, command by command, on the real data: the commands
# whose file reading and `--repo` opening moved into opam-model (issue 13).
#
#   scripts/compare-cli-files.sh OLD_OSEC NEW_OSEC [NAMES]
#
# OLD_OSEC, NEW_OSEC: two osec binaries (for example main built in a scratch clone,
# and this branch). NAMES: how many package names `opam versions` is asked about
# (default 40, spread over the alphabet). Data: OSEC_DATA (default ../shared/data).
#
# Runs, with each binary, and compares stdout, stderr and the exit code byte for byte
# (and the written trees for `osv export`):
#   opam check      both tarballs, both extracted directories and a --files-from list
#                   of each, and a copy of some packages with three files broken, in
#                   the formats human, json and sarif;
#   opam versions   --repo both tarballs, and both directories, for NAMES packages and
#                   several constraints;
#   lint --repo     the real advisories against both tarballs and both directories,
#                   in the three formats;
#   osv export      the real advisories with --repo both tarballs / both directories.
# Prints one line per comparison and the differences; exits 1 if any differ.
set -uo pipefail
old=${1:?usage: compare-cli-files.sh OLD_OSEC NEW_OSEC [NAMES]}
new=${2:?usage: compare-cli-files.sh OLD_OSEC NEW_OSEC [NAMES]}
names=${3:-40}
root="$(cd "$(dirname "$0")/.." && pwd)"
data="${OSEC_DATA:-$root/../shared/data}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for repo in opam-repository opam-repository-archive; do
  tar xzf "$data/$repo.tar.gz" -C "$work"
  (cd "$work" && find "$repo" -type f \( -name opam -o -name '*.opam' \) | LC_ALL=C sort > "$repo.files")
done
advisories="$data/security-advisories"
tarballs=(--repo "$data/opam-repository.tar.gz" --repo "$data/opam-repository-archive.tar.gz")
directories=(--repo "$work/opam-repository" --repo "$work/opam-repository-archive")

differ=0
same=0
# run NAME ARGS...: runs both binaries in $work, compares stdout, stderr and status.
run() {
  local name=$1
  shift
  for side in old new; do
    local bin=$old
    [ "$side" = new ] && bin=$new
    (cd "$work" && "$bin" "$@" >"$work/$side.out" 2>"$work/$side.err"; echo "exit $?" >"$work/$side.code")
  done
  if cmp -s "$work/old.out" "$work/new.out" && cmp -s "$work/old.err" "$work/new.err" \
    && cmp -s "$work/old.code" "$work/new.code"; then
    same=$((same + 1))
    echo "same    $name ($(cat "$work/new.code"), $(wc -c <"$work/new.out") bytes out)"
  else
    differ=$((differ + 1))
    echo "DIFFER  $name"
    for stream in code out err; do
      diff "$work/old.$stream" "$work/new.$stream" | head -20 | sed "s/^/    $stream: /"
    done
  fi
}

for repo in opam-repository opam-repository-archive; do
  for format in human json sarif; do
    run "opam check $repo.tar.gz --format $format" opam check --format "$format" "$data/$repo.tar.gz"
    run "opam check $repo/ --format $format" opam check --format "$format" "$repo"
    run "opam check --files-from $repo.files --format $format" opam check --format "$format" --files-from "$repo.files"
  done
done

# The real files all parse: a copy with three files broken shows the failure reports.
mkdir -p "$work/broken"
cp -r "$work/opam-repository/packages/"a* "$work/broken/"
find "$work/broken" -name opam | LC_ALL=C sort | awk 'NR % 100 == 7' | head -3 | while read -r file; do
  printf 'depends: [\n' >>"$file"
done
for format in human json sarif; do
  run "opam check broken/ --format $format" opam check --format "$format" broken
done

ls "$work/opam-repository/packages" | LC_ALL=C sort > "$work/names"
total=$(wc -l <"$work/names")
step=$((total / names))
[ "$step" -lt 1 ] && step=1
awk -v step="$step" 'NR % step == 1' "$work/names" | head -n "$names" > "$work/picked"
echo "no-such-package" >> "$work/picked"
while read -r name; do
  for constraint in "" '>= "1.0"' '< "1.0" | >= "2.0~"' '{!= "0.1" & < "5"}'; do
    args=(opam versions "${directories[@]}" "$name")
    [ -n "$constraint" ] && args+=("$constraint")
    run "opam versions (directories) $name '$constraint'" "${args[@]}"
  done
done <"$work/picked"
for name in $(head -n 5 "$work/picked") ocaml ocaml-variants; do
  run "opam versions (tarballs) $name" opam versions "${tarballs[@]}" "$name"
done

for kind in tarballs directories; do
  if [ "$kind" = tarballs ]; then repos=("${tarballs[@]}"); else repos=("${directories[@]}"); fi
  for format in human json sarif; do
    run "lint --repo ($kind) --format $format" lint --format "$format" "${repos[@]}" "$advisories"
  done
  for side in old new; do
    bin=$old
    [ "$side" = new ] && bin=$new
    rm -rf "$work/export-$side"
    "$bin" osv export -q "${repos[@]}" "$advisories" "$work/export-$side" >"$work/$side.out" 2>"$work/$side.err"
    echo "exit $?" >"$work/$side.code"
  done
  if diff -r "$work/export-old" "$work/export-new" >"$work/export.diff" \
    && cmp -s "$work/old.err" "$work/new.err" && cmp -s "$work/old.code" "$work/new.code"; then
    same=$((same + 1))
    echo "same    osv export --repo ($kind) ($(find "$work/export-new" -name '*.json' | wc -l) records)"
  else
    differ=$((differ + 1))
    echo "DIFFER  osv export --repo ($kind)"
    head -40 "$work/export.diff" | sed 's/^/    tree: /'
    diff "$work/old.err" "$work/new.err" | head -20 | sed 's/^/    err: /'
  fi
done

echo "$same same, $differ different"
[ "$differ" -eq 0 ]
