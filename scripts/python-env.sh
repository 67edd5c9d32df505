#!/usr/bin/env bash
# Builds the Python package from source into a private virtual environment (default ./.venv-py,
# or $XPS_PY_VENV) with `pip install ./python`, plus the test tools from PyPI. Prints nothing on
# success except pip/maturin progress. Used by setup.sh (tour) and python-tests.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${XPS_PY_VENV:-$PWD/.venv-py}"
PY="${PYTHON:-python3}"
command -v "$PY" >/dev/null || { echo "python3 not found" >&2; exit 1; }
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "xpscrypto needs CPython >= 3.11 (buffer protocol in the stable ABI)" >&2; exit 1; }
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
export PATH="$VENV/bin:$PATH"
python -m pip install -q --disable-pip-version-check "maturin>=1.16,<2" "pytest>=8" "mypy>=1.11" "cryptography>=42" "prometheus_client>=0.20" typing_extensions </dev/null
# One cargo target dir for the Python and Node builds, reused between runs (pip would otherwise
# build cold in a temp dir).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target-bindings}"
python -m pip install -q --disable-pip-version-check --no-build-isolation --force-reinstall --no-deps ./python </dev/null
python -c 'import xpscrypto, sys; print(f"xpscrypto {xpscrypto.__version__} installed in {sys.prefix}")'
