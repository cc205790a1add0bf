#!/usr/bin/env bash
# The dispatch board over HTTP on Porto: "who can go now?" (GET /v1/requests/{id}/candidates,
# k=10, wrk 8 connections) and position reports (POST /v1/volunteers/{id}/position, durable
# on SQLite, wrk 16 and 64 connections), RUNS times each, with the machine's load.
#
# usage: scripts/bench-board.sh WORKDIR PORT VMESTE [VMESTE...]
#   WORKDIR holds the Porto car graph (imported by the first binary when missing), the
#   volunteer and request lists and one store per run; each binary is measured in turn on a
#   fresh copy of the same board, so two builds compare back to back in one run.
# Env: RUNS (default 3), DURATION (default 10s), VOLUNTEERS (default 10000).
# Needs python3, curl and wrk (Debian packages) and ../shared (the extract and the points).
set -eu
dir=$1; port=$2; shift 2
runs=${RUNS:-3}; dur=${DURATION:-10s}; nvol=${VOLUNTEERS:-10000}
here=$(cd "$(dirname "$0")" && pwd)
shared=$(cd "$here/../../shared" && pwd)
points=$shared/anchors/routing/workloads/porto-2015-06-06-highways/points.csv
bins=()
for b in "$@"; do bins+=("$(realpath "$b")"); done
mkdir -p "$dir"; cd "$dir"
[ -e porto-car.vmg ] || "${bins[0]}" import "$shared/data/osm/porto-2015-06-06-highways.osm.pbf" \
  --profile car -o porto-car.vmg > import.log 2>&1
python3 "$here/bench-board-lists.py" "$points" "$nvol" .

url=http://127.0.0.1:$port
metric() { curl -s "$url/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
for bin in "${bins[@]}"; do
  name=$(basename "$(dirname "$bin")")-$(basename "$bin")
  rm -f b.db b.db-wal b.db-shm admin.token
  "$bin" serve --graph porto-car.vmg --store b.db --admin-token-file admin.token \
    --listen "127.0.0.1:$port" > "serve-$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 1200); do
    [ -s admin.token ] && curl -sf -o /dev/null "$url/health" && break
    sleep 0.1
  done
  token=$(cat admin.token)
  auth="Authorization: Bearer $token"
  curl -sf -o /dev/null -H "$auth" -H 'Content-Type: application/json' \
    -d '{"name": "Porto", "region": "PT-13", "location": [-8.61, 41.15]}' "$url/v1/hqs"
  "$bin" import-csv --store b.db --hq 1 --kind volunteers --graph porto-car.vmg vols.csv > /dev/null
  "$bin" import-csv --store b.db --hq 1 --kind requests --graph porto-car.vmg requests.csv > /dev/null
  curl -sf -o /dev/null -H "$auth" "$url$(head -1 paths.txt)"   # builds the live view
  sleep 1
  for r in $(seq "$runs"); do
    echo "$name candidates run$r load $(cut -d' ' -f1-3 /proc/loadavg)"
    wrk -t2 -c8 -d"$dur" --timeout 30s -H "$auth" -s "$shared/anchors/routing/wrk_paths.lua" \
      "$url" -- paths.txt | grep JSON | sed "s/^/$name candidates run$r /"
  done
  for c in 16 64; do
    for r in $(seq "$runs"); do
      b0=$(metric vmeste_position_batches_total); n0=$(metric vmeste_position_reports_total)
      echo "$name positions c$c run$r load $(cut -d' ' -f1-3 /proc/loadavg)"
      wrk -t2 -c"$c" -d"$dur" --timeout 30s -H "$auth" -s "$here/wrk_positions.lua" \
        "$url" -- positions.txt | grep JSON | sed "s/^/$name positions c$c run$r /"
      b1=$(metric vmeste_position_batches_total); n1=$(metric vmeste_position_reports_total)
      if [ -n "$b1" ] && [ "$b1" != "${b0:-}" ]; then
        echo "$name positions c$c run$r batches $((b1 - b0)) reports $((n1 - n0)) mean_batch $(( (n1 - n0) / (b1 - b0) )) max_batch_so_far $(metric vmeste_position_batch_max)"
      fi
    done
  done
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
done
