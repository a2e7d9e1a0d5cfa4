#!/bin/sh
# Whole-command benchmark of `osec repo check-immutable` on the real history of
# ocaml/opam-repository (a bare clone; nothing is checked out):
#
#   1. the last 1,000 first-parent commits: HEAD~1000..HEAD;
#   2. a year: from the first-parent commit nearest one year before HEAD's date;
#   3. 200 consecutive merge commits, each checked alone (M^1..M: a pull request's
#      range), as one loop, plus the time of every single run (min, median, p95, max).
#
# The reference in the same run is `git diff --no-renames --name-status BASE HEAD --
# packages`: git's own tree diff of the same range, which lists the changed files and
# parses nothing. The findings of each range are written next to the timings.
#
# Usage: bench/check-immutable.sh [OPAM_REPOSITORY_GIT] [OSEC_BINARY]
#   (defaults: $OSEC_OPAM_GIT, else /work/.mirror/ocaml+opam-repository/repo;
#    target/release/osec)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
repo=${1:-${OSEC_OPAM_GIT:-/work/.mirror/ocaml+opam-repository/repo}}
osec=${2:-${CARGO_TARGET_DIR:-$here/target}/release/osec}
day=$(date -u +%Y-%m-%d)
results=$here/bench/results/$day-check-immutable.md
runs=$here/bench/runs/$day-check-immutable.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

head=$(git -C "$repo" rev-parse HEAD)
base1000=$(git -C "$repo" rev-parse HEAD~1000)
head_date=$(git -C "$repo" log -1 --format=%cI HEAD)
year_before=$(date -u -d "$head_date - 1 year" +%Y-%m-%dT%H:%M:%SZ)
year=$(git -C "$repo" rev-list -1 --first-parent --before="$year_before" HEAD)
git -C "$repo" rev-list --first-parent --merges -200 HEAD > "$tmp/merges"

{
  echo "check-immutable benchmark, $day, repository $repo"
  echo "HEAD            $head $(git -C "$repo" log -1 --format='%cI %s' HEAD)"
  echo "HEAD~1000       $base1000 $(git -C "$repo" log -1 --format='%cI %s' "$base1000")"
  echo "a year before   $year $(git -C "$repo" log -1 --format='%cI %s' "$year") (nearest first-parent commit before $year_before)"
  echo "merges          $(wc -l < "$tmp/merges") from $(tail -n 1 "$tmp/merges") to $(head -n 1 "$tmp/merges")"
  echo "first-parent commits in the year: $(git -C "$repo" rev-list --count --first-parent "$year..HEAD")"
} > "$runs"

# Exit 1 means "violations found": not a failure of the benchmark (-i).
hyperfine --warmup 2 --runs 10 -N -i --export-json "$tmp/ranges.json" \
  -n "osec HEAD~1000..HEAD" "$osec repo check-immutable --repo $repo $base1000 $head --format json" \
  -n "git diff HEAD~1000..HEAD" "git -C $repo diff --no-renames --name-status $base1000 $head -- packages" \
  -n "osec year" "$osec repo check-immutable --repo $repo $year $head --format json" \
  -n "git diff year" "git -C $repo diff --no-renames --name-status $year $head -- packages"

cat > "$tmp/each-osec.sh" <<EOF
while read -r m; do "$osec" repo check-immutable --repo "$repo" "\$m^1" "\$m" --format json > /dev/null || [ \$? -eq 1 ]; done < "$tmp/merges"
EOF
cat > "$tmp/each-git.sh" <<EOF
while read -r m; do git -C "$repo" diff --no-renames --name-status "\$m^1" "\$m" -- packages > /dev/null; done < "$tmp/merges"
EOF
hyperfine --warmup 1 --runs 5 --export-json "$tmp/merges.json" \
  -n "osec, 200 merges one by one" "sh $tmp/each-osec.sh" \
  -n "git diff, 200 merges one by one" "sh $tmp/each-git.sh"

