#!/usr/bin/env bash
# The dispatch page's benchmark: a Porto board (one headquarters, 2,000 open requests and 500
# volunteers at reproducible random points, seeded through the public API) served by a release
# `vmeste serve`, measured in chromium (tests/browser/bench.mjs): time from navigation to the
# map and list interactive with everything drawn, and filter latency (list, then list and
# map), medians of BENCH_RUNS page loads (default 5). Prints one JSON object.
set -euo pipefail
source "$(dirname "$0")/page-lib.sh"
cd "$root"
pbf=""
for p in "$shared/osm/"porto*.osm.pbf; do [ -f "$p" ] && pbf="$p" && break; done
[ -n "$pbf" ] || { echo "bench-page: the Porto extract is in ../shared/data/osm only (or \$VMESTE_SHARED_DATA/osm)" >&2; exit 1; }

page_setup
page_build
page_import "$pbf" porto
page_serve porto --hub-label-entries 0
cd tests/browser
VMESTE_PAGE_URL="$page_url" VMESTE_ADMIN_TOKEN="$page_admin" node bench.mjs
