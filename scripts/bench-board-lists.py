#!/usr/bin/env python3
"""Lists for scripts/bench-board.sh: N car volunteers of headquarters 1 at the first N
points of a workload (vols.csv, on shift from an hour ago for a day), 200 requests at other
points (requests.csv), the candidates paths (paths.txt) and the position-report points
(positions.txt). Made-up names and phone numbers; same lists on every run.

usage: bench-board-lists.py POINTS_CSV N OUT_DIR
"""
import csv
import datetime as dt
import sys

points_csv, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(points_csv) as f:
    pts = [(r["lon"], r["lat"]) for r in csv.DictReader(f)]
now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
start = (now - dt.timedelta(hours=1)).isoformat()
end = (now + dt.timedelta(hours=24)).isoformat()
with open(f"{out}/vols.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["name", "phone", "mode", "lon", "lat", "shifts"])
    for i in range(n):
        lon, lat = pts[i % len(pts)]
        w.writerow([f"Volunteer {i}", f"+351 900 {i:06d}", "car", lon, lat, f"{start}/{end}"])
with open(f"{out}/requests.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["kind", "urgency", "recipient_name", "recipient_phone", "lon", "lat"])
    for i in range(200):
        lon, lat = pts[(i * 37 + 11) % len(pts)]
        w.writerow(["groceries", "normal", f"Recipient {i}", f"+351 910 {i:06d}", lon, lat])
with open(f"{out}/paths.txt", "w") as f:
    for i in range(1, 201):
        f.write(f"/v1/requests/{i}/candidates?k=10\n")
with open(f"{out}/positions.txt", "w") as f:
    f.write(f"{n}\n")
    for lon, lat in pts:
        f.write(f"{lon} {lat}\n")
