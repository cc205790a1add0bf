#!/usr/bin/env bash
# The main job on the bundled default data: fetch the Monaco extract from PyPI, build vmeste in
# release, import the road graph for every profile and show what was built, then serve OSRM's
# HTTP API and the dispatch board (/v1, seeded with demo data; VMESTE_STORE, default
# data/dispatch.db) on them (VMESTE_LISTEN, default 127.0.0.1:5000) until Ctrl-C.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/fetch-data.sh
cargo build --release --quiet -p server
bin=target/release/vmeste
mkdir -p data/graphs
for profile in car bicycle foot; do
  out=data/graphs/monaco-$profile.vmg
  "$bin" import data/osm/monaco-2023-12-26.osm.pbf --profile "$profile" -o "$out"
  "$bin" info "$out"
done

bash scripts/setup-page.sh || echo "WARNING: the page's map library could not be installed (npm); the page works without the map" >&2

listen=${VMESTE_LISTEN:-127.0.0.1:5000}
store=${VMESTE_STORE:-data/dispatch.db}
"$bin" serve --listen "$listen" --store "$store" --seed-demo --admin-token-file data/admin.token \
  --page-dir server/page \
  --graph data/graphs/monaco-car.vmg --graph data/graphs/monaco-bicycle.vmg --graph data/graphs/monaco-foot.vmg &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server"' INT TERM
for _ in $(seq 300); do
  curl -sf "http://$listen/health" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "vmeste serve did not start" >&2; exit 1; }
  sleep 0.1
done
admin=$(cat data/admin.token)
hq=$(curl -sf -H "Authorization: Bearer $admin" "http://$listen/v1/hqs" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])' 2>/dev/null || echo 1)
coord=$("$bin" token create --store "$store" --role coordinator --hq "$hq" --label demo | tail -1)
req=$(curl -sf -H "Authorization: Bearer $coord" "http://$listen/v1/requests?status=new&urgency=urgent&limit=1" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])' 2>/dev/null || echo 1)
cat <<MSG

vmeste serves the dispatch board (/v1, store $store, seeded with a Monaco demo) and OSRM's API
on http://$listen (profiles car, bicycle, foot).
  admin token:        $admin   (also in data/admin.token)
  coordinator token:  $coord   (headquarters $hq)
Try:
  curl -H "Authorization: Bearer $coord" http://$listen/v1/requests
  curl -H "Authorization: Bearer $coord" "http://$listen/v1/requests/$req/candidates?k=3"
  curl -H "Authorization: Bearer $coord" "http://$listen/v1/coverage?res=9"
  curl -N -H "Authorization: Bearer $coord" http://$listen/v1/events
  curl -H "Authorization: Bearer $coord" -H 'Content-Type: application/json' \
    -d '{"hq": $hq, "kind": "groceries", "urgency": "urgent", "recipient": {"name": "Анна", "phone": "+377 600 000 999"}, "address": "Boulevard des Moulins 30"}' \
    http://$listen/v1/requests
  curl -H "Authorization: Bearer $coord" -H 'Content-Type: application/json' \
    -d '{"hq": $hq, "time_limit_s": 2}' http://$listen/v1/plans        # then POST /v1/plans/ID/commit
  curl -H "Authorization: Bearer $coord" "http://$listen/v1/places?q=Monaco"
  http://$listen/isochrone/v1/foot/7.415637,43.735767?contours_minutes=5,10,15
  http://$listen/route/v1/car/7.415637,43.735767;7.429717,43.743469?overview=full&geometries=geojson&steps=true
  http://$listen/table/v1/foot/7.415637,43.735767;7.422844,43.736876;7.414254,43.734398
  http://$listen/openapi.json   http://$listen/metrics   http://$listen/health
Ctrl-C stops it.

The dispatch page (signed in as the coordinator):
  http://$listen/#token=$coord
MSG
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && command -v xdg-open >/dev/null 2>&1; then
  xdg-open "http://$listen/#token=$coord" >/dev/null 2>&1 || true
fi
wait "$server"
