#!/bin/sh
# Load test of `osec serve` on loopback with wrk, against nginx serving the same record
# as a static file in the same run, and the load time and memory of a generated database
# of 100,000 records.
#
#   1. nginx: GET /v1/vulns/OSEC-2026-16, a static file holding the bytes osec answers
#      with (the reference).
#   2. osec serve --db opam-all.zip (the 26 real records): GET /v1/vulns/OSEC-2026-16,
#      then POST /v1/query for cohttp 6.2.1 (answer: its records, whole).
#   3. nginx and the GET again, in turn, to see the noise.
#   4. osec serve --db a generated all.zip of 100,000 records (bench/gen-osv-db.py): the
#      time from start to a first 200 from /healthz, resident memory then (VmRSS) and at
#      its peak (VmHWM), then POST /v1/query and GET /v1/vulns/{id} on it.
#
# Each run: wrk, 2 threads, $CONNECTIONS connections (default 32), $DURATION seconds
# (default 15). nginx has 2 workers, no access log, keep-alive without a request limit,
# sendfile and its open-file cache;
# osec serve runs with its defaults (a worker thread per core, logs at info: none per
# request). The load average is written before every run.
#
# Other sessions' jobs on the machine: Linux schedules each session (autogroup) as one
# whole, so `nice` on builds elsewhere does not keep them from taking half the cores
# from the servers and wrk, and every percentile past the median then measures the
# wait for a core. When it may (root, autogroups on), the script gives its own session
# the autogroup priority -20 (/proc/self/autogroup, see sched(7)); nginx, osec and wrk
# all inherit it, so the comparison stays even. The raw file says whether it applied.
#
# Usage: bench/serve-load.sh [OSEC_BINARY]   (default: target/release/osec)
#        GENERATED=FILE: an all.zip made by bench/gen-osv-db.py before, instead of
#        generating one (minutes for 100,000 records).
# Writes bench/results/serve-load-TIME.txt (TIME: YYYY-MM-DDTHHMM, UTC; wrk's raw
# reports and the RESULT lines) and a table of the RESULT lines in
# serve-load-TIME.table.md beside it (the summary is written by hand from them).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
osec=${1:-${CARGO_TARGET_DIR:-$here/target}/release/osec}
duration=${DURATION:-15}
connections=${CONNECTIONS:-32}
records=${RECORDS:-100000}
zip=$here/crates/vulndb/data/opam-all.zip
id=OSEC-2026-16
query='{"package": {"name": "cohttp", "ecosystem": "opam"}, "version": "6.2.1"}'
nginx_port=18081
osec_port=18080
out=$here/bench/results/serve-load-$(date -u +%Y-%m-%dT%H%M).txt
work=$(mktemp -d)
chmod 755 "$work"   # nginx's workers run as another user
server=
nginx_pid=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
export REPORT="$here/bench/serve/report.lua"

say() { echo "$*" | tee -a "$out"; }
load() { say "# load average: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"; }
# run LABEL URL [LUA]
run() {
  load
  say "## $1: wrk -t2 -c$connections -d${duration}s --latency $2"
  LABEL=$1 QUERY=$query wrk -t2 -c"$connections" -d"${duration}s" --latency \
    -s "$here/bench/serve/${3:-get}.lua" "$2" 2>&1 | tee -a "$out"
}
# wait_ready URL: until URL answers 200 (at most about 10 minutes).
wait_ready() {
  i=0
  while ! curl -fs -o /dev/null "$1"; do
    i=$((i + 1))
    [ "$i" -lt 60000 ] || { echo "no answer from $1" >&2; exit 1; }
    sleep 0.01
  done
}
start_osec() {
  "$osec" serve --addr "127.0.0.1:$osec_port" --poll 0 --db "$1" 2>>"$work/osec.log" &
  server=$!
}
stop_osec() { kill "$server"; wait "$server" || true; server=; }

: >"$out"
if echo -20 2>/dev/null >/proc/self/autogroup; then
  isolation="autogroup $(cat /proc/self/autogroup)"
else
  isolation="none (not root, or autogroups off): other jobs share the cores"
fi
say "# osec serve load test, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(uname -m), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(nginx -v 2>&1)"
say "# isolation from other sessions: $isolation"

