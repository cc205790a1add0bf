#!/usr/bin/env python3
"""vmeste against VROOM (pyvroom, pinned in scripts/setup-python.sh) on generated problems.

Problems of 10 to 100 jobs on an OSM extract (with and without time windows, skills,
shipments, breaks, several vehicles) are generated from a fixed seed; vmeste computes their
matrices on the road graph (`vmeste solve --graph G --emit-matrices`), then VROOM and vmeste
solve the same matrix-form problem with the same time budget on one thread (`vmeste solve
--vroom` runs one). vmeste's answer
has been re-verified by its independent checker (an answer failing it is an error, code 1).
The run fails unless vmeste is no worse than VROOM (fewer unassigned tasks, or as many at no
higher cost) on at least --min-share of the problems.

Each answer is also checked by the other solver, through VROOM's `vehicles[].steps`:
VROOM's plan mode (`check`) must find no violation in vmeste's routes (VROOM's own
semantics of time windows, breaks, loads and shifts), and vmeste must accept VROOM's routes
as its starting routes and, with no search time, answer them at VROOM's cost or better.

Every third problem is also solved with a custom cost matrix (`matrices.car.costs`, a
tenth of the distance) and a fixed cost per vehicle: the objective is then those costs while
durations drive the schedule; then once more with a `max_distance` on every vehicle (on the
road distances, which the costs are not) and an explicit `per_hour` of 3600 and a `per_km`
(which VROOM ignores on custom costs). These variants get every check below, and their share
of answers no worse than VROOM's is reported on its own line, outside the required share
(which is over the problems of the kinds above, as before).

Plan mode (`options.c`): vmeste's routes, and the same routes scrambled (task order reversed,
one task moved to another vehicle, breaks dropped), are scheduled by both VROOM (`check`)
and vmeste; every step's arrival, waiting time, travel duration, load and violations must be
the same, and so must each route's violations. The run fails on any difference in a plan
VROOM finds feasible; in scrambled plans, timing violations may split differently between
lead time and delay where the two cost the same, so those are compared by their total and
the share of identical answers is reported.

usage: compare-vroom.py --vmeste BIN --graph G [--count 30] [--budget 1] [--seed 1] [--keep DIR]
"""

import argparse
import datetime
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import vroom

# Monaco's bounding box (lon, lat).
BBOX = (7.4090, 43.7250, 7.4390, 43.7500)


def run(cmd, stdin=None):
    out = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))}: {out.stdout[-500:]} {out.stderr[-500:]}")
    return json.loads(out.stdout)


def emit(args, problem, tmp):
    path = Path(tmp) / "coords.json"
    path.write_text(json.dumps(problem))
    return run([args.vmeste, "solve", "--graph", args.graph, "--emit-matrices", path])


def pool(args, rng, tmp):
    """Points whose every pair is joined by road (all through point 0 and back)."""
    pts = []
    seen = set()
    while len(pts) < 400:
        p = [round(rng.uniform(BBOX[0], BBOX[2]), 5), round(rng.uniform(BBOX[1], BBOX[3]), 5)]
        if tuple(p) not in seen:
            seen.add(tuple(p))
            pts.append(p)
    problem = {"vehicles": [{"id": 0, "start": pts[0]}],
               "jobs": [{"id": i, "location": p} for i, p in enumerate(pts)]}
    m = emit(args, problem, tmp)["matrices"]["car"]["durations"]
    index = [j["location_index"] for j in emit(args, problem, tmp)["jobs"]]
    big = 4294967295
    return [p for p, i in zip(pts, index) if m[index[0]][i] != big and m[i][index[0]] != big]


