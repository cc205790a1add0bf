#!/usr/bin/env bash
# Coverage-guided fuzzing (AFL++ through cargo-afl, on the stable toolchain) of the parsers
# of outside bytes; the targets are in tests/fuzz/src/lib.rs.
#
#   scripts/fuzz.sh TARGET SECONDS   fuzz one target (its corpus is kept and resumed)
#   scripts/fuzz.sh all SECONDS      every target in turn, SECONDS each
#   scripts/fuzz.sh list             the targets
#
# Seeds: tests/fuzz/seeds/TARGET (small, committed), plus at run time the real files of
# ../shared/data (OSM extracts cut to their first block, VRP instances), data/vroom and a
# small graph file with its hierarchy. Work files (corpus, crashes) live under
# $VMESTE_FUZZ_DIR (default: fuzz-work beside the cargo target directory), never in the repo.
# Prints one line per target: executions, executions per second, crashes, hangs; exits 1
# when a target crashed (the crashing inputs are listed), 3 when the fuzzer cannot be
# installed. cargo-afl is installed from crates.io when missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
target=${1:-}
seconds=${2:-60}
tdir="${CARGO_TARGET_DIR:-$root/target}/fuzz"
work="${VMESTE_FUZZ_DIR:-$tdir-work}"
shared="${VMESTE_SHARED_DATA:-$root/../shared/data}"
targets=(osm_pbf graph_file osrm_url osrm_body polyline vrp_solomon vrp_vrplib vrp_lilim vrp_json vrp_detect vroom_json v1_json v1_csv)

if [ "$target" = list ]; then
  printf '%s\n' "${targets[@]}"
  exit 0
fi
if [ -z "$target" ]; then
  echo "usage: scripts/fuzz.sh TARGET|all|list [SECONDS]" >&2
  exit 2
fi

if ! cargo afl --version >/dev/null 2>&1; then
  echo "cargo-afl missing: installing it from crates.io" >&2
  if ! cargo install cargo-afl --locked >&2; then
    echo "!!!! cargo-afl could not be installed: fuzzing SKIPPED" >&2
    exit 3
  fi
fi
# `cargo afl fuzz -h` prints afl-fuzz's usage once AFL++ is built (its exit status is not 0).
afl_usage=$(cargo afl fuzz -h 2>&1 || true)
if [[ "$afl_usage" != *afl-fuzz* ]]; then
  if ! cargo afl config --build >&2; then
    echo "!!!! AFL++ could not be built (cargo afl config --build): fuzzing SKIPPED" >&2
    exit 3
  fi
fi

CARGO_TARGET_DIR="$tdir" cargo afl build --release --quiet --manifest-path tests/fuzz/Cargo.toml >&2
bin="$tdir/release/vmeste-fuzz"
seeds_bin="$tdir/release/vmeste-fuzz-seeds"

fuzz_one() {
  local t=$1 dir="$work/$1"
  mkdir -p "$dir/in"
  if [ -d "tests/fuzz/seeds/$t" ]; then cp tests/fuzz/seeds/"$t"/* "$dir/in/" 2>/dev/null || true; fi
  if [ -d "$shared" ]; then "$seeds_bin" "$t" "$dir/in" "$shared" >/dev/null; else "$seeds_bin" "$t" "$dir/in" "$root/data" >/dev/null; fi
  [ "$t" = vroom_json ] && cp data/vroom/*.json "$dir/in/"
  # AFL++ on a shared machine: lowest priority, no CPU pinning, no core-dump checks, and a
  # memory limit that turns a runaway allocation into a crash.
  AFL_AUTORESUME=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 \
    AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SUPPRESS_AFL_DEFAULT_ENV=1 \
    nice -n 19 cargo afl fuzz -V "$seconds" -m 2048 -t 5000 -i "$dir/in" -o "$dir/out" -- "$bin" "$t" \
    >"$dir/afl.log" 2>&1 || { echo "$t: afl-fuzz failed, see $dir/afl.log" >&2; tail -20 "$dir/afl.log" >&2; return 2; }
  local stats="$dir/out/default/fuzzer_stats"
  local execs eps crashes hangs corpus
  execs=$(awk -F': *' '$1 ~ /^execs_done/ {print $2}' "$stats")
  eps=$(awk -F': *' '$1 ~ /^execs_per_sec/ {print $2}' "$stats")
  crashes=$(awk -F': *' '$1 ~ /^saved_crashes/ {print $2}' "$stats")
  hangs=$(awk -F': *' '$1 ~ /^saved_hangs/ {print $2}' "$stats")
  corpus=$(awk -F': *' '$1 ~ /^corpus_count/ {print $2}' "$stats")
  echo "$t: $execs executions in total (${eps}/s in the last run), corpus $corpus, crashes $crashes, hangs $hangs"
  if [ "${crashes:-0}" -gt 0 ]; then
    ls "$dir/out/default/crashes/"id:* >&2
    return 1
  fi
}

status=0
if [ "$target" = all ]; then
  for t in "${targets[@]}"; do fuzz_one "$t" || status=1; done
else
  printf '%s\n' "${targets[@]}" | grep -qx "$target" || { echo "unknown target $target" >&2; exit 2; }
  fuzz_one "$target" || status=1
fi
exit $status
