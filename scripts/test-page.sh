#!/usr/bin/env bash
# The dispatch page in a real browser: Debian's chromium driven by Playwright (tests/browser/,
# node --test) against `vmeste serve` on the seeded Monaco board. Installs what is missing
# (chromium, the pinned npm packages), saves screenshots of the main views to
# target/page-screenshots/. Last line: `page: N passed, M failed`.
set -euo pipefail
source "$(dirname "$0")/page-lib.sh"
cd "$root"
shots="$root/target/page-screenshots"
fail() { echo "test-page: $*" >&2; echo "page: 0 passed, 1 failed"; exit 1; }

page_setup || fail "chromium or the npm packages could not be installed"
page_build
page_import "$(page_monaco)" monaco || fail "the Monaco extract could not be imported"
page_serve monaco --seed-demo || fail "vmeste serve did not start"
coordinator=$(page_token coordinator)
operator=$(page_token operator)

set +e
(cd tests/browser && VMESTE_PAGE_URL="$page_url" VMESTE_COORDINATOR_TOKEN="$coordinator" \
  VMESTE_OPERATOR_TOKEN="$operator" VMESTE_SCREENSHOTS="$shots" \
  node --test --test-concurrency=1 --test-reporter=spec page.test.mjs units.test.mjs) 2>&1 | tee "$page_work/out.txt"
status=${PIPESTATUS[0]}
set -e
passed=$(sed -nE 's/^ℹ pass ([0-9]+)$/\1/p' "$page_work/out.txt" | tail -1)
failed=$(sed -nE 's/^ℹ fail ([0-9]+)$/\1/p' "$page_work/out.txt" | tail -1)
passed=${passed:-0}; failed=${failed:-0}
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "screenshots: $shots"
echo "page: $passed passed, $failed failed"
[ "$status" -eq 0 ]
