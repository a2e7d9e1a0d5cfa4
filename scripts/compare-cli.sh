#!/bin/sh
# Runs the same osec commands with two binaries and compares their stdout, stderr and
# exit codes (and, for `osv export`, the trees written): the check that a refactoring
# changed no behaviour. Prints one line per command that differs, with the diff, and a
# summary; exits 1 when anything differs.
#
# Usage: scripts/compare-cli.sh BEFORE AFTER
#   e.g. git worktree add /tmp/before main && (cd /tmp/before && cargo build --release -p osec)
#        scripts/compare-cli.sh /tmp/before/target/release/osec target/release/osec
#
# Commands: `audit` on every scenario of crates/audit/tests/data/audit (broken ones
# included) in every format; `db status`; `lint` of the real advisories (every format)
# and of every lint fixture; `osv export` of the real advisories (with and without
# versions); `opam check`, `opam print`, `opam print --normalise` and `opam ast` on a
# sample of opam-repository (every 250th opam file); and databases a user may pass to
# `--db`, hostile ones included (there, new errors are intended differences).
# Needs the reference data ($OSEC_DATA, default <workspace>/../shared/data), python3.
set -eu
before=$(realpath "$1")
after=$(realpath "$2")
root=$(cd "$(dirname "$0")/.." && pwd)
data=${OSEC_DATA:-$root/../shared/data}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"

# Every run gets the same fresh cache directory (so the embedded database is used and
# no prepared copy of an earlier run is read) and no OSEC_OFFLINE from outside.
unset OSEC_OFFLINE
export XDG_CACHE_HOME="$work/cache"

same=0
different=0
# run_one BINARY OUT ARGS...: `BINARY ARGS`, with `{OUT}` in ARGS replaced by OUT.
run_one() {
  binary=$1
  out=$2
  shift 2
  for arg in "$@"; do
    shift
    [ "$arg" = "{OUT}" ] && arg=$out
    set -- "$@" "$arg"
  done
  "$binary" "$@"
}
# compare NAME ARGS...: runs `osec ARGS` with both binaries, in the workspace root.
# `{OUT}` in ARGS is replaced by a fresh output directory per binary, compared too.
compare() {
  name=$1
  shift
  for side in before after; do
    binary=$before
    [ "$side" = after ] && binary=$after
    out="$work/out-$side"
    rm -rf "$XDG_CACHE_HOME" "$out"
    set +e
    run_one "$binary" "$out" "$@" >"$work/$side.stdout" 2>"$work/$side.stderr"
    echo "exit $?" >"$work/$side.code"
    set -e
    # Output paths name the side's directory: make them comparable.
    sed -i "s#$out#OUT#g" "$work/$side.stdout" "$work/$side.stderr"
  done
  report=""
  for part in code stdout stderr; do
    if ! cmp -s "$work/before.$part" "$work/after.$part"; then
      report="$report$(diff -u "$work/before.$part" "$work/after.$part" | sed -n '3,40p')
"
    fi
  done
  if [ -d "$work/out-before" ] || [ -d "$work/out-after" ]; then
    if ! diff -r "$work/out-before" "$work/out-after" >"$work/tree.diff" 2>&1; then
      report="$report$(sed -n '1,40p' "$work/tree.diff")
"
    fi
  fi
  if [ -z "$report" ]; then
    same=$((same + 1))
  else
    different=$((different + 1))
    echo "DIFFERENT: $name"
    printf '%s\n' "$report" | sed 's/^/    /'
  fi
}

echo "== audit: every scenario, every format"
for scenario in crates/audit/tests/data/audit/*/ crates/audit/tests/data/audit/broken/*/; do
  scenario=${scenario%/}
  [ "$scenario" = crates/audit/tests/data/audit/broken ] && continue
  for format in table json sarif markdown cyclonedx; do
    compare "audit $scenario --format $format" audit "$scenario" --format "$format"
  done
done
vulnerable=crates/audit/tests/data/audit/vulnerable
for named in "--switch $vulnerable/_opam" "--export $vulnerable/switch-full.export" \
  "--lock $vulnerable/myapp.opam.locked" "--lock $vulnerable/dune.lock" \
  "--lock $vulnerable/esy.lock" "--lock crates/audit/tests/data/audit/opam-files/webapp.opam"; do
  # shellcheck disable=SC2086 # the option and its value are two words
  compare "audit $named" audit $named --format json
