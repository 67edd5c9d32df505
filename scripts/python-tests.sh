#!/usr/bin/env bash
# The Python suite: build + install the package from source (python-env.sh), check the type stubs
# against the binary (mypy.stubtest: the drift check of the hand-written .pyi), mypy --strict on
# the package and the examples, then pytest (vectors from tests/vectors, bad input, interop with
# pyca/cryptography and hashlib, threads, parity with include/xpscrypto.h).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/python-env.sh
VENV="${XPS_PY_VENV:-$PWD/.venv-py}"
export PATH="$VENV/bin:$PATH"
echo "--- stubtest"
python -m mypy.stubtest xpscrypto._native
echo "--- mypy --strict (package + examples)"
python -m mypy --strict --no-incremental python/xpscrypto python/bench examples/python
# From the repository root, so `import xpscrypto` is the installed package, not python/xpscrypto/
# (which has no compiled module).
echo "--- pytest"
python -m pytest -q python/tests
echo "--- pytest, portable kernels forced (XPS_CPU_DISABLE=all): vectors, interop, bad input, dispatch"
XPS_CPU_DISABLE=all python -m pytest -q python/tests/test_vectors.py python/tests/test_interop.py python/tests/test_bad_input.py python/tests/test_dispatch.py
