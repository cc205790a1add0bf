#!/usr/bin/env bash
# A throwaway PostgreSQL for the store's tests and benchmarks.
#
#   scripts/postgres.sh start   # prints the URL; also written to $VMESTE_PG_DIR/url
#   scripts/postgres.sh stop    # stops the server and removes its directory
#   scripts/postgres.sh restart # restarts the server (same directory, port and data), down
#                               # for VMESTE_PG_DOWN_S seconds (default 0)
#
# Installs Debian's `postgresql` when no server is found, creates a cluster in a temporary
# directory owned by the `postgres` user (when run as root) listening on 127.0.0.1 only,
# and a database `vmeste` on it. VMESTE_PG_DIR (default /tmp/vmeste-pg) and VMESTE_PG_PORT
# (default: a free one) choose where and on which port.
set -euo pipefail
dir=${VMESTE_PG_DIR:-/tmp/vmeste-pg}
port=${VMESTE_PG_PORT:-}
if [ -z "$port" ]; then
  # A free port, so several checkouts can test at once.
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 54329)
fi

bindir() {
  local b
  b=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$b" ] && command -v initdb >/dev/null; then b=$(dirname "$(command -v initdb)"); fi
  echo "$b"
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local bin
  bin=$(bindir)
  if [ -z "$bin" ]; then
    echo "installing PostgreSQL from Debian packages" >&2
    apt-get install -y postgresql >&2
    bin=$(bindir)
  fi
  if [ -f "$dir/url" ] && as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    cat "$dir/url"
    return
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >&2 \
    || { cat "$dir/server.log" >&2; exit 1; }
  as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres vmeste
  echo "postgres://postgres@127.0.0.1:$port/vmeste" | tee "$dir/url"
}

stop() {
  local bin
  bin=$(bindir)
  if [ -n "$bin" ] && [ -d "$dir/data" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  fi
  rm -rf "$dir"
}

restart() {
  # Stops the server (fast: open connections are cut), stays down VMESTE_PG_DOWN_S seconds
  # (default 0), and starts it again on the same port.
  local bin port
  bin=$(bindir)
  port=$(sed -E 's|.*:([0-9]+)/.*|\1|' "$dir/url")
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop </dev/null >&2
  sleep "${VMESTE_PG_DOWN_S:-0}"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start </dev/null >&2
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) restart ;;
  *) echo "usage: $0 start|stop|restart" >&2; exit 2 ;;
esac
