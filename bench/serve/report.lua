-- wrk reporter: one machine-readable line after wrk's own report.
-- RESULT <label> requests=N seconds=S rps=R p50_ms=… p90_ms=… p99_ms=… max_ms=… errors=E non2xx=N
local label = os.getenv("LABEL") or "run"

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT %s requests=%d seconds=%.2f rps=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%d non2xx=%d\n",
    label, summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, errors, summary.errors.status))
end
