"""Compare two VRP solvers instance by instance on one benchmark set.

usage: python3 scripts/compare-vrp.py <vmeste bench vrp table> <anchor CSV>

The first file is the text table printed by `vmeste bench vrp` (one row per instance ending in
yes/no); the second is the CSV written by `../shared/anchors/vrp/summarize.py`. Prints the
instances at the best-known vehicle count, and the mean gaps on the instances where both
solvers use the best-known count or the same count, which is the fair way to compare distance
gaps under a vehicles-first objective.
"""
import csv, sys
vm_path, py_path = sys.argv[1], sys.argv[2]
vm = {}
for line in open(vm_path):
    f = line.split()
    if len(f) >= 8 and f[-1] in ("yes", "no") and f[0] != "instance":
        vm[f[0].lower()] = dict(veh=int(f[1]), dist=float(f[2]), bksv=int(f[3]), bks=float(f[4]))
py = {}
for r in csv.DictReader(open(py_path)):
    py[r["instance"].lower()] = dict(veh=int(r["vehicles"]), dist=float(r["distance"]), bksv=int(r["bks_vehicles"]), bks=float(r["bks_distance"]))
common = sorted(set(vm) & set(py))
gap = lambda d: 100 * (d["dist"] - d["bks"]) / d["bks"]
both = [i for i in common if vm[i]["veh"] == vm[i]["bksv"] and py[i]["veh"] == py[i]["bksv"]]
n = len(common)
print(f"instances {n}")
print(f"vmeste at BKS vehicles {sum(vm[i]['veh'] == vm[i]['bksv'] for i in common)}, PyVRP {sum(py[i]['veh'] == py[i]['bksv'] for i in common)}")
print(f"mean vehicles - BKS: vmeste {sum(vm[i]['veh'] - vm[i]['bksv'] for i in common) / n:.2f}, PyVRP {sum(py[i]['veh'] - py[i]['bksv'] for i in common) / n:.2f}")
print(f"mean gap over all: vmeste {sum(gap(vm[i]) for i in common) / n:.2f} %, PyVRP {sum(gap(py[i]) for i in common) / n:.2f} %")
if both:
    print(f"both at BKS vehicles: {len(both)} instances; mean gap vmeste {sum(gap(vm[i]) for i in both) / len(both):.2f} %, PyVRP {sum(gap(py[i]) for i in both) / len(both):.2f} %")
fewer = sum(vm[i]['veh'] < py[i]['veh'] for i in common); more = sum(vm[i]['veh'] > py[i]['veh'] for i in common)
same = [i for i in common if vm[i]['veh'] == py[i]['veh']]
print(f"vmeste fewer vehicles on {fewer}, more on {more}; same count on {len(same)}: mean gap vmeste {sum(gap(vm[i]) for i in same) / max(1, len(same)):.2f} %, PyVRP {sum(gap(py[i]) for i in same) / max(1, len(same)):.2f} %; vmeste shorter on {sum(vm[i]['dist'] < py[i]['dist'] - 1e-6 for i in same)}")
