#!/usr/bin/env bash
# Node benchmark (not part of the test command): builds the addon if needed and prints the tables
# recorded in BENCHMARKS.md. Run on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/../node"
[ -f xpscrypto.node ] || npm install </dev/null
exec node bench/bench.js