start_osec "$zip"
wait_ready "http://127.0.0.1:$osec_port/healthz"
# The reference: nginx serving the record as a file at the same path, the same bytes
# osec answers with.
mkdir -p "$work/www/v1/vulns" "$work/nginx"
curl -fs "http://127.0.0.1:$osec_port/v1/vulns/$id" >"$work/www/v1/vulns/$id"
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  sendfile on;
  tcp_nopush on;
  open_file_cache max=16;
  default_type application/json;
  client_body_temp_path $work/nginx;
  proxy_temp_path $work/nginx;
  fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx;
  scgi_temp_path $work/nginx;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work/nginx" &
nginx_pid=$!
wait_ready "http://127.0.0.1:$nginx_port/v1/vulns/$id"
say "# record: $(curl -fs "http://127.0.0.1:$nginx_port/v1/vulns/$id" | wc -c) bytes; query answer: $(curl -fs -H 'Content-Type: application/json' -d "$query" "http://127.0.0.1:$osec_port/v1/query" | wc -c) bytes"

run nginx-vulns "http://127.0.0.1:$nginx_port/v1/vulns/$id"
run osec-vulns "http://127.0.0.1:$osec_port/v1/vulns/$id"
run osec-query "http://127.0.0.1:$osec_port/v1/query" query
run nginx-vulns-again "http://127.0.0.1:$nginx_port/v1/vulns/$id"
run osec-vulns-again "http://127.0.0.1:$osec_port/v1/vulns/$id"
stop_osec
kill "$nginx_pid"; wait "$nginx_pid" || true; nginx_pid=

# A generated database of $records records.
if [ -n "${GENERATED:-}" ]; then
  ln -s "$GENERATED" "$work/generated.zip"
  records=$(unzip -Z1 "$GENERATED" | wc -l)
else
  "$here/bench/gen-osv-db.py" "$zip" "$work/generated.zip" "$records"
fi
say "# generated all.zip: $records records, $(wc -c <"$work/generated.zip") bytes"
load
started=$(date +%s.%N)
start_osec "$work/generated.zip"
wait_ready "http://127.0.0.1:$osec_port/healthz"
ready=$(date +%s.%N)
# CPU time (user + system) spent so far: the load, without the waits of a busy machine.
cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' /proc/"$server"/stat)
say "RESULT load-$records seconds=$(echo "$ready - $started" | bc) cpu_seconds=$cpu $(grep -E '^(VmRSS|VmHWM)' /proc/"$server"/status | tr -s ' \t' ' ' | sed 's/: /=/; s/ kB/kB/' | tr '\n' ' ')"
query='{"package": {"name": "cohttp-g7", "ecosystem": "opam"}, "version": "6.2.1"}'
say "# query answer on $records records: $(curl -fs -H 'Content-Type: application/json' -d "$query" "http://127.0.0.1:$osec_port/v1/query" | wc -c) bytes"
run "osec-query-$records" "http://127.0.0.1:$osec_port/v1/query" query
generated_id=$(unzip -Z1 "$work/generated.zip" | sed -n 1000p); generated_id=${generated_id%.json}
run "osec-vulns-$records" "http://127.0.0.1:$osec_port/v1/vulns/$generated_id"
say "RESULT after-$records $(grep -E '^(VmRSS|VmHWM)' /proc/"$server"/status | tr -s ' \t' ' ' | sed 's/: /=/; s/ kB/kB/' | tr '\n' ' ')"
stop_osec
grep -E "\"level\":\"(WARN|ERROR)\"" "$work/osec.log" >>"$out" || true
# The table: one row per wrk run, then the load of the generated database.
{
  echo "| run | requests/s | p50 ms | p90 ms | p99 ms | max ms | errors | non-2xx |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  grep '^RESULT .* rps=' "$out" | sed -E 's/^RESULT ([^ ]+) requests=[0-9]+ seconds=[0-9.]+ rps=([0-9]+) p50_ms=([0-9.]+) p90_ms=([0-9.]+) p99_ms=([0-9.]+) max_ms=([0-9.]+) errors=([0-9]+) non2xx=([0-9]+)/| \1 | \2 | \3 | \4 | \5 | \6 | \7 | \8 |/'
  echo
  grep -E '^RESULT (load|after)-' "$out" | sed 's/^RESULT /- /'
} >"${out%.txt}.table.md"
echo "raw results: $out; table: ${out%.txt}.table.md"
