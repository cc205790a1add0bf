#!/usr/bin/env python3
"""Time from starting `vmeste serve` to its first answered route.

usage: scripts/first-route.py PORT COORDS -- COMMAND...

Starts COMMAND (a `vmeste serve ... --listen 127.0.0.1:PORT`), then asks
`GET /route/v1/driving/COORDS?overview=false` every 50 ms until an answer with HTTP 200 and
`"code": "Ok"` arrives. Prints the seconds from the start of the process to that answer (and
the route's distance and duration, to compare builds), the
server's peak RSS at that moment (VmHWM), then waits up to `FIRST_ROUTE_SETTLE` seconds
(default 0) and prints the peak RSS again (background work done after the first answer),
then stops the server with SIGTERM. COORDS is `lon,lat;lon,lat` as in OSRM's URLs. Exits 1
when no route is answered within `FIRST_ROUTE_TIMEOUT` seconds (default 300) or the
server exits first.
"""
import http.client
import json
import os
import signal
import subprocess
import sys
import time


def peak_rss_mib(pid):
    try:
        with open(f'/proc/{pid}/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float('nan')


def ask(port, path):
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=5)
    try:
        conn.request('GET', path)
        r = conn.getresponse()
        body = r.read()
        answer = json.loads(body)
        if r.status == 200 and answer.get('code') == 'Ok':
            return answer['routes'][0]
        return None
    except (OSError, ValueError, KeyError, IndexError, http.client.HTTPException):
        return None
    finally:
        conn.close()


def main():
    if len(sys.argv) < 5 or sys.argv[3] != '--':
        sys.exit(__doc__)
    port, coords, command = int(sys.argv[1]), sys.argv[2], sys.argv[4:]
    timeout = float(os.environ.get('FIRST_ROUTE_TIMEOUT', '300'))
    settle = float(os.environ.get('FIRST_ROUTE_SETTLE', '0'))
    path = f'/route/v1/driving/{coords}?overview=false'
    start = time.monotonic()
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if server.poll() is not None:
                print(f'server exited with {server.returncode} before answering', file=sys.stderr)
                sys.exit(1)
            route = ask(port, path)
            if route is not None:
                elapsed = time.monotonic() - start
                break
            if time.monotonic() - start > timeout:
                print(f'no route within {timeout} s', file=sys.stderr)
                sys.exit(1)
            time.sleep(0.05)
        rss = peak_rss_mib(server.pid)
        print(f'first route after {elapsed:.2f} s ({route["distance"]} m, {route["duration"]} s); '
              f'peak RSS then {rss:.0f} MiB', flush=True)
        if settle > 0:
            time.sleep(settle)
            print(f'peak RSS {settle:.0f} s later {peak_rss_mib(server.pid):.0f} MiB')
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


if __name__ == '__main__':
    main()