def generate(k, rng, pts):
    n = rng.randint(10, 100)
    kind = k % 5  # 0 plain, 1 windows, 2 skills, 3 shipments, 4 breaks + windows
    nv = max(2, n // 12)
    depot = rng.choice(pts)
    chosen = rng.sample(pts, n)
    jobs = []
    for i, p in enumerate(chosen):
        j = {"id": i + 1, "location": p, "service": rng.choice([60, 120, 300]),
             "delivery": [rng.randint(1, 3)]}
        if kind in (1, 4) and rng.random() < 0.6:
            a = rng.randint(0, 6) * 1800
            j["time_windows"] = [[a, a + 3600]]
        if kind == 2 and rng.random() < 0.3:
            j["skills"] = [rng.choice([1, 2])]
        jobs.append(j)
    shipments = []
    if kind == 3:
        for s in range(n // 4):
            a, b = rng.sample(pts, 2)
            shipments.append({"pickup": {"id": 1000 + s, "location": a, "service": 60},
                              "delivery": {"id": 1000 + s, "location": b, "service": 60},
                              "amount": [1]})
    cap = max(4, (sum(j["delivery"][0] for j in jobs) + len(shipments)) // nv + 4)
    vehicles = []
    for v in range(nv):
        veh = {"id": v + 1, "start": depot, "end": depot, "capacity": [cap],
               "time_window": [0, 6 * 3600 if kind in (1, 4) else 24 * 3600]}
        if kind == 2:
            veh["skills"] = [1 + v % 2]
        if kind == 4:
            veh["breaks"] = [{"id": 1, "time_windows": [[5400, 9000]], "service": 900}]
        vehicles.append(veh)
    return {"vehicles": vehicles, "jobs": jobs, "shipments": shipments}, kind, n


def steps_of(solution):
    """Each vehicle's route in an answer as VROOM input steps."""
    return {r["vehicle"]: [{"type": s["type"], **({"id": s["id"]} if "id" in s else {})}
                           for s in r["steps"]]
            for r in solution["routes"]}


def with_steps(problem, path, solution):
    p = json.loads(json.dumps(problem))
    routes = steps_of(solution)
    for v in p["vehicles"]:
        if v["id"] in routes:
            v["steps"] = routes[v["id"]]
    path.write_text(json.dumps(p))
    return path


def cross_check(args, matrix_form, vr, vm, tmp):
    """Problems found when each solver checks the other's answer (empty when none)."""
    found = []
    path = with_steps(matrix_form, Path(tmp) / "vmeste-steps.json", vm)
    try:
        checked = vroom.Input.from_json(str(path)).check(nb_threads=1).to_dict()
        violations = checked["summary"].get("violations", [])
        if violations:
            found.append(f"VROOM's plan mode finds violations in vmeste's routes: {violations}")
    except Exception as e:  # pyvroom raises its own exception types
        found.append(f"VROOM refuses vmeste's routes: {e}")
    path = with_steps(matrix_form, Path(tmp) / "vroom-steps.json", vr)
    try:
        again = run([args.vmeste, "solve", "--vroom", path, "--time-limit", "0"])
        a = (vr["summary"]["unassigned"], vr["summary"]["cost"])
        b = (again["summary"]["unassigned"], again["summary"]["cost"])
        if b > a:
            found.append(f"from VROOM's routes vmeste answers {b}, VROOM {a}")
    except RuntimeError as e:
        found.append(f"vmeste refuses VROOM's routes: {e}")
    return found


def step_key(s):
    return (s["type"], s.get("id"), s["arrival"], s["waiting_time"], s["duration"],
            tuple(s["load"]),
            tuple(sorted((v["cause"], v.get("duration", -1)) for v in s["violations"])))


def timing_total(vs):
    return sum(v.get("duration", 0) for v in vs)


def other_causes(vs):
    return sorted(v["cause"] for v in vs if v["cause"] not in ("lead_time", "delay"))


def plan_differences(vr, vm):
    """(exact, close) differences between VROOM's and vmeste's plan-mode answers: exact lists
    every difference, close only those beyond a tie between lead time and delay."""
    exact, close = [], []
    if vr["summary"]["unassigned"] != vm["summary"]["unassigned"]:
        exact.append("unassigned")
        close.append("unassigned")
    mine = {r["vehicle"]: r for r in vm["routes"]}
    for r in vr["routes"]:
        m = mine.get(r["vehicle"])
        if m is None:
            exact.append(f"vehicle {r['vehicle']} missing")
            close.append(f"vehicle {r['vehicle']} missing")
            continue
        a = [step_key(s) for s in r["steps"]]
        b = [step_key(s) for s in m["steps"]]
        if a != b:
            exact.append(f"vehicle {r['vehicle']}: {a} != {b}")
        if r["cost"] != m["cost"]:
            exact.append(f"vehicle {r['vehicle']}: cost {r['cost']} != {m['cost']}")
        if (timing_total(r["violations"]) != timing_total(m["violations"])
                or other_causes(r["violations"]) != other_causes(m["violations"])
                or r["duration"] != m["duration"] or r["cost"] != m["cost"]):
            close.append(f"vehicle {r['vehicle']}: {r['violations']} != {m['violations']}")
    return exact, close


def scrambled(solution):
    """Each route's tasks reversed, one task moved to the next route, breaks dropped."""
    routes = {r["vehicle"]: [{"type": s["type"], "id": s["id"]} for s in r["steps"]
                             if s["type"] in ("job", "pickup", "delivery")]
              for r in solution["routes"]}
    vehicles = sorted(routes)
    for v in vehicles:
        routes[v].reverse()
    if len(vehicles) >= 2 and routes[vehicles[0]]:
        routes[vehicles[1]].insert(0, routes[vehicles[0]].pop())
    return {v: s for v, s in routes.items() if s}


def plan_mode(args, matrix_form, steps, tmp, name):
    """Both solvers' plan-mode answers on `steps` (vehicle id -> steps)."""
    p = json.loads(json.dumps(matrix_form))
    for v in p["vehicles"]:
        if v["id"] in steps:
            v["steps"] = steps[v["id"]]
    path = Path(tmp) / f"{name}.json"
    path.write_text(json.dumps(p))
    vr = vroom.Input.from_json(str(path)).check(nb_threads=1).to_dict()
    p["options"] = {"c": True}
    path.write_text(json.dumps(p))
    vm = run([args.vmeste, "solve", "--vroom", path])
    return vr, vm


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vmeste", required=True)
    ap.add_argument("--graph", required=True)
    ap.add_argument("--count", type=int, default=30)
    ap.add_argument("--budget", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--min-share", type=float, default=0.9)
    ap.add_argument("--keep", help="a folder to keep the matrix-form problems in")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    kinds = ["plain", "windows", "skills", "shipments", "breaks"]
    wins = 0
    cost_wins = [0, 0]
    failures = []
    plans = {"feasible": [0, 0], "scrambled": [0, 0, 0]}
    plan_seconds = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        pts = pool(args, rng, tmp)
        print(f"{len(pts)} points joined by road")
        print(f"{'#':>3} {'kind':15} {'jobs':>4} {'vroom':>14} {'vmeste':>14}  verdict")
        def compare(k, label, n, matrix_form):
            """Solves one problem with both, cross-checks and plan mode; True when vmeste's
            answer is no worse (None when vmeste failed)."""
            nonlocal plan_seconds
            path = Path(tmp) / f"p{k}-{label}.json"
            path.write_text(json.dumps(matrix_form))
            if args.keep:
                Path(args.keep).mkdir(parents=True, exist_ok=True)
                (Path(args.keep) / path.name).write_text(path.read_text())
            vr = vroom.Input.from_json(str(path)).solve(
                exploration_level=5, nb_threads=1,
                timeout=datetime.timedelta(seconds=args.budget)).to_dict()
            try:
                vm = run([args.vmeste, "solve", "--vroom", path, "--time-limit", str(args.budget)])
            except RuntimeError as e:
                failures.append(f"problem {k} {label}: {e}")
                print(f"{k:>3} {label:15} {n:>4} vmeste failed: {e}")
                return None
            for f in cross_check(args, matrix_form, vr, vm, tmp):
                failures.append(f"problem {k} {label}: {f}")
                print(f"{k:>3} {label:15} {n:>4} cross-check: {f}")
            plan_started = time.monotonic()
            try:
                a, b = plan_mode(args, matrix_form, steps_of(vm), tmp, "plan")
                exact, _ = plan_differences(a, b)
                plans["feasible"][0] += 1
                plans["feasible"][1] += not exact
                for f in exact:
                    failures.append(f"problem {k} {label}: plan mode on vmeste's routes: {f}")
                a, b = plan_mode(args, matrix_form, scrambled(vm), tmp, "scrambled")
                exact, close = plan_differences(a, b)
                plans["scrambled"][0] += 1
                plans["scrambled"][1] += not exact
                plans["scrambled"][2] += not close
                for f in close:
                    failures.append(f"problem {k} {label}: plan mode on scrambled routes: {f}")
            except (RuntimeError, ValueError) as e:
                failures.append(f"problem {k} {label}: plan mode: {e}")
            plan_seconds += time.monotonic() - plan_started
            a = (vr["summary"]["unassigned"], vr["summary"]["cost"])
            b = (vm["summary"]["unassigned"], vm["summary"]["cost"])
            ok = b <= a
            print(f"{k:>3} {label:15} {n:>4} {str(a):>14} {str(b):>14}  "
                  f"{'ok' if ok else 'worse'} ({(b[1] - a[1]) / max(a[1], 1) * 100:+.2f} %)")
            return ok

        for k in range(args.count):
            problem, kind, n = generate(k, rng, pts)
            matrix_form = emit(args, problem, tmp)
            wins += bool(compare(k, kinds[kind], n, matrix_form))
            if k % 3 == 2:
                # The same problem with a custom cost matrix (a tenth of the distance) and a
                # fixed cost per vehicle: durations still drive the schedule, costs are the
                # objective. Checked like the others, counted apart from the share.
                for m in matrix_form["matrices"].values():
                    m["costs"] = [[d // 10 for d in row] for row in m["distances"]]
                for v in matrix_form["vehicles"]:
                    v["costs"] = {"fixed": 300}
                cost_wins[0] += 1
                cost_wins[1] += bool(compare(k, kinds[kind] + "+costs", n, matrix_form))
                # And with a road-distance limit that binds (one and a half times the farthest
                # task from the first vehicle's start and back), per_km and per_hour 3600.
                d = next(iter(matrix_form["matrices"].values()))["distances"]
                v0 = matrix_form["vehicles"][0]
                s0 = v0.get("start_index", v0.get("end_index", 0))
                far = max(d[s0][i] + d[i][s0] for i in range(len(d)))
                for v in matrix_form["vehicles"]:
                    v["costs"] = {"fixed": 300, "per_hour": 3600, "per_km": 5}
                    v["max_distance"] = int(far * 1.5)
                cost_wins[0] += 1
                cost_wins[1] += bool(compare(k, kinds[kind] + "+limits", n, matrix_form))
    share = wins / args.count
    print(f"vmeste no worse than VROOM on {wins}/{args.count} ({share:.0%}); "
          f"required {args.min_share:.0%}")
    print(f"and, apart from that share, with custom cost matrices: no worse on "
          f"{cost_wins[1]}/{cost_wins[0]}")
    f, s = plans["feasible"], plans["scrambled"]
    print(f"plan mode: identical to VROOM on {f[1]}/{f[0]} feasible plans; on scrambled plans "
          f"{s[1]}/{s[0]} identical, {s[2]}/{s[0]} with the same violations and durations "
          f"({plan_seconds:.1f} s in plan mode)")
    for f in failures:
        print("FAILED:", f, file=sys.stderr)
    sys.exit(0 if share >= args.min_share and not failures else 1)


if __name__ == "__main__":
    main()
