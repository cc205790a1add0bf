#!/usr/bin/env python3
"""vmeste's /optimize against VROOM fed by osrm-routed's matrices, on the same points.

For each size (JOBSxVEHICLES) and run, jobs and depots are drawn from a points file (the routing
anchors' `points.csv`: id,lon,lat). Each side gets the same problem in VROOM's coordinate form
(one delivery and 120 s of service per job; start = end = the vehicle's depot; capacities share
the jobs with some room) and the same search budget, one thread:

- vmeste: one `POST /optimize` to `vmeste serve` (matrices on its own graph, in process);
- VROOM: `GET /table` from `osrm-routed` (durations and distances), then pyvroom on those
  matrices (exploration level 5), as a VROOM deployment with OSRM does. VROOM's time is the
  table request plus reading the problem and solving it; writing the problem file for it is
  not counted.

The time to an answer is wall time from the request to the parsed answer. Each side's cost is
its own (durations on its own roads); so that the two can be compared, every plan is also
re-costed on the other side's matrix (vmeste's from its OSRM-compatible `/table`).

usage: compare-vroom-osrm.py --vmeste BIN --graph G --osrm-routed BIN --osrm FILE.osrm
                             --points points.csv [--sizes 200x20,2000x100] [--runs 3]
                             [--budget 1] [--seed 1]
Needs pyvroom (`scripts/setup-python.sh`); osrm-routed from the `osrm-bindings` wheel and the
`.osrm` files from osrm-extract and osrm-contract (see BENCHMARKS.md).
"""
import argparse
import csv
import datetime
import json
import random
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import vroom


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, body=None, timeout=600):
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"{url[:60]}…: HTTP {e.code}: {e.read()[:300]!r}") from None


def wait_ready(url, proc, what):
    for _ in range(1200):
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited with {proc.returncode}")
        try:
            get(url, timeout=5)
            return
        except Exception:
            time.sleep(0.1)
    raise SystemExit(f"{what} did not answer {url}")


def table(base, coords, rows=None):
    """Durations and distances between all `coords`, asked `rows` sources at a time (all at
    once by default)."""
    path = ";".join(f"{lon:.6f},{lat:.6f}" for lon, lat in coords)
    rows = rows or len(coords)
    dur, dist = [], []
    for lo in range(0, len(coords), rows):
        src = ";".join(str(i) for i in range(lo, min(lo + rows, len(coords))))
        part = "" if rows >= len(coords) else f"&sources={src}"
        d = get(f"{base}/table/v1/driving/{path}?annotations=duration,distance{part}")
        if d.get("code") != "Ok":
            raise SystemExit(f"table failed: {d.get('code')} {d.get('message')}")
        dur += d["durations"]
        dist += d["distances"]
    return dur, dist


def joined(base, pool):
    """The points of `pool` that vmeste's graph joins by road both ways to the point nearest
    the pool's centre: each chunk of points is sent to vmeste's `/optimize` as the jobs of one
    vehicle based there, and the jobs it reports unreachable are dropped. vmeste places a
    point by a road island on that island and says so, where osrm-routed moves it onto the
    main network; such points (near the extract's cut, or in one-way pockets) would give the
    two sides different problems."""
    cx = sum(p[0] for p in pool) / len(pool)
    cy = sum(p[1] for p in pool) / len(pool)
    ref = list(min(pool, key=lambda p: (p[0] - cx) ** 2 + (p[1] - cy) ** 2))
    keep = []
    for lo in range(0, len(pool), 500):
        chunk = pool[lo:lo + 500]
        body = {"vehicles": [{"id": 0, "start": ref, "end": ref}],
                "jobs": [{"id": i, "location": list(p)} for i, p in enumerate(chunk)],
                "options": {"timeout": 0.01}}
        a = get(base + "/optimize", json.dumps(body).encode())
        bad = {u["id"] for u in a.get("unassigned", [])
               if u.get("reason", {}).get("code") == "unreachable"}
        keep += [p for i, p in enumerate(chunk) if i not in bad]
    return keep


