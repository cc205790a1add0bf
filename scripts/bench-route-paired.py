#!/usr/bin/env python3
"""Paired /route latency of two OSRM-API servers (or two option sets on one server).

usage: scripts/bench-route-paired.py PORT_X PORT_Y [WORKLOAD_DIR]

Each route is requested from X then from Y (the order alternates), one keep-alive connection
per server, so both see the same machine load; prints the p50 of each and the median of the
per-route ratios Y/X. Routes: the first 2,000 pairs of the workload's pairs.csv (2 points)
and 1,000 four-point routes over consecutive points of points.csv (start at every other
point). Three comparisons: 2 points X (default options) vs Y with continue_straight=false;
4 points the same; 4 points on Y, continue_straight=false vs true.
"""
import csv
import http.client
import statistics
import sys
import time

W = sys.argv[3] if len(sys.argv) > 3 else \
    '../shared/anchors/routing/workloads/porto-2015-06-06-highways'
pairs = list(csv.DictReader(open(f'{W}/pairs.csv')))[:2000]
pts = list(csv.DictReader(open(f'{W}/points.csv')))
two = [f"{p['src_lon']},{p['src_lat']};{p['dst_lon']},{p['dst_lat']}" for p in pairs]
four = [';'.join(f"{q['lon']},{q['lat']}" for q in pts[i:i + 4]) for i in range(0, 2000, 2)]


def timed(conn, path):
    t = time.perf_counter()
    conn.request('GET', path)
    r = conn.getresponse()
    r.read()
    return (time.perf_counter() - t) * 1000, r.status


def paired(label, px, py, paths, qx, qy):
    cx = http.client.HTTPConnection('127.0.0.1', px)
    cy = http.client.HTTPConnection('127.0.0.1', py)
    lx, ly, ratios = [], [], []
    for i, p in enumerate(paths):
        a = f"/route/v1/driving/{p}?overview=false{qx}"
        b = f"/route/v1/driving/{p}?overview=false{qy}"
        if i % 2:
            (ty, sy), (tx, sx) = timed(cy, b), timed(cx, a)
        else:
            (tx, sx), (ty, sy) = timed(cx, a), timed(cy, b)
        if sx == 200 and sy == 200:
            lx.append(tx)
            ly.append(ty)
            ratios.append(ty / tx)
    print(f"{label}: p50 {statistics.median(lx):.3f} ms vs {statistics.median(ly):.3f} ms, "
          f"median paired ratio {statistics.median(ratios):.3f} ({len(ratios)} routes)")


x, y = int(sys.argv[1]), int(sys.argv[2])
paired("2 points, X vs Y continue_straight=false", x, y, two, "", "&continue_straight=false")
paired("4 points, X vs Y continue_straight=false", x, y, four, "", "&continue_straight=false")
paired("4 points, Y: continue_straight=false vs true", y, y, four,
       "&continue_straight=false", "&continue_straight=true")