# Every single run's wall time, in microseconds, and its findings.
: > "$tmp/times"
: > "$tmp/findings"
while read -r m; do
  start=$(date +%s%N)
  code=0
  "$osec" repo check-immutable --repo "$repo" "$m^1" "$m" --format json > "$tmp/one.json" || code=$?
  end=$(date +%s%N)
  echo $(( (end - start) / 1000 )) >> "$tmp/times"
  python3 - "$m" "$code" "$tmp/one.json" >> "$tmp/findings" <<'PY'
import json, sys
commit, code, path = sys.argv[1], sys.argv[2], sys.argv[3]
report = json.load(open(path))
for f in report["findings"]:
    print(f"{commit[:10]} exit {code} {f['code']} {f['severity']} {f['package']}: {f['message']}")
PY
done < "$tmp/merges"
sort -n "$tmp/times" > "$tmp/sorted"
n=$(wc -l < "$tmp/sorted")
pick() { sed -n "$1p" "$tmp/sorted"; }

for range in "$base1000 HEAD~1000" "$year year"; do
  set -- $range
  "$osec" repo check-immutable --repo "$repo" "$1" "$head" --format json > "$tmp/range.json" || true
  python3 - "$2" "$tmp/range.json" >> "$runs" <<'PY'
import collections, json, sys
name, path = sys.argv[1], sys.argv[2]
report = json.load(open(path))
counts = collections.Counter(f["code"] for f in report["findings"])
print(f"\n== {name}..HEAD: versions {report['versions']}, {report['errors']} errors, {report['warnings']} warnings")
print("   by code: " + ", ".join(f"{code} {n}" for code, n in sorted(counts.items())))
for f in report["findings"]:
    if f["severity"] == "error" or f["code"] in ("POL015", "POL004"):
        print(f"   {f['code']} {f['package']}: {f['message']} | {f['old']} -> {f['new']}")
PY
done

{
  echo
  echo "== 200 merges, each checked alone: wall time per run (process start included)"
  echo "   min $(pick 1) us, median $(pick $(( (n + 1) / 2 ))) us, p95 $(pick $(( n * 95 / 100 ))) us, max $(pick "$n") us"
  echo "   findings:"
  sed 's/^/   /' "$tmp/findings"
} >> "$runs"

{
  echo "# \`osec repo check-immutable\` on ocaml/opam-repository's history, $day"
  echo
  echo "\`sh bench/check-immutable.sh\` (hyperfine; release build; 2-core machine shared with"
  echo "other jobs). Ranges and findings: \`bench/runs/$day-check-immutable.txt\`."
  echo
  echo "CPU time (user + system) is given beside the wall time: on a shared machine it"
  echo "varies much less. Ratios are to git's own tree diff of the same range."
  echo
  python3 - "$tmp/ranges.json" "$tmp/merges.json" <<'PY'
import json, statistics, sys
print("| command | median wall | mean CPU (user + sys) | wall / git | CPU / git |")
print("|---|---|---|---|---|")
for path in sys.argv[1:]:
    results = json.load(open(path))["results"]
    for osec, git in zip(results[0::2], results[1::2]):
        for r, ref in ((osec, git), (git, git)):
            wall = statistics.median(r["times"])
            cpu = r["user"] + r["system"]
            ref_wall = statistics.median(ref["times"])
            ref_cpu = ref["user"] + ref["system"]
            unit, scale = ("s", 1) if wall >= 1 else ("ms", 1000)
            print(f"| {r['command']} | {wall * scale:.1f} {unit} | {cpu * scale:.1f} {unit} "
                  f"| {wall / ref_wall:.2f} | {cpu / ref_cpu:.2f} |")
PY
  echo
  echo "Single runs over the 200 merges: min $(pick 1) µs, median $(pick $(( (n + 1) / 2 ))) µs, p95 $(pick $(( n * 95 / 100 ))) µs, max $(pick "$n") µs."
} > "$results"
cat "$results"