def problem(coords, jobs, vehicles):
    cap = -(-jobs // vehicles) + 2
    vs = [{"id": v, "start": list(coords[v]), "end": list(coords[v]), "capacity": [cap]}
          for v in range(vehicles)]
    js = [{"id": j, "location": list(coords[vehicles + j]), "service": 120, "delivery": [1]}
          for j in range(jobs)]
    return {"vehicles": vs, "jobs": js}


def sequences(answer, vehicles):
    """Each route as location indexes (depot, jobs..., depot)."""
    out = []
    for r in answer.get("routes", []):
        seq = []
        for s in r["steps"]:
            if s["type"] in ("start", "end"):
                seq.append(r["vehicle"])
            elif s["type"] == "job":
                seq.append(vehicles + s["id"])
        out.append(seq)
    return out


def recost(seqs, durations):
    return round(sum(durations[a][b] for seq in seqs for a, b in zip(seq, seq[1:])))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vmeste", required=True)
    ap.add_argument("--graph", required=True)
    ap.add_argument("--osrm-routed", required=True)
    ap.add_argument("--osrm", required=True)
    ap.add_argument("--points", required=True)
    ap.add_argument("--sizes", default="200x20,2000x100")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--budget", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with open(args.points) as f:
        pool = [(float(r["lon"]), float(r["lat"])) for r in csv.DictReader(f)]
    pv, po = free_port(), free_port()
    vm = subprocess.Popen([args.vmeste, "serve", "--graph", args.graph, "--listen",
                           f"127.0.0.1:{pv}", "--store", "none"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    osrm = subprocess.Popen([args.osrm_routed, "--algorithm", "ch", "--max-table-size", "10000",
                             "-i", "127.0.0.1", "-p", str(po), args.osrm],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    vbase, obase = f"http://127.0.0.1:{pv}", f"http://127.0.0.1:{po}"
    probe = f"/route/v1/driving/{pool[0][0]},{pool[0][1]};{pool[1][0]},{pool[1][1]}"
    rows = []
    try:
        wait_ready(vbase + probe, vm, "vmeste serve")
        wait_ready(obase + probe, osrm, "osrm-routed")
        n = len(pool)
        pool = joined(vbase, pool)
        print(f"{len(pool)} of {n} points joined by road both ways to the centre on vmeste's graph")
        print(f"{'size':>9} {'run':>3} | {'vmeste s':>8} {'cost':>8} {'on OSRM':>8} {'unas':>4} | "
              f"{'table s':>7} {'VROOM s':>7} {'total s':>7} {'cost':>8} {'on vmeste':>9} {'unas':>4}")
        for size in args.sizes.split(","):
            jobs, vehicles = (int(x) for x in size.split("x"))
            for run in range(args.runs):
                rng = random.Random(args.seed * 1000 + run)
                coords = rng.sample(pool, jobs + vehicles)
                p = problem(coords, jobs, vehicles)
                # vmeste: coordinates in, one request.
                body = dict(p, options={"timeout": args.budget})
                t = time.monotonic()
                a = get(vbase + "/optimize", json.dumps(body).encode())
                vm_s = time.monotonic() - t
                if a.get("code") != 0:
                    raise SystemExit(f"vmeste /optimize: {a}")
                for u in a.get("unassigned", []):
                    print(f"  vmeste unassigned job {u.get('id')}: {json.dumps(u)[:200]}")
                # VROOM: matrices from osrm-routed, then the solve on them.
                t = time.monotonic()
                dur, dist = table(obase, coords)
                table_s = time.monotonic() - t
                mf = {"vehicles": [dict(v, start_index=v["id"], end_index=v["id"]) for v in p["vehicles"]],
                      "jobs": [dict(j, location_index=vehicles + j["id"]) for j in p["jobs"]],
                      "matrices": {"car": {
                          "durations": [[round(x) for x in row] for row in dur],
                          "distances": [[round(x) for x in row] for row in dist]}}}
                for v in mf["vehicles"]:
                    del v["start"], v["end"]
                for j in mf["jobs"]:
                    del j["location"]
                # Writing the problem file is this harness's work, not VROOM's: not timed.
                with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
                    json.dump(mf, f)
                t = time.monotonic()
                b = vroom.Input.from_json(f.name).solve(
                    exploration_level=5, nb_threads=1,
                    timeout=datetime.timedelta(seconds=args.budget)).to_dict()
                vr_s = time.monotonic() - t
                total_s = table_s + vr_s
                Path(f.name).unlink()
                vm_dur, _ = table(vbase, coords, rows=1000)
                vm_seq, vr_seq = sequences(a, vehicles), sequences(b, vehicles)
                row = (size, run, vm_s, a["summary"]["cost"], recost(vm_seq, dur),
                       a["summary"]["unassigned"], table_s, vr_s, total_s, b["summary"]["cost"],
                       recost(vr_seq, vm_dur), b["summary"]["unassigned"])
                rows.append(row)
                print(f"{row[0]:>9} {row[1]:>3} | {row[2]:8.2f} {row[3]:8} {row[4]:8} {row[5]:4} | "
                      f"{row[6]:7.2f} {row[7]:7.2f} {row[8]:7.2f} {row[9]:8} {row[10]:9} {row[11]:4}",
                      flush=True)
    finally:
        for proc in (vm, osrm):
            proc.terminate()
            proc.wait()
    for size in args.sizes.split(","):
        rs = [r for r in rows if r[0] == size]
        if not rs:
            continue
        med = lambda i: sorted(r[i] for r in rs)[len(rs) // 2]
        on_osrm = sum(r[4] / r[9] - 1 for r in rs) / len(rs) * 100
        on_vmeste = sum(r[3] / r[10] - 1 for r in rs) / len(rs) * 100
        print(f"summary {size}, {len(rs)} runs: time to an answer (median) vmeste {med(2):.2f} s, "
              f"VROOM+OSRM {med(8):.2f} s (table {med(6):.2f} s); vmeste's cost against VROOM's "
              f"(mean of the runs) {on_osrm:+.2f} % on OSRM's matrix, {on_vmeste:+.2f} % on vmeste's")

if __name__ == "__main__":
    main()
