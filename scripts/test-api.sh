#!/usr/bin/env bash
# Property-based test of the /v1 API with schemathesis (PyPI, pinned; scripts/setup-python.sh):
# imports the Monaco extract, starts `vmeste serve` on a free port with an in-memory board and
# an admin token, adds demo records over HTTP, then lets schemathesis generate requests
# from /openapi.json for every /v1 operation (the SSE stream excepted: it never ends) with
# the checks not_a_server_error and response_schema_conformance. Bounded: a few examples per
# operation. Last line: `api: passed` or `api: failed`.
# VMESTE_BIN picks the binary (default: a release build).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "test-api: $*" >&2; echo "api: failed"; exit 1; }

pbf=""
for p in "${VMESTE_SHARED_DATA:-$root/../shared/data}/osm/monaco-2023-12-26.osm.pbf" "$root/data/osm/monaco-2023-12-26.osm.pbf"; do
  [ -f "$p" ] && pbf="$p" && break
done
[ -n "$pbf" ] || fail "monaco-2023-12-26.osm.pbf not found (run scripts/fetch-data.sh)"

py=$(bash scripts/setup-python.sh | tail -1) || fail "cannot install schemathesis"
venv=$(dirname "$(dirname "$py")")

bin=${VMESTE_BIN:-}
if [ -z "$bin" ]; then
  cargo build --release --quiet -p server
  bin="${CARGO_TARGET_DIR:-$root/target}/release/vmeste"
fi
for p in car foot; do
  "$bin" import "$pbf" --profile "$p" -o "$work/monaco-$p.vmg" >/dev/null
done

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
RUST_LOG=warn "$bin" serve --graph "$work/monaco-car.vmg" --graph "$work/monaco-foot.vmg" \
  --listen "127.0.0.1:$port" --store "$work/board.db" --admin-token-file "$work/admin.token" \
  --hub-label-entries 0 &
pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 300); do
  curl -sf "$base/health" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || fail "vmeste serve exited"
  sleep 0.1
done
token=$(cat "$work/admin.token")
auth="Authorization: Bearer $token"

# Demo records, so generated ids and filters meet real ones.
post() { curl -sf -X POST "$base$1" -H "$auth" -H 'Content-Type: application/json' -d "$2" >/dev/null || fail "seeding $1"; }
post /v1/hqs '{"name":"Monaco","region":"MC","location":[7.42,43.73],"timezone":"Europe/Monaco"}'
post /v1/volunteers '{"hq":1,"name":"Demo Volunteer","phone":"+377 600 000 001","mode":"foot","skills":["driver"],"position":[7.415637,43.735767]}'
post /v1/requests '{"hq":1,"kind":"groceries","urgency":"normal","recipient":{"name":"Demo Recipient","phone":"+377 600 000 002","address":"1 Rue Grimaldi"},"location":[7.422844,43.736876]}'
post /v1/requests/1/assign '{"volunteer":1}'

"$venv/bin/schemathesis" run "$base/openapi.json" \
  --header "$auth" \
  --include-path-regex '^/v1/' \
  --exclude-path '/v1/events' \
  --checks not_a_server_error,response_schema_conformance \
  --max-examples "${VMESTE_API_EXAMPLES:-25}" \
  --seed 20261204 \
  --workers 1 \
  --request-timeout 30 \
  --no-color \
  || fail "schemathesis found problems"
kill -0 "$pid" 2>/dev/null || fail "vmeste serve died during the run"
echo "api: passed"
