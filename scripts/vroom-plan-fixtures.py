#!/usr/bin/env python3
"""Writes the plan-mode fixtures of data/vroom/plan/: problems built on
data/vroom/custom-matrix.json with fixed routes (`vehicles[].steps`, `options.c: true`), and
beside each `NAME.json` VROOM's own answer `NAME.expected.json` (pyvroom, pinned in
scripts/setup-python.sh, `Input.check`). Run it on purpose and review the diff.

usage: vroom-plan-fixtures.py
"""

import copy
import json
import tempfile
from pathlib import Path

import vroom

ROOT = Path(__file__).resolve().parent.parent
BASE = json.loads((ROOT / "data/vroom/custom-matrix.json").read_text())


def problem(steps7, steps8, tweak=None):
    p = copy.deepcopy(BASE)
    p["vehicles"][0]["breaks"] = [{"id": 1, "time_windows": [[300, 900]], "service": 120}]
    p["vehicles"][0]["time_window"] = [0, 4000]
    p["jobs"].append({"id": 6, "location_index": 5, "service": 30, "delivery": [1],
                      "skills": [2], "time_windows": [[100, 200], [1500, 2500]]})
    if steps7 is not None:
        p["vehicles"][0]["steps"] = steps7
    if steps8 is not None:
        p["vehicles"][1]["steps"] = steps8
    if tweak:
        tweak(p)
    p["options"] = {"c": True}
    return p


def j(i, **kw):
    return {"type": "job", "id": i, **kw}


CASES = {
    # Every constraint holds; job 3's window makes vehicle 8 leave late rather than wait.
    "feasible": problem(
        [{"type": "start"}, j(1), {"type": "break", "id": 1}, j(2), {"type": "end"}],
        [{"type": "start"}, {"type": "pickup", "id": 4}, j(3), {"type": "delivery", "id": 5},
         {"type": "end"}]),
    # Late and early service, a job without the skill, over capacity, a missing break,
    # a delivery before its pickup.
    "violations": problem(
        [j(4), j(1), j(2), j(6)],
        [{"type": "delivery", "id": 5}, {"type": "pickup", "id": 4}, j(3)],
        lambda p: (p["vehicles"][1].update({"max_tasks": 2, "breaks": [
            {"id": 9, "time_windows": [[0, 100]], "service": 60}]}),
            p["jobs"][2].update({"time_windows": [[0, 100]]}))),
    # Service bounds: job 1 exactly at 1000, job 2 no earlier than 2000, the end before 4000.
    "service-bounds": problem(
        [{"type": "start"}, j(1, service_at=1000), j(2, service_after=2000),
         {"type": "break", "id": 1}, {"type": "end", "service_before": 4000}],
        None),
    # Several windows: job 6 is served in its second window; limits on travel and distance.
    "windows-and-limits": problem(
        [j(6), j(3), {"type": "break", "id": 1}],
        [j(1), j(2)],
        lambda p: (p["vehicles"][0].update({"skills": [2], "max_travel_time": 900,
                                            "max_distance": 5000}),)),
    # Early service: job 6 exactly at 1000, 500 s before its second window (its first closed
    # long before), so the break is taken after its window; the end asked no earlier than 4300.
    "lead-time": problem(
        [{"type": "start"}, j(6, service_at=1000), j(1), {"type": "break", "id": 1},
         {"type": "end", "service_after": 4300}],
        None),
    # Custom costs: the routes cost their legs' costs plus the fixed costs.
    "custom-costs": problem(
        [{"type": "start"}, j(2), {"type": "pickup", "id": 4}, {"type": "delivery", "id": 5},
         j(4), {"type": "break", "id": 1}, {"type": "end"}],
        [j(3), j(1)],
        lambda p: p.update({"matrices": json.loads(
            (ROOT / "data/vroom/custom-costs.json").read_text())["matrices"],
            "vehicles": [dict(v, costs=c) for v, c in zip(
                p["vehicles"], [{"fixed": 500, "per_km": 50}, {"fixed": 100}])]})),
}


def main():
    out = ROOT / "data/vroom/plan"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, p in CASES.items():
            (out / f"{name}.json").write_text(json.dumps(p, indent=1) + "\n")
            plain = copy.deepcopy(p)
            del plain["options"]
            path = Path(tmp) / "p.json"
            path.write_text(json.dumps(plain))
            answer = vroom.Input.from_json(str(path)).check(nb_threads=1).to_dict()
            answer["summary"].pop("computing_times", None)
            (out / f"{name}.expected.json").write_text(json.dumps(answer, indent=1) + "\n")
            print(name, answer["summary"]["violations"])


if __name__ == "__main__":
    main()
