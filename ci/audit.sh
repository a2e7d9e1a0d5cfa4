#!/usr/bin/env bash
# The audit step of osec's CI integrations (action.yml, ci/osec.gitlab-ci.yml):
# `osec audit` as SARIF (for code scanning) and Markdown (for people), then the
# verdict. Exit 0 clean; 1 vulnerable, unless OSEC_FAIL_ON_FINDINGS=false; 2 when
# osec could not check (an error, or nothing to scan: never a silent all-clear).
#
# Environment: OSEC (the osec program, default osec), OSEC_PATH (default .),
# OSEC_SEVERITY_THRESHOLD (default none), OSEC_ARGS (more `osec audit` options,
# split on spaces), OSEC_SARIF (default osec.sarif), OSEC_MARKDOWN (default
# osec.md), OSEC_FAIL_ON_FINDINGS (default true). On GitHub, the exit code of
# the audit is also the step output `exit-code` and the Markdown goes to the job
# summary.
set -uo pipefail
osec=${OSEC:-osec}
path=${OSEC_PATH:-.}
threshold=${OSEC_SEVERITY_THRESHOLD:-none}
sarif=${OSEC_SARIF:-osec.sarif}
markdown=${OSEC_MARKDOWN:-osec.md}
read -r -a extra <<< "${OSEC_ARGS:-}"

"$osec" audit "$path" --format sarif --severity-threshold "$threshold" "${extra[@]}" > "$sarif"
code=$?
if [ "$code" -le 1 ]; then
  "$osec" audit "$path" --format markdown --severity-threshold "$threshold" "${extra[@]}" > "$markdown"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "exit-code=$code" >> "$GITHUB_OUTPUT"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$markdown" ]; then
  cat "$markdown" >> "$GITHUB_STEP_SUMMARY"
fi
case "$code" in
  0) echo "osec audit: no known vulnerability" ;;
  1)
    echo "osec audit: vulnerabilities found (see $markdown and $sarif)"
    if [ "${OSEC_FAIL_ON_FINDINGS:-true}" != "false" ]; then exit 1; fi ;;
  3) echo "osec audit: nothing to scan in $path (no switch, lock file or opam file)" >&2; exit 2 ;;
  *) echo "osec audit: could not check $path (exit $code)" >&2; exit 2 ;;
esac
