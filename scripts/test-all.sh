#!/usr/bin/env bash
# The whole test suite: typecheck, lint, unit and integration (Vitest), end-to-end
# (Playwright in Debian's Chromium). Every stage runs; the last line is the total.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
mkdir -p test-results
rm -f test-results/vitest.json test-results/e2e-report.json

passed=0; failed=0; failures=()
stage() { printf '\n\033[1m== %s ==\033[0m\n' "$1"; }
record() { # name, status
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$1"); fi
}

stage "typecheck"
npx tsc --noEmit -p .; record typecheck $?

stage "lint"
npx eslint --max-warnings=0 .; record lint $?

# The API contract and remote CLI tests start the built app: build first.
stage "build"
npx next build; build_status=$?; record build $build_status

stage "unit and integration tests"
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json
vitest_status=$?

e2e_status=1
if [ "$build_status" -eq 0 ]; then
  stage "end-to-end tests"
  npx playwright test; e2e_status=$?
fi

counts() { node -e '
  const fs = require("fs");
  let p = 0, f = 0;
  try { const v = JSON.parse(fs.readFileSync("test-results/vitest.json", "utf8")); p += v.numPassedTests; f += v.numFailedTests; } catch {}
  console.log(p, f);
  p = 0; f = 0;
  try { const e = JSON.parse(fs.readFileSync("test-results/e2e-report.json", "utf8")); p += e.stats.expected; f += e.stats.unexpected + (e.stats.flaky || 0); } catch {}
  console.log(p, f);
'; }
read -r vp vf < <(counts | sed -n 1p)
read -r ep ef < <(counts | sed -n 2p)
# A runner that crashed before reporting counts as one failure.
if [ "$vitest_status" -ne 0 ] && [ "${vf:-0}" -eq 0 ]; then vf=1; failures+=("vitest run"); fi
if [ "$e2e_status" -ne 0 ] && [ "${ef:-0}" -eq 0 ]; then ef=1; failures+=("playwright run"); fi
[ "${vf:-0}" -gt 0 ] && failures+=("vitest: $vf failed")
[ "${ef:-0}" -gt 0 ] && failures+=("e2e: $ef failed")
passed=$((passed + ${vp:-0} + ${ep:-0})); failed=$((failed + ${vf:-0} + ${ef:-0}))

echo
echo "typecheck, lint, build: checks; vitest: ${vp:-0} passed, ${vf:-0} failed; e2e: ${ep:-0} passed, ${ef:-0} failed"
[ ${#failures[@]} -gt 0 ] && printf 'failed: %s\n' "${failures[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
