#!/usr/bin/env python3
"""Route durations of vmeste against osrm-routed, route by route, with the cause of each gap.

usage: scripts/osrm-parity.py OURS_PORT [WORKLOAD_DIR] [--osrm PORT] [--pbf EXTRACT.osm.pbf]
                              [--worst 15] [--pairs N] [--base reference_osrm_CH_routes.csv]

OURS_PORT serves vmeste's OSRM API (`vmeste serve`), `--osrm PORT` an osrm-routed on the same
extract. Without `--osrm` only the workload's reference durations are compared (shares and
median ratio, no causes). Pairs whose OSRM duration is under 30 s are left out of the shares,
as in the anchors' compare_routes.py.

With `--osrm`, both answers carry `annotations=duration,nodes` and each route's gap is split:
- path: the share of OSRM's segments (consecutive OSM node pairs) that our route also uses;
  a route sharing under 95 % of them took a different path (turns, restrictions, access, or a
  speed elsewhere that made another path faster);
- junctions: OSRM's duration minus the sum of its segment annotations, i.e. the turn, U-turn,
  traffic-signal, stop and gate time OSRM adds at nodes; ours likewise (about 0: vmeste's
  node and junction delays are inside its edge times, so they show in the next part);
- speed: on the segments both routes use, OSRM's segment time minus ours.
The worst routes are listed with these parts and, for the segments whose times differ most,
the tags of their way (with `--pbf`, read by pyosmium).
"""
import argparse
import csv
import http.client
import json
import math
import os
import statistics

ap = argparse.ArgumentParser()
ap.add_argument('port', type=int)
ap.add_argument('workload', nargs='?',
                default='../shared/anchors/routing/workloads/porto-2015-06-06-highways')
ap.add_argument('--osrm', type=int, help='port of an osrm-routed on the same extract')
ap.add_argument('--pbf', help='the extract, to print the tags of the most different segments')
ap.add_argument('--base', default='reference_osrm_CH_routes.csv')
ap.add_argument('--worst', type=int, default=15)
ap.add_argument('--pairs', type=int, default=0, help='only the first N pairs (0: all)')
ap.add_argument('--json', help='write the per-route rows to this file')
a = ap.parse_args()

ANN = 'overview=false&annotations=duration,nodes'


class Server:
    """One keep-alive connection, opened again when the server closes it."""

    def __init__(self, port):
        self.port, self.conn = port, http.client.HTTPConnection('127.0.0.1', port)

    def get(self, path):
        for attempt in (0, 1):
            try:
                self.conn.request('GET', path)
                return json.loads(self.conn.getresponse().read())
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection('127.0.0.1', self.port)
                if attempt:
                    raise
        return None


def route(server, p):
    body = server.get(f"/route/v1/driving/{p['src_lon']},{p['src_lat']};"
                      f"{p['dst_lon']},{p['dst_lat']}?{ANN}")
    if body.get('code') != 'Ok':
        return None
    r = body['routes'][0]
    nodes, durs = [], []
    for leg in r['legs']:
        ann = leg.get('annotation') or {}
        nodes += ann.get('nodes', [])
        durs += ann.get('duration', [])
    snapped = [w['location'] for w in body['waypoints']]
    return {'duration': r['duration'], 'nodes': nodes, 'seg': durs, 'snapped': snapped}


def metres(p, q):
    """Approximate distance between two [lon, lat] points."""
    dx = (p[0] - q[0]) * 111_320 * math.cos(math.radians(p[1]))
    return math.hypot(dx, (p[1] - q[1]) * 110_540)


def segments(r):
    """(node, next node) -> duration of that segment in the route."""
    out = {}
    for i, d in enumerate(r['seg']):
        if i + 1 < len(r['nodes']):
            out[(r['nodes'][i], r['nodes'][i + 1])] = d
    return out


ref = {}
for row in csv.DictReader(open(os.path.join(a.workload, a.base))):
    ok = row.get('code', 'Ok') == 'Ok' and row['duration_s'] != ''
    ref[row['id']] = float(row['duration_s']) if ok else None
pairs = list(csv.DictReader(open(os.path.join(a.workload, 'pairs.csv'))))
if a.pairs:
    pairs = pairs[:a.pairs]

