#!/usr/bin/env bash
# Command 2 of the README: every test suite. Used as is by .ci/run (CI=true, no stdin, 2 cores).
#   1. header drift check (cbindgen, pinned)            4. build + install the CMake package
#   2. Rust: core + C ABI + xps (release, test hooks)   5. C and C++ suites via find_package (ctest),
#   3. Rust again with the portable path forced            ASan/UBSan, valgrind, exported symbols
#                                                       6. Python: pip install ./python, stubtest,
#                                                          mypy --strict, pytest (+ portable path)
#                                                       7. Node: npm install (consumer + in node/),
#                                                          index.d.ts drift, tsc, node --test
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX="${XPS_PREFIX:-$PWD/_install}"
export CARGO_TERM_COLOR=never
passed=0; failed=0; failures=()
step() {
  local name="$1"; shift
  echo; echo "=== $name ==="
  if "$@" </dev/null; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$name"); fi
}
step "header drift check" scripts/gen-header.sh --check
step "rust: core + ffi + xps cli (release, testing hooks)" \
  cargo test --release -p xpscrypto-core -p xpscrypto-ffi -p xps-cli --features xpscrypto-ffi/testing
step "rust: portable path forced (XPS_CPU_DISABLE=all)" \
  env XPS_CPU_DISABLE=all cargo test --release -p xpscrypto-core --features xpscrypto-core/testing --tests
step "build + install ($PREFIX)" scripts/build-install.sh "$PREFIX"
step "C / C++ suites, sanitizers, valgrind, exports" scripts/c-tests.sh "$PREFIX"
step "python: package, stubs, types, pytest" scripts/python-tests.sh
step "node: package, typings, tsc, node --test" scripts/node-tests.sh
echo
if [ "$failed" -ne 0 ]; then printf 'FAILED suite: %s\n' "${failures[@]}"; fi
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
