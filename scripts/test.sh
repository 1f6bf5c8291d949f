#!/usr/bin/env bash
# The project's one test command (README and CI): installs what is missing, builds what the
# tests need, then runs every suite. On a fresh Debian machine it needs root (it installs Docker).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "dependencies"
if [ ! -x node_modules/.bin/vitest ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

step "docker engine"
bash scripts/docker-engine.sh

step "typecheck and bundle"
npx tsc -p tsconfig.json
npm run --silent build

step "images"
bash scripts/build-images.sh

step "tests"
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost
results=$(mktemp)
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@" || status=$?
# One plain closing line that any CI log reader understands. A skipped test is a check that did
# not run: it fails the command (a CI without root or mount would otherwise drop the real-mount
# and other-uid tests in silence), unless skips are allowed on purpose: K6_PERSIST_ALLOW_SKIPS=1,
# K6_PERSIST_E2E_REAL=1 (real k6 images: the stand-in-specific tests skip themselves), or a run
# narrowed by arguments (`-t NAME` skips every other test).
allow_skips=0
if [ "${K6_PERSIST_ALLOW_SKIPS:-}" = 1 ] || [ "${K6_PERSIST_E2E_REAL:-}" = 1 ] || [ "$#" -gt 0 ]; then allow_skips=1; fi
# shellcheck disable=SC2016 # JavaScript, not shell
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  if (skipped > 0) {
    for (const file of r.testResults) {
      for (const test of file.assertionResults) {
        if (!["passed", "failed"].includes(test.status)) console.log(`  skipped: ${file.name}: ${test.fullName}`);
      }
    }
    if (process.argv[2] !== "1") {
      console.log("Skipped tests fail the run: make them run here, or set K6_PERSIST_ALLOW_SKIPS=1 to accept them.");
      process.exit(3);
    }
  }
' "$results" "$allow_skips" || { [ "$status" -ne 0 ] || status=$?; }
rm -f "$results"
exit "$status"
