#!/usr/bin/env bash
# Benchmarks one OSRM-API server: start-up time, RSS, /table 100x100 and 1000x1000 (3 runs
# each) and /route throughput and latency under wrk (8 connections, 10 s).
#
# usage: scripts/bench-http.sh NAME PORT WORKDIR -- server command...
# WORKDIR holds route_paths.txt (one /route path per line), table100.txt and table1000.txt
# (one /table path each), built from ../shared/anchors/routing/workloads/<extract>/ as
# BENCHMARKS.md says. Needs curl, bc and wrk (Debian packages).
# With WAIT_HUB_LABELS=1 the measurements start once the server's /health lists a profile
# with hub labels (vmeste builds them on a background thread after start-up).
set -u
name=$1; port=$2; dir=$3; shift 4
lua=$(cd "$(dirname "$0")/../../shared/anchors/routing" && pwd)/wrk_paths.lua
cd "$dir"
start=$(date +%s.%N)
"$@" > "$name.log" 2>&1 &
pid=$!
for _ in $(seq 3000); do
  curl -sf -o /dev/null "http://127.0.0.1:$port$(head -1 route_paths.txt)" && break
  sleep 0.05
done
end=$(date +%s.%N)
echo "$name startup_s $(echo "$end - $start" | bc)"
if [ "${WAIT_HUB_LABELS:-0}" = 1 ]; then
  ready=no
  for _ in $(seq 1200); do
    curl -sf "http://127.0.0.1:$port/health" | grep -q '"hub_labels":\["' && ready=yes && break
    sleep 0.05
  done
  if [ $ready = yes ]; then
    echo "$name hub_labels_ready_s $(echo "$(date +%s.%N) - $start" | bc)"
  else
    echo "$name hub_labels_ready_s none (not listed by /health after 60 s)"
  fi
fi
echo "$name rss_after_start_kB $(grep VmRSS /proc/$pid/status | awk '{print $2}')"
for n in 100 1000; do
  for r in 1 2 3; do
    curl -s -o /dev/null -w "$name table${n} run$r %{time_total} s\n" "http://127.0.0.1:$port$(cat table$n.txt)"
  done
done
wrk -t1 -c8 -d10s --timeout 30s -s "$lua" "http://127.0.0.1:$port" -- route_paths.txt | grep JSON | sed "s/^/$name wrk /"
echo "$name peak_rss_kB $(grep VmHWM /proc/$pid/status | awk '{print $2}')"
kill -TERM $pid
wait $pid 2>/dev/null
