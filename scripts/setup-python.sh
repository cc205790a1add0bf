#!/usr/bin/env bash
# Installs the Python tools the API test uses into a venv (default .venv beside the repo's
# root, or $VMESTE_VENV): schemathesis, pinned.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${VMESTE_VENV:-"$root/.venv"}
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import schemathesis, sys; sys.exit(schemathesis.__version__ != "4.32.5")' 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==4.32.5"
fi
echo "$venv"
