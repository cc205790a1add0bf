#!/usr/bin/env bash
# Creates the Python environment the VROOM comparison uses (target/venv) with pinned
# versions from PyPI; prints the interpreter's path. Safe to run again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="${VMESTE_VENV:-$root/target/venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import vroom' 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'pyvroom==1.15.2' >&2
fi
echo "$venv/bin/python"
