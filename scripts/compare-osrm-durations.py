#!/usr/bin/env python3
"""Route durations of an OSRM-API server against osrm-routed's reference answers.

usage: scripts/compare-osrm-durations.py PORT [WORKLOAD_DIR] [--base reference_osrm_CH_routes.csv]

Requests /route for every pair of the workload's pairs.csv (one keep-alive connection) and
compares each duration with the reference file's: the share of pairs answered by both whose
duration is within 5 % (and 1 %, 10 %) of the reference, the median ratio ours/reference,
and the pairs only one side answered. Pairs whose reference duration is under 30 s are left
out of the shares (snapping differences dominate there), as in the anchors' compare_routes.py.
"""
import argparse
import csv
import http.client
import json
import os
import statistics

ap = argparse.ArgumentParser()
ap.add_argument('port', type=int)
ap.add_argument('workload', nargs='?',
                default='../shared/anchors/routing/workloads/porto-2015-06-06-highways')
ap.add_argument('--base', default='reference_osrm_CH_routes.csv')
a = ap.parse_args()

ref = {}
for r in csv.DictReader(open(os.path.join(a.workload, a.base))):
    ok = r.get('code', 'Ok') == 'Ok' and r['duration_s'] != ''
    ref[r['id']] = float(r['duration_s']) if ok else None

conn = http.client.HTTPConnection('127.0.0.1', a.port)
ours = {}
for p in csv.DictReader(open(os.path.join(a.workload, 'pairs.csv'))):
    path = (f"/route/v1/driving/{p['src_lon']},{p['src_lat']};{p['dst_lon']},{p['dst_lat']}"
            "?overview=false")
    conn.request('GET', path)
    body = json.loads(conn.getresponse().read())
    ours[p['id']] = body['routes'][0]['duration'] if body.get('code') == 'Ok' else None

both = [k for k in ref if ref[k] is not None and ours.get(k) is not None]
long = [k for k in both if ref[k] >= 30]
ratios = [ours[k] / ref[k] for k in long]
share = lambda tol: sum(abs(r - 1) <= tol for r in ratios) / len(ratios)
print(f"pairs {len(ref)}, both answered {len(both)}, compared (reference >= 30 s) {len(long)}")
print(f"only reference {sum(1 for k in ref if ref[k] is not None and ours.get(k) is None)}, "
      f"only ours {sum(1 for k in ref if ref[k] is None and ours.get(k) is not None)}")
print(f"within 1 % {share(0.01):.1%}, within 5 % {share(0.05):.1%}, within 10 % {share(0.10):.1%}")
print(f"median ratio ours/reference {statistics.median(ratios):.4f}, "
      f"p10 {statistics.quantiles(ratios, n=10)[0]:.4f}, p90 {statistics.quantiles(ratios, n=10)[-1]:.4f}")