done
compare "audit --severity-threshold high" audit "$vulnerable" --severity-threshold high
compare "audit --ignore" audit "$vulnerable" --ignore OSEC-2026-16 --ignore CVE-2000-0001
compare "audit --no-dev" audit crates/audit/tests/data/audit/dev-only --no-dev
compare "audit --include-pinned" audit crates/audit/tests/data/audit/pinned --include-pinned
compare "audit nothing here" audit "$work"
compare "audit no such path" audit "$work/nowhere"
compare "audit unknown switch" audit --switch "no-such-switch-$$"
printf '[[ignore]]\nid = "OSEC-2026-16"\nreason = "client only"\nuntil = "2999-12-31"\n' >"$work/osec.toml"
compare "audit --config" audit "$vulnerable" --config "$work/osec.toml"
printf '[[ignore]]\nid = "OSEC-2026-16"\nreason = "client only"\nuntil = "2000-01-01"\n' >"$work/expired.toml"
compare "audit --config expired" audit "$vulnerable" --config "$work/expired.toml" --format json
printf '[[ignore]]\nid = "OSEC-2026-16"\nreason = "r"\nuntil = "soon"\n' >"$work/bad-date.toml"
compare "audit --config bad date" audit "$vulnerable" --config "$work/bad-date.toml"

echo "== db status"
compare "db status" db status
compare "db status --db" db status --db crates/vulndb/data/opam-all.zip
compare "db status --db missing" db status --db "$work/missing.zip"
compare "db fetch --offline" --offline db fetch

echo "== lint"
for format in human json sarif; do
  compare "lint real advisories --format $format" lint "$data/security-advisories/advisories" --format "$format"
done
for fixture in crates/advisory/tests/data/lint/*; do
  compare "lint $fixture" lint "$fixture"
done
compare "lint every fixture --format json" lint --format json crates/advisory/tests/data/lint

echo "== osv export"
compare "osv export" osv export --quiet --repo "$data/opam-repository.tar.gz" \
  --repo "$data/opam-repository-archive.tar.gz" "$data/security-advisories/advisories" "{OUT}"
compare "osv export --no-versions" osv export --quiet --no-versions \
  "$data/security-advisories/advisories" "{OUT}"

echo "== opam: a sample of opam-repository"
mkdir -p "$work/corpus"
tar -xzf "$data/opam-repository.tar.gz" -C "$work/corpus" --wildcards '*/opam'
find "$work/corpus" -name opam -type f | sort | awk 'NR % 250 == 1' >"$work/sample"
compare "opam check sample" opam check --files-from "$work/sample"
compare "opam check corpus" opam check "$data/opam-repository.tar.gz"
while read -r file; do
  short=${file#"$work/corpus/"}
  compare "opam print $short" opam print "$file"
  compare "opam print --normalise $short" opam print --normalise "$file"
  compare "opam ast $short" opam ast "$file"
done <"$work/sample"

echo "== databases given with --db (hostile ones: intended differences)"
python3 - "$work" <<'PY'
import io, json, sys, zipfile
work = sys.argv[1]
record = lambda id, eco, name: json.dumps({
    "id": id, "modified": "2026-01-01T00:00:00Z",
    "affected": [{"package": {"ecosystem": eco, "name": name}, "versions": ["6.2.2"]}]})
def write(name, entries):
    with zipfile.ZipFile(f"{work}/{name}", "w") as z:
        for entry, text in entries:
            z.writestr(entry, text)
write("cohttp.zip", [("OSEC-2026-99.json", record("OSEC-2026-99", "opam", "cohttp"))])
write("pypi.zip", [("PYSEC-2026-1.json", record("PYSEC-2026-1", "PyPI", "cohttp"))])
buffer = io.BytesIO()
with zipfile.ZipFile(buffer, "w") as z:
    z.writestr("OSEC-2026-06.json", record("OSEC-2026-06", "opam", "tls"))
    z.writestr("OSEC-2026-XX.json", json.dumps({"id": "OSEC-2026-06",
        "modified": "2026-01-01T00:00:00Z", "affected": []}))
open(f"{work}/duplicate.zip", "wb").write(
    buffer.getvalue().replace(b"OSEC-2026-XX.json", b"OSEC-2026-06.json"))
PY
for db in cohttp pypi duplicate; do
  compare "audit --db $db.zip" audit "$vulnerable" --db "$work/$db.zip"
done

echo "== $same identical, $different different"
[ "$different" -eq 0 ]
