# Shared by scripts/test-page.sh and scripts/bench-page.sh (sourced, not run): installs what
# the browser runs need, builds vmeste, imports a graph, starts `vmeste serve` on a free port
# with a fresh board, and stops it on exit.
#   page_setup            chromium (Debian) and the pinned npm packages (npm ci)
#   page_build            builds vmeste (release; VMESTE_PAGE_BUILD=debug for a debug build)
#   page_import PBF NAME  graph files NAME-{car,bicycle,foot}.vmg in $page_work
#   page_serve NAME ARGS  serves them with a new store; sets $page_url, $page_admin
#   page_token ROLE       a new token of ROLE for headquarters 1 on the served store
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shared="${VMESTE_SHARED_DATA:-$root/../shared/data}"
page_work=$(mktemp -d)
page_pid=""
page_stop() {
  if [ -n "$page_pid" ]; then kill -TERM "$page_pid" 2>/dev/null || true; wait "$page_pid" 2>/dev/null || true; fi
  rm -rf "$page_work"
}
trap page_stop EXIT

page_setup() {
  if [ ! -x /usr/bin/chromium ] && [ -z "${VMESTE_CHROMIUM:-}" ]; then
    echo "installing chromium (Debian package)" >&2
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  fi
  bash "$root/scripts/setup-page.sh"
  (cd "$root/tests/browser" && npm ci --no-audit --no-fund --loglevel=error)
}

page_build() {
  local target="${CARGO_TARGET_DIR:-$root/target}"
  if [ "${VMESTE_PAGE_BUILD:-release}" = debug ]; then
    cargo build --quiet -p server
    page_bin="$target/debug/vmeste"
  else
    cargo build --release --quiet -p server
    page_bin="$target/release/vmeste"
  fi
}

page_import() {
  local pbf=$1 name=$2 profile
  for profile in car bicycle foot; do
    "$page_bin" import "$pbf" --profile "$profile" -o "$page_work/$name-$profile.vmg" >/dev/null
  done
}

page_serve() {
  local name=$1; shift
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  page_store="$page_work/board.db"
  RUST_LOG=warn "$page_bin" serve --listen "127.0.0.1:$port" --store "$page_store" \
    --admin-token-file "$page_work/admin.token" --page-dir "$root/server/page" "$@" \
    --graph "$page_work/$name-car.vmg" --graph "$page_work/$name-bicycle.vmg" --graph "$page_work/$name-foot.vmg" &
  page_pid=$!
  page_url="http://127.0.0.1:$port"
  for _ in $(seq 600); do
    curl -sf "$page_url/health" >/dev/null 2>&1 && break
    kill -0 "$page_pid" 2>/dev/null || { echo "vmeste serve exited" >&2; return 1; }
    sleep 0.1
  done
  page_admin=$(cat "$page_work/admin.token")
}

page_token() {
  "$page_bin" token create --store "$page_store" --role "$1" --hq 1 --label "page-$1" | tail -1
}

# The Monaco extract: ../shared/data (or $VMESTE_SHARED_DATA) when present, else the one scripts/fetch-data.sh fetches.
page_monaco() {
  local p
  for p in "$shared/osm/"monaco*.osm.pbf "$root/data/osm/monaco-2023-12-26.osm.pbf"; do
    [ -f "$p" ] && { echo "$p"; return; }
  done
  bash "$root/scripts/fetch-data.sh" >&2 && echo "$root/data/osm/monaco-2023-12-26.osm.pbf"
}
