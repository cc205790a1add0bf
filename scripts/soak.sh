#!/usr/bin/env bash
# Bounded soak of `vmeste serve` on loopback:
#
#   scripts/soak.sh [SECONDS] [BURST_SECONDS]     (default 600 and 30)
#
# Imports Monaco's car, bicycle and foot graphs, serves them with an SQLite board in a
# temporary directory, and runs scripts/soak.py against it: SECONDS of mixed traffic at a
# fixed rate (VMESTE_SOAK_RATE requests/s, default 20: routes, tables, "who can go now?",
# plans, request writes, requests followed to done or cancelled so that about
# VMESTE_SOAK_OPEN stay open (default 40; -1 closes none), position reports), with live
# event-stream subscribers, /health
# every second and a bounded slowloris (100 connections sending their head one byte every
# 2 s); then BURST_SECONDS of unpaced traffic from 48 workers. Reports errors, p50/p99 per
# endpoint per minute, RSS and open file descriptors; fails when a request below saturation
# failed, a burst answer was other than success, 503 or 429, /health failed once, or RSS grew
# past 10 % of its level after warm-up. Uses the release binary (VMESTE_SOAK_PROFILE=debug
# for the debug one; VMESTE_SOAK_BIN=PATH for a given binary, e.g. to compare builds).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${1:-600}
burst=${2:-30}
profile=${VMESTE_SOAK_PROFILE:-release}
if [ -n "${VMESTE_SOAK_BIN:-}" ]; then
  bin=$VMESTE_SOAK_BIN
  profile=$(basename "$bin")
else
  if [ "$profile" = release ]; then
    cargo build --release --quiet -p server
  else
    cargo build --quiet -p server
  fi
  bin="${CARGO_TARGET_DIR:-$root/target}/$profile/vmeste"
fi
pbf=data/osm/monaco-2023-12-26.osm.pbf
[ -f "$pbf" ] || bash scripts/fetch-data.sh >&2
work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
graphs=()
for p in car bicycle foot; do
  "$bin" import "$pbf" --profile "$p" -o "$work/$p.vmg" >/dev/null
  graphs+=(--graph "$work/$p.vmg")
done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve "${graphs[@]}" --store "$work/board.db" --admin-token-file "$work/admin.token" \
  --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && [ -s "$work/admin.token" ] && break
  sleep 0.1
done
echo "vmeste serve ($profile) pid $server_pid on 127.0.0.1:$port; soak ${seconds} s then burst ${burst} s"
status=0
python3 scripts/soak.py --addr "127.0.0.1:$port" --token "$(cat "$work/admin.token")" --pid "$server_pid" \
  --seconds "$seconds" --burst "$burst" --rate "${VMESTE_SOAK_RATE:-20}" \
  --interval "$(( seconds >= 300 ? 60 : 10 ))" ${VMESTE_SOAK_JSON:+--json "$VMESTE_SOAK_JSON"} \
  --rss-bar "${VMESTE_SOAK_RSS_BAR:-enforce}" --open "${VMESTE_SOAK_OPEN:-40}" || status=$?
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "SOAK FAILED: the server died" >&2
  tail -20 "$work/server.log" >&2
  status=1
fi
exit $status
