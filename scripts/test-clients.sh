#!/usr/bin/env bash
# An existing OSRM client, used unchanged, against vmeste: installs routingpy from PyPI into a
# venv under target/, imports the Monaco extract, starts `vmeste serve` on a free port, runs
# scripts/client_routingpy.py, stops the server. Last line: `client: N passed, M failed`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
venv="$root/target/clients-venv"
work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "test-clients: $*" >&2; echo "client: 0 passed, 1 failed"; exit 1; }

pbf=""
for p in "$root/../shared/data/osm/monaco-2023-12-26.osm.pbf" "$root/data/osm/monaco-2023-12-26.osm.pbf"; do
  [ -f "$p" ] && pbf="$p" && break
done
[ -n "$pbf" ] || fail "monaco-2023-12-26.osm.pbf not found (run scripts/fetch-data.sh)"

if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv" || fail "cannot create a venv"; fi
"$venv/bin/pip" install --quiet --disable-pip-version-check "routingpy==1.3.0" || fail "cannot install routingpy from PyPI"

cargo build --release --quiet -p server
bin="${CARGO_TARGET_DIR:-$root/target}/release/vmeste"
"$bin" import "$pbf" --profile car -o "$work/monaco-car.vmg" >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
RUST_LOG=warn "$bin" serve --graph "$work/monaco-car.vmg" --listen "127.0.0.1:$port" &
pid=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || fail "vmeste serve exited"
  sleep 0.1
done

workload="$root/../shared/anchors/routing/workloads/monaco-2023-12-26"
pairs="$workload/pairs.csv"
reference="$workload/reference_osrm_CH_routes.csv"
if [ ! -f "$pairs" ]; then
  # Without the anchors, a small fixed list of Monaco pairs (no OSRM comparison).
  pairs="$work/pairs.csv"; reference=""
  printf 'id,src_lon,src_lat,dst_lon,dst_lat\n0,7.415637,43.735767,7.422844,43.736876\n1,7.414254,43.734398,7.429717,43.743469\n' > "$pairs"
fi
"$venv/bin/python" scripts/client_routingpy.py "http://127.0.0.1:$port" "$pairs" $reference

# Turn-by-turn text from the same server with osrm-text-instructions (npm), used unchanged.
# Node.js and npm come with the machine; without them (only possible outside CI) the check
# is skipped loudly, and under VMESTE_REQUIRE_DATA=1 (CI) their absence is a failure.
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  if [ "${VMESTE_REQUIRE_DATA:-0}" = 1 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test-clients: installing nodejs and npm (Debian packages)" >&2
    { apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; } \
      || fail "node/npm are missing and could not be installed"
  fi
fi
if command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1; then
  npm_dir="$root/target/clients-npm"
  mkdir -p "$npm_dir"
  npm install --silent --no-audit --no-fund --prefix "$npm_dir" "osrm-text-instructions@0.15.0" \
    || fail "cannot install osrm-text-instructions from npm"
  NODE_PATH="$npm_dir/node_modules" node scripts/client_osrm_text_instructions.js "http://127.0.0.1:$port" "$pairs"
elif [ "${VMESTE_REQUIRE_DATA:-0}" = 1 ]; then
  fail "node/npm not installed: the osrm-text-instructions check cannot run"
else
  echo "test-clients: SKIPPED the osrm-text-instructions check: node/npm not installed" >&2
fi
