#!/usr/bin/env bash
# Command 1 of the README: build everything (Rust core, C ABI, CMake package), install it into a
# local prefix (default ./_install, or $XPS_PREFIX), and run the tour — a C program built through
# find_package(xpscrypto) against that prefix.
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX="${XPS_PREFIX:-$PWD/_install}"
command -v cargo >/dev/null || { echo "cargo not found: install Rust (https://rustup.rs)" >&2; exit 1; }
command -v cmake >/dev/null || { echo "cmake not found" >&2; exit 1; }
scripts/build-install.sh "$PREFIX"
echo
echo "Installed into $PREFIX (lib/, include/, lib/cmake/xpscrypto, lib/pkgconfig)."
echo
echo "=== Python: pip install ./python (into ${XPS_PY_VENV:-./.venv-py}) and the Python tour ==="
scripts/python-env.sh
"${XPS_PY_VENV:-$PWD/.venv-py}/bin/python" examples/python/tour.py
echo
echo "=== Node: npm install in node/ (builds the addon) and the Node tour ==="
(cd node && npm install --no-audit --no-fund </dev/null)
node examples/node/tour.js
