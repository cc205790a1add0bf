#!/usr/bin/env python3
"""Bounded soak of a running `vmeste serve` on loopback (called by scripts/soak.sh).

Phase 1 (--seconds): mixed traffic at a fixed rate well under saturation: OSRM routes and
tables, "who can go now?" candidates, dispatch plans, request writes, requests followed to
their end (assigned, en route, done; or cancelled) once more than --open are open, position
reports, plus live event-stream (SSE) subscribers, /health polled every second, and a bounded slowloris
(connections that send their head one byte at a time). Errors must be 0.
Phase 2 (--burst): unpaced traffic from many workers, above saturation: every answer must be
a success or a clean 503/429 (no 5xx other than 503, no dropped connections).
RSS and open file descriptors of the server are sampled throughout.
Prints a report (and writes it as JSON with --json). Exit status 1 when a check fails.
"""

import argparse
import collections
import http.client
import json
import os
import random
import socket
import statistics
import sys
import threading
import time

ON_ROAD = [[7.415637, 43.735767], [7.422844, 43.736876], [7.414254, 43.734398],
           [7.4163, 43.7336], [7.4226, 43.7384], [7.4200, 43.7310]]


class Client:
    def __init__(self, host, port, token, timeout=30):
        self.host, self.port, self.token, self.timeout = host, port, token, timeout
        self.conn = None

    def call(self, method, path, body=None):
        """(status, parsed JSON or None); status 0 when the connection failed."""
        for attempt in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                headers = {"Authorization": f"Bearer {self.token}"}
                data = None
                if body is not None:
                    data = json.dumps(body).encode()
                    headers["Content-Type"] = "application/json"
                self.conn.request(method, path, body=data, headers=headers)
                r = self.conn.getresponse()
                raw = r.read()
                try:
                    v = json.loads(raw) if raw else None
                except ValueError:
                    v = None
                return r.status, v
            except (OSError, http.client.HTTPException):
                self.conn = None
                if attempt == 1:
                    return 0, None
        return 0, None


def proc_stats(pid):
    rss = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) * 1024
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return rss, fds


def pct(xs, p):
    if not xs:
        return None
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


class Recorder:
    def __init__(self, interval):
        self.lock = threading.Lock()
        self.t0 = time.monotonic()
        self.interval = interval
        self.samples = []  # (t, endpoint, status, seconds)

    def add(self, endpoint, status, seconds):
        with self.lock:
            self.samples.append((time.monotonic() - self.t0, endpoint, status, seconds))


def setup(c, volunteers=12, requests=20):
    s, v = c.call("POST", "/v1/hqs", {"name": "Soak HQ", "region": "MC", "location": ON_ROAD[0]})
    assert s == 201, (s, v)
    hq = v["id"]
    vols, reqs = [], []
    modes = ["foot", "bicycle", "car"]
    for i in range(volunteers):
        s, v = c.call("POST", "/v1/volunteers", {
            "hq": hq, "name": f"Volunteer {i}", "phone": f"+377 600 000 {i:03d}",
            "mode": modes[i % 3], "position": ON_ROAD[i % len(ON_ROAD)]})
        assert s == 201, (s, v)
        vols.append(v["id"])
    for i in range(requests):
        reqs.append(new_request(c, hq, i))
    return hq, vols, reqs


def new_request(c, hq, i):
    s, v = c.call("POST", "/v1/requests", {
        "hq": hq, "kind": "groceries", "urgency": "normal",
        "recipient": {"name": f"Recipient {i}", "phone": "+377 600 100 000"},
        "location": ON_ROAD[i % len(ON_ROAD)]})
    if s != 201:
        return None
    return v["id"]


def pick_coords(rng, n):
    pts = [[p[0] + rng.uniform(-0.002, 0.002), p[1] + rng.uniform(-0.001, 0.001)]
           for p in rng.sample(ON_ROAD, n)]
    return ";".join(f"{x:.6f},{y:.6f}" for x, y in pts)


class OpenRequests:
    """The requests the soak created and has not closed yet, oldest first, and the volunteers
    free to take one (a volunteer closes one request at a time, so assignments never meet
    their max_tasks)."""

    def __init__(self, keep, vols):
        self.keep = keep
        self.lock = threading.Lock()
        self.ids = collections.deque()
        self.free = list(vols)

    def add(self, rid):
        with self.lock:
            self.ids.append(rid)

    def take(self):
        """(request, volunteer) to close once more than `keep` are open, else None."""
        with self.lock:
            if len(self.ids) <= self.keep or not self.free:
                return None
            return self.ids.popleft(), self.free.pop()

    def give_back(self, volunteer):
        with self.lock:
            self.free.append(volunteer)


