"""Sequential /route latency and maneuver counts against a running OSRM-API server.

usage: python3 scripts/route-steps.py PORT QUERY [PAIRS_CSV] [COUNT]

Sends one /route/v1/car request per origin-destination pair (the first COUNT rows, default
300, of PAIRS_CSV, default the Porto workload in ../shared/anchors/routing/workloads), one at a
time, with QUERY as the query string (e.g. `steps=true&overview=false`), parses every body, and
prints the mean time per route, the steps per route and, when steps were asked for, how many
steps of each maneuver type there were (and how many carry an `exit`).
"""
import collections
import csv
import json
import pathlib
import sys
import time
import urllib.request

port, query = sys.argv[1], sys.argv[2]
default = pathlib.Path(__file__).resolve().parents[2] / "shared/anchors/routing/workloads/porto-2015-06-06-highways/pairs.csv"
pairs_csv = sys.argv[3] if len(sys.argv) > 3 else str(default)
count = int(sys.argv[4]) if len(sys.argv) > 4 else 300
pairs = list(csv.DictReader(open(pairs_csv)))[:count]
kinds, exits = collections.Counter(), collections.Counter()
ok = steps = 0
start = time.perf_counter()
for p in pairs:
    url = f"http://127.0.0.1:{port}/route/v1/car/{p['src_lon']},{p['src_lat']};{p['dst_lon']},{p['dst_lat']}?{query}"
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            body = json.load(r)
    except Exception:  # NoRoute and friends: counted as not routed
        continue
    ok += 1
    for leg in body["routes"][0]["legs"]:
        for s in leg.get("steps", []):
            steps += 1
            kinds[s["maneuver"]["type"]] += 1
            if "exit" in s["maneuver"]:
                exits[s["maneuver"]["type"]] += 1
took = time.perf_counter() - start
print(f"port {port} {query}: {ok} of {len(pairs)} routed in {took:.2f} s, "
      f"{1000 * took / len(pairs):.1f} ms/route, {steps / max(ok, 1):.1f} steps/route")
if kinds:
    print("maneuver types:", dict(kinds.most_common()))
    print("with exit:", dict(exits))
