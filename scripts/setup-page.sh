#!/usr/bin/env bash
# Installs the dispatch page's JavaScript libraries (MapLibre GL JS, pinned in
# server/page/package-lock.json) into server/page/node_modules, where `vmeste serve` finds them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
command -v npm >/dev/null 2>&1 || { echo "setup-page: npm is needed (Debian: apt-get install npm)" >&2; exit 1; }
cd "$root/server/page"
npm ci --no-audit --no-fund --loglevel=error