def make_ops(hq, vols, reqs, keep_open):
    """Weighted operations: name, weight, function(client, rng) -> status, or
    (endpoint, status) when the operation names what it did."""
    counter = {"n": 1000}
    opened = OpenRequests(keep_open, vols)

    def route(c, rng):
        return c.call("GET", f"/route/v1/car/{pick_coords(rng, 2)}?overview=full&steps=true")[0]

    def table(c, rng):
        return c.call("GET", f"/table/v1/foot/{pick_coords(rng, 5)}")[0]

    def candidates(c, rng):
        return c.call("GET", f"/v1/requests/{rng.choice(reqs)}/candidates")[0]

    def plan(c, rng):
        return c.call("POST", "/v1/plans", {"hq": hq, "time_limit_s": 0.2})[0]

    def write(c, rng):
        counter["n"] += 1
        s, v = c.call("POST", "/v1/requests", {
            "hq": hq, "kind": "medicines", "urgency": "normal",
            "recipient": {"name": f"Soak {counter['n']}", "phone": "+377 600 200 000"},
            "location": rng.choice(ON_ROAD)})
        if s == 201 and keep_open is not None:
            opened.add(v["id"])
        return s

    def close(c, rng):
        """Follows the oldest open request to its end, as a headquarters does: assigned,
        en route and done, or (one in four) cancelled; when no more than `keep_open` are
        open, lists the open requests instead."""
        picked = opened.take() if keep_open is not None else None
        if picked is None:
            return "request_list", c.call("GET", f"/v1/requests?hq={hq}&status=new&limit=50")[0]
        rid, vol = picked
        if rng.random() < 0.25:
            s = c.call("POST", f"/v1/requests/{rid}/cancel", {"reason": "soak: no longer needed"})[0]
            opened.give_back(vol)
            return "request_close", s
        for path, body in [("assign", {"volunteer": vol}), ("status", {"status": "en_route"}),
                           ("status", {"status": "done"})]:
            s = c.call("POST", f"/v1/requests/{rid}/{path}", body)[0]
            if not 200 <= s < 300:
                # Cut short (a 503 in the burst): the volunteer may still hold the request,
                # so they take no other.
                return "request_close", s
        opened.give_back(vol)
        return "request_close", s

    def position(c, rng):
        p = rng.choice(ON_ROAD)
        return c.call("POST", f"/v1/volunteers/{rng.choice(vols)}/position",
                      {"position": [p[0] + rng.uniform(-0.0005, 0.0005), p[1]]})[0]

    return [("route", 30, route), ("table", 20, table), ("candidates", 15, candidates),
            ("plan", 3, plan), ("request_write", 17, write), ("position", 15, position)] + (
                [("request_close", 17, close)] if keep_open is not None else [])


def paced_worker(host, port, token, ops, rate, stop, rec, seed):
    rng = random.Random(seed)
    c = Client(host, port, token)
    names = [o[0] for o in ops]
    weights = [o[1] for o in ops]
    fns = {o[0]: o[2] for o in ops}
    nxt = time.monotonic()
    while not stop.is_set():
        name = rng.choices(names, weights)[0]
        t = time.monotonic()
        s = fns[name](c, rng)
        if isinstance(s, tuple):
            name, s = s
        rec.add(name, s, time.monotonic() - t)
        nxt += rng.expovariate(rate)
        delay = nxt - time.monotonic()
        if delay > 0:
            stop.wait(delay)
        else:
            nxt = time.monotonic()


def health_poller(host, port, stop, rec):
    c = Client(host, port, "", timeout=5)
    while not stop.is_set():
        t = time.monotonic()
        s, _ = c.call("GET", "/health")
        rec.add("health", s, time.monotonic() - t)
        stop.wait(1.0)


def sse_subscriber(host, port, token, stop, counts, i):
    while not stop.is_set():
        try:
            s = socket.create_connection((host, port), timeout=5)
            s.sendall(f"GET /v1/events HTTP/1.1\r\nHost: soak\r\nAuthorization: Bearer {token}\r\n"
                      "Accept: text/event-stream\r\n\r\n".encode())
            s.settimeout(2)
            while not stop.is_set():
                try:
                    b = s.recv(65536)
                except socket.timeout:
                    continue
                if not b:
                    counts[i]["closed"] += 1
                    break
                counts[i]["bytes"] += len(b)
            s.close()
        except OSError:
            counts[i]["errors"] += 1
            stop.wait(1)


