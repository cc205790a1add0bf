#!/usr/bin/env bash
# Creates the Python environment the tests use (target/venv, or $VMESTE_VENV) with pinned
# versions from PyPI: pyvroom (the VROOM comparison) and schemathesis (the API property
# test). Prints the interpreter's path on the last line. Safe to run again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="${VMESTE_VENV:-$root/target/venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import vroom, schemathesis, sys; sys.exit(schemathesis.__version__ != "4.32.5")' 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'pyvroom==1.15.2' 'schemathesis==4.32.5' >&2
fi
echo "$venv/bin/python"
