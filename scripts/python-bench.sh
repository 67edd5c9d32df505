#!/usr/bin/env bash
# Python benchmark (not part of the test command): builds the package (python-env.sh) and prints
# the tables recorded in BENCHMARKS.md. Run on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/python-env.sh >/dev/null
exec "${XPS_PY_VENV:-$PWD/.venv-py}/bin/python" python/bench/bench.py