def slowloris(host, port, n, stop, result):
    """n connections each sending a request head one byte every 2 s; counts how many the
    server closed (a guard that times slow heads out) and how many were still open."""
    socks = []
    for _ in range(n):
        try:
            socks.append(socket.create_connection((host, port), timeout=5))
        except OSError:
            result["refused"] += 1
    head = b"GET /health HTTP/1.1\r\nHost: slow\r\nX-Slow: " + b"a" * 10_000
    pos = 0
    while not stop.is_set() and socks:
        for s in list(socks):
            try:
                s.sendall(head[pos:pos + 1])
            except OSError:
                socks.remove(s)
                result["closed_by_server"] += 1
        pos = (pos + 1) % len(head)
        stop.wait(2)
    result["open_at_end"] = len(socks)
    for s in socks:
        s.close()


def summarize(rec, start, end, interval):
    rows = []
    with rec.lock:
        samples = [x for x in rec.samples if start <= x[0] < end]
    t = start
    while t < end:
        part = [x for x in samples if t <= x[0] < t + interval]
        by = {}
        for _, ep, st, sec in part:
            by.setdefault(ep, []).append((st, sec))
        for ep, xs in sorted(by.items()):
            lat = [sec for _, sec in xs]
            rows.append({"from_s": round(t), "endpoint": ep, "count": len(xs),
                         "errors": sum(1 for st, _ in xs if not 200 <= st < 300),
                         "p50_ms": round(1000 * pct(lat, 50), 1), "p99_ms": round(1000 * pct(lat, 99), 1)})
        t += interval
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--burst", type=float, default=30)
    ap.add_argument("--rate", type=float, default=20, help="requests per second in phase 1")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--burst-workers", type=int, default=48)
    ap.add_argument("--sse", type=int, default=5)
    ap.add_argument("--slow", type=int, default=100)
    ap.add_argument("--interval", type=float, default=60)
    ap.add_argument("--open", type=int, default=40,
                    help="requests the soak keeps open: past this, it closes the oldest as fast as "
                         "it creates new ones (a day's steady state); -1: never closes any, so the "
                         "open requests and every plan over them grow through the run")
    ap.add_argument("--json")
    ap.add_argument("--rss-bar", choices=["enforce", "report"], default="enforce",
                    help="report: print the steady-phase RSS growth without failing on it")
    a = ap.parse_args()
    host, port = a.addr.rsplit(":", 1)
    port = int(port)
    c = Client(host, port, a.token)
    hq, vols, reqs = setup(c)
    ops = make_ops(hq, vols, reqs, a.open if a.open >= 0 else None)
    rec = Recorder(a.interval)
    stop_all = threading.Event()
    stop_steady = threading.Event()
    mem = []

    def sampler():
        while not stop_all.is_set():
            try:
                rss, fds = proc_stats(a.pid)
            except OSError:
                rss, fds = -1, -1
            mem.append((round(time.monotonic() - rec.t0, 1), rss, fds))
            stop_all.wait(5)

    threads = [threading.Thread(target=sampler, daemon=True),
               threading.Thread(target=health_poller, args=(host, port, stop_all, rec), daemon=True)]
    counts = [{"bytes": 0, "closed": 0, "errors": 0} for _ in range(a.sse)]
    threads += [threading.Thread(target=sse_subscriber, args=(host, port, a.token, stop_all, counts, i), daemon=True)
                for i in range(a.sse)]
    slow = {"refused": 0, "closed_by_server": 0, "open_at_end": 0}
    threads.append(threading.Thread(target=slowloris, args=(host, port, a.slow, stop_steady, slow), daemon=True))
    per = a.rate / a.workers
    threads += [threading.Thread(target=paced_worker,
                                 args=(host, port, a.token, ops, per, stop_steady, rec, 17 + i), daemon=True)
                for i in range(a.workers)]
    for t in threads:
        t.start()
    time.sleep(a.seconds)
    stop_steady.set()
    steady_end = time.monotonic() - rec.t0
    for t in threads[2 + a.sse:]:
        t.join(timeout=60)
    # Phase 2: unpaced burst.
    stop_burst = threading.Event()
    burst_threads = [threading.Thread(target=paced_worker,
                                      args=(host, port, a.token, ops, 1e9, stop_burst, rec, 1000 + i), daemon=True)
                     for i in range(a.burst_workers)]
    for t in burst_threads:
        t.start()
    time.sleep(a.burst)
    stop_burst.set()
    for t in burst_threads:
        t.join(timeout=90)
    burst_end = time.monotonic() - rec.t0
    time.sleep(2)
    stop_all.set()
    time.sleep(0.5)

    steady = [x for x in rec.samples if x[0] < steady_end]
    burst = [x for x in rec.samples if steady_end <= x[0] < burst_end and x[1] != "health"]
    steady_errors = [x for x in steady if not 200 <= x[2] < 300]
    burst_status = {}
    for x in burst:
        burst_status[x[2]] = burst_status.get(x[2], 0) + 1
    burst_bad = {s: n for s, n in burst_status.items() if not (200 <= s < 300 or s in (503, 429))}
    health = [x for x in rec.samples if x[1] == "health"]
    health_bad = [x for x in health if x[2] != 200]
    warm_up = min(30, a.seconds / 4)
    start_rss = next((r for t, r, _ in mem if r > 0 and t >= warm_up), mem[0][1] if mem else 0)
    # The bar is on the steady phase at a fixed rate, after the warm-up; the burst's peak is
    # reported beside it.
    max_rss = max((r for t, r, _ in mem if warm_up <= t < steady_end), default=0)
    burst_rss = max((r for _, r, _ in mem), default=0)
    rows = summarize(rec, 0, steady_end, a.interval)
    burst_rows = summarize(rec, steady_end, burst_end, max(burst_end - steady_end, 1))
    report = {
        "seconds": a.seconds, "rate": a.rate, "burst_seconds": a.burst, "burst_workers": a.burst_workers,
        "steady_requests": len([x for x in steady if x[1] != "health"]),
        "steady_errors": len(steady_errors),
        "steady_error_samples": [(round(t), ep, st) for t, ep, st, _ in steady_errors[:10]],
        "burst_requests": len(burst), "burst_status": burst_status,
        "burst_per_second": round(len(burst) / max(burst_end - steady_end, 1), 1),
        "health_checks": len(health), "health_failures": len(health_bad),
        "health_p99_ms": round(1000 * (pct([x[3] for x in health], 99) or 0), 1),
        "rss_after_warmup_mb": round(start_rss / 2**20, 1), "rss_max_mb": round(max_rss / 2**20, 1),
        "rss_max_with_burst_mb": round(burst_rss / 2**20, 1),
        "rss_growth_pct": round(100 * (max_rss - start_rss) / start_rss, 1) if start_rss > 0 else None,
        "fds": [f for _, _, f in mem], "rss_mb": [round(r / 2**20, 1) for _, r, _ in mem],
        "sse": counts, "slowloris": slow, "intervals": rows, "burst_by_endpoint": burst_rows,
    }
    print(f"steady: {report['steady_requests']} requests in {a.seconds:.0f} s at {a.rate}/s, "
          f"{report['steady_errors']} errors {report['steady_error_samples']}")
    print(f"{'from_s':>6} {'endpoint':<14} {'count':>6} {'errors':>6} {'p50_ms':>8} {'p99_ms':>8}")
    for r in rows + [dict(x, endpoint=x['endpoint'] + '*') for x in burst_rows]:
        print(f"{r['from_s']:>6} {r['endpoint']:<14} {r['count']:>6} {r['errors']:>6} {r['p50_ms']:>8} {r['p99_ms']:>8}")
    print("(* = burst phase)")
    print(f"burst: {len(burst)} requests in {a.burst:.0f} s from {a.burst_workers} workers "
          f"({report['burst_per_second']}/s), statuses {burst_status}")
    print(f"/health: {len(health)} checks, {len(health_bad)} failures, p99 {report['health_p99_ms']} ms")
    print(f"RSS: {report['rss_after_warmup_mb']} MB after warm-up, max {report['rss_max_mb']} MB "
          f"(+{report['rss_growth_pct']} %) at the steady rate, {report['rss_max_with_burst_mb']} MB "
          f"with the burst; fds min {min(report['fds'] or [0])} max {max(report['fds'] or [0])}")
    print(f"SSE subscribers: {counts}")
    print(f"slowloris: {slow}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(report, f, indent=1)
    rss_ok = report["rss_growth_pct"] is None or report["rss_growth_pct"] <= 10
    if not rss_ok and a.rss_bar == "report":
        print(f"!!!! RSS grew {report['rss_growth_pct']} % at the steady rate (bar 10 %): "
              "a known open defect, reported and not failed on (--rss-bar report)")
        rss_ok = True
    ok = report["steady_errors"] == 0 and not burst_bad and not health_bad and rss_ok
    print("SOAK " + ("PASSED" if ok else "FAILED") + (f" (burst answers not 2xx/503/429: {burst_bad})" if burst_bad else ""))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
