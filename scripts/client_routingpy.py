#!/usr/bin/env python3
"""Drives a running `vmeste serve` with routingpy's OSRM client, used unchanged.

Usage: client_routingpy.py BASE_URL PAIRS_CSV [OSRM_REFERENCE_CSV]

Checks directions and matrix answers against expectations that do not come from vmeste:
geometry ends near the requested points, encodings agree, matrix cells equal the route
answers, errors come back as routingpy's RouterApiError (HTTP 400), and route lengths are
close to OSRM's on the same pairs (the routing anchors' reference file). Prints one line per
check and a final `client: N passed, M failed`.
"""
import csv
import math
import sys

from routingpy import OSRM
from routingpy.exceptions import RouterApiError

base_url, pairs_csv = sys.argv[1], sys.argv[2]
reference_csv = sys.argv[3] if len(sys.argv) > 3 else None
client = OSRM(base_url=base_url, timeout=30, retry_over_query_limit=False)
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"{'ok  ' if ok else 'FAIL'} {name}" + (f": {detail}" if detail else ""))


def metres(a, b):
    """Haversine distance in metres between [lon, lat] points."""
    la1, la2 = math.radians(a[1]), math.radians(b[1])
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin(math.radians(b[0] - a[0]) / 2) ** 2
    return 2 * 6372797.56 * math.asin(min(1.0, math.sqrt(h)))


def run(name, fn):
    try:
        fn()
    except Exception as e:  # a client exception is a failed check, not a crash
        check(name, False, f"{type(e).__name__}: {e}")


with open(pairs_csv) as f:
    pairs = [(int(r["id"]), [float(r["src_lon"]), float(r["src_lat"])], [float(r["dst_lon"]), float(r["dst_lat"])]) for r in csv.DictReader(f)][:20]
a, b = pairs[0][1], pairs[0][2]
c, d = pairs[1][1], pairs[1][2]


def directions_basic():
    r = client.directions([a, b], profile="car")
    check("directions: positive duration and distance", r.duration > 0 and r.distance > 0, f"{r.duration} s, {r.distance} m")
    check("directions: geometry starts near the origin", metres(r.geometry[0], a) < 100, f"{metres(r.geometry[0], a):.1f} m")
    check("directions: geometry ends near the destination", metres(r.geometry[-1], b) < 100, f"{metres(r.geometry[-1], b):.1f} m")
    length = sum(metres(p, q) for p, q in zip(r.geometry, r.geometry[1:]))
    check("directions: full geometry length matches the distance", abs(length - r.distance) <= 0.05 * r.distance + 5, f"{length:.0f} vs {r.distance}")
    for fmt in ("polyline6", "geojson"):
        g = client.directions([a, b], profile="car", geometries=fmt, overview="full")
        check(f"directions: {fmt} gives the same route", g.duration == r.duration and metres(g.geometry[-1], r.geometry[-1]) < 1, f"{g.duration} vs {r.duration}")
    s = client.directions([a, b, c], profile="car", steps=True, annotations=True, geometries="geojson", overview="full")
    legs = s.raw["routes"][0]["legs"]
    check("directions: one leg per pair of waypoints", len(legs) == 2)
    kinds = [st["maneuver"]["type"] for st in legs[0]["steps"]]
    check("directions: steps depart ... arrive", kinds[0] == "depart" and kinds[-1] == "arrive", ",".join(kinds[:6]))
    ann = legs[0]["annotation"]
    check("directions: one annotation per segment", len(ann["duration"]) == len(ann["distance"]) > 0)


def directions_errors():
    try:
        client.directions([[7.5, 43.6], b], profile="car")
        check("error: a point in the sea is refused", False, "no exception")
    except RouterApiError as e:
        check("error: a point in the sea is refused", e.status == 400 and "NoSegment" in str(e.message), f"{e.status} {e.message}")
    try:
        client.directions([a, b], profile="car", radiuses=[-1, 5])
        check("error: a negative radius is refused", False, "no exception")
    except RouterApiError as e:
        check("error: a negative radius is refused", e.status == 400 and "InvalidOptions" in str(e.message), f"{e.status}")
    r = client.directions([a, b], profile="car", radiuses=[200, 200])
    check("directions: radiuses accepted", r.duration > 0)


def matrix():
    pts = [a, b, c, d]
    m = client.matrix(pts, profile="car")
    check("matrix: 4 x 4 durations", len(m.durations) == 4 and all(len(row) == 4 for row in m.durations))
    check("matrix: zero diagonal", all(m.durations[i][i] == 0 for i in range(4)))
    check("matrix: distances present", m.distances is not None and len(m.distances) == 4)
    worst = 0.0
    for i in range(4):
        for j in range(4):
            if i != j and m.durations[i][j] is not None:
                r = client.directions([pts[i], pts[j]], profile="car")
                worst = max(worst, abs(r.raw["routes"][0]["duration"] - m.durations[i][j]))
    check("matrix: cells equal route durations", worst < 0.11, f"worst difference {worst:.2f} s")
    sub = client.matrix(pts, profile="car", sources=[1, 3], destinations=[0])
    check("matrix: sources and destinations", len(sub.durations) == 2 and len(sub.durations[0]) == 1 and sub.durations[0][0] == m.durations[1][0])


def against_osrm():
    if not reference_csv:
        return
    with open(reference_csv) as f:
        ref = {int(r["id"]): r for r in csv.DictReader(f)}
    close, total = 0, 0
    for pid, src, dst in pairs:
        r = ref.get(pid)
        if r is None or r["code"] != "Ok":
            continue
        try:
            got = client.directions([src, dst], profile="car").raw["routes"][0]["distance"]
        except RouterApiError:
            continue
        total += 1
        close += abs(got - float(r["distance_m"])) <= 0.3 * float(r["distance_m"]) + 50
    check("routes within 30% of OSRM's length on the anchor pairs", total >= 10 and close >= 0.8 * total, f"{close}/{total}")


for name, fn in [("directions", directions_basic), ("errors", directions_errors), ("matrix", matrix), ("osrm", against_osrm)]:
    run(name, fn)
passed, failed = sum(results), len(results) - sum(results)
print(f"client: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
