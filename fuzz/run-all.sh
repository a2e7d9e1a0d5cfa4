#!/usr/bin/env bash
# Runs every fuzz target for SECONDS seconds (default 60), JOBS targets at a time
# (default 1), each from its seeds (fuzz/seeds/TARGET) and the corpus it grew in
# earlier runs (fuzz/corpus/TARGET, not kept in git). Prints one line per target
# (runs, executions per second, coverage) and exits 1 if any target found an input
# that crashes, hangs or exhausts memory: the input is then in
# fuzz/artifacts/TARGET/, and `cargo +nightly fuzz run TARGET FILE` replays it.
#
#   fuzz/run-all.sh [SECONDS] [JOBS]
#
# Needs a nightly toolchain and cargo-fuzz (`cargo +nightly install cargo-fuzz --locked`).
set -euo pipefail
seconds="${1:-60}"
jobs="${2:-1}"
cd "$(dirname "$0")/.."
mkdir -p fuzz/logs
targets=$(cargo +nightly fuzz list)
# Debug assertions on: an integer overflow is a finding too.
cargo +nightly fuzz build --debug-assertions >/dev/null

run_one() {
  local target="$1" seconds="$2"
  mkdir -p "fuzz/corpus/$target"
  # -timeout: an input that takes more than 10 s is a hang; -rss_limit_mb: memory.
  if cargo +nightly fuzz run --debug-assertions "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      >"fuzz/logs/$target.log" 2>&1; then
    status=ok
  else
    status=FAILED
  fi
  local runs cov ft speed
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "fuzz/logs/$target.log" | grep -oE '[0-9]+$' || echo 0)
  speed=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "fuzz/logs/$target.log" | grep -oE '[0-9]+$' || echo 0)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "fuzz/logs/$target.log" | tail -1 || true)
  printf '%-14s %-6s %ss, %s runs (%s/s), %s\n' "$target" "$status" "$seconds" "$runs" "$speed" "$cov"
  if [ "$status" != ok ]; then
    # What was found and where the input is, for the CI log.
    grep -a -m1 -A20 -E 'panicked at|ERROR: libFuzzer' "fuzz/logs/$target.log" | sed "s/^/  $target: /" || true
    grep -a -E 'Test unit written to' "fuzz/logs/$target.log" | sed "s/^/  $target: /" || true
  fi
  [ "$status" = ok ]
}
export -f run_one

echo "$targets" | xargs -P "$jobs" -I{} bash -c 'run_one "$@"' _ {} "$seconds"
