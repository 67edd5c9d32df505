#!/usr/bin/env bash
# Node benchmark (not part of the test command): builds the addon (incrementally, so it never
# measures a stale one after core changes) and prints the tables recorded in BENCHMARKS.md. Run on
# a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/../node"
if [ -d node_modules ]; then node scripts/build.js </dev/null; else npm install </dev/null; fi
exec node bench/bench.js