ours_conn = Server(a.port)
osrm_conn = Server(a.osrm) if a.osrm else None
rows = []
only_ref = only_ours = 0
for p in pairs:
    ours = route(ours_conn, p)
    if osrm_conn:
        theirs = route(osrm_conn, p)
        base = theirs['duration'] if theirs else None
    else:
        theirs, base = None, ref.get(p['id'])
    if base is None or ours is None:
        only_ref += base is not None and ours is None
        only_ours += base is None and ours is not None
        continue
    row = {'id': p['id'], 'osrm': base, 'ours': ours['duration']}
    if theirs:
        so, st = segments(ours), segments(theirs)
        common = [k for k in st if k in so]
        row['path_shared'] = len(common) / len(st) if st else 1.0
        row['ours_extra'] = 1 - len(common) / len(so) if so else 0.0
        row['snap_m'] = max(metres(x, y) for x, y in zip(ours['snapped'], theirs['snapped']))
        row['junction_osrm'] = theirs['duration'] - sum(theirs['seg'])
        row['junction_ours'] = ours['duration'] - sum(ours['seg'])
        row['speed'] = sum(st[k] - so[k] for k in common)
        worst = sorted(common, key=lambda k: -abs(st[k] - so[k]))[:3]
        row['worst_segments'] = [(k[0], k[1], st[k], so[k]) for k in worst if st[k] != so[k]]
    rows.append(row)

long = [r for r in rows if r['osrm'] >= 30]
ratios = [r['ours'] / r['osrm'] for r in long]
share = lambda tol: sum(abs(x - 1) <= tol for x in ratios) / len(ratios)
q = statistics.quantiles(ratios, n=10)
print(f"pairs {len(pairs)}, both answered {len(rows)}, compared (OSRM >= 30 s) {len(long)}; "
      f"only OSRM {only_ref}, only ours {only_ours}")
print(f"within 1 % {share(0.01):.1%}, within 5 % {share(0.05):.1%}, within 10 % {share(0.10):.1%}")
print(f"median ratio ours/OSRM {statistics.median(ratios):.4f}, p10 {q[0]:.4f}, p90 {q[-1]:.4f}")

if osrm_conn:
    out = [r for r in long if abs(r['ours'] / r['osrm'] - 1) > 0.05]
    snap = [r for r in out if r['snap_m'] > 20]
    same = [r for r in out if r['snap_m'] <= 20 and r['path_shared'] >= 0.95
            and r['ours_extra'] <= 0.05]
    print(f"\noutside 5 %: {len(out)}; snapped elsewhere (> 20 m apart) {len(snap)}, same path "
          f"{len(same)}, different path {len(out) - len(same) - len(snap)}")
    for name, rs in (('all compared', long), ('outside 5 %', out), ('outside 5 %, same path', same)):
        if not rs:
            continue
        tot = sum(r['osrm'] - r['ours'] for r in rs)
        jo = sum(r['junction_osrm'] for r in rs)
        ju = sum(r['junction_ours'] for r in rs)
        sp = sum(r['speed'] for r in rs)
        print(f"{name:24} mean gap OSRM-ours {tot / len(rs):7.1f} s: junction time OSRM "
              f"{jo / len(rs):6.1f} s vs ours {ju / len(rs):5.1f} s, speed on shared segments "
              f"{sp / len(rs):6.1f} s")
    worst = sorted(long, key=lambda r: -abs(r['ours'] / r['osrm'] - 1))[:a.worst]
    tags = {}
    if a.pbf and worst:
        import osmium
        want = {(s[0], s[1]) for r in worst for s in r['worst_segments']}
        wanted_nodes = {n for pair in want for n in pair}

        class H(osmium.SimpleHandler):
            def way(self, w):
                refs = [n.ref for n in w.nodes]
                if not wanted_nodes.intersection(refs):
                    return
                for x, y in zip(refs, refs[1:]):
                    for k in ((x, y), (y, x)):
                        if k in want:
                            tags[k] = f"way {w.id} " + ' '.join(
                                f"{t.k}={t.v}" for t in w.tags
                                if t.k in ('highway', 'maxspeed', 'surface', 'tracktype',
                                           'smoothness', 'oneway', 'junction', 'access',
                                           'motor_vehicle', 'service', 'maxspeed:forward',
                                           'maxspeed:backward', 'route'))
        H().apply_file(a.pbf)
    print(f"\nworst {len(worst)} routes (ratio ours/OSRM; path = share of OSRM's segments we use)")
    for r in worst:
        print(f"  pair {r['id']:>5}: OSRM {r['osrm']:7.1f} s, ours {r['ours']:7.1f} s, ratio "
              f"{r['ours'] / r['osrm']:.3f}; path {r['path_shared']:.0%} (ours {r['ours_extra']:.0%} "
              f"other), snaps {r['snap_m']:.0f} m apart; junctions OSRM "
              f"{r['junction_osrm']:.1f} s / ours {r['junction_ours']:.1f} s; speed {r['speed']:+.1f} s")
        for x, y, t, o in r['worst_segments']:
            print(f"      segment {x}->{y}: OSRM {t:.1f} s, ours {o:.1f} s  {tags.get((x, y), '')}")
if a.json:
    json.dump(rows, open(a.json, 'w'))
