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
echo
echo "=== Hot-patch: the xps tool, the example patch modules signed by a fresh key, a live swap ==="
cargo build --release -p xps-cli -p xps-patch-aes256gcm </dev/null
demo="$PWD/build/patch-demo"
c_patch="$PWD/build/patch-c-sha256/libxps_sha256_patch.so"      # built by CMake (examples/patch/c-sha256)
rust_patch="$PWD/target/release/libxps_patch_aes256gcm.so"      # built by cargo (examples/patch/rust-aes256gcm)
examples/patch/sign.sh "$demo" target/release/xps "$c_patch" "$rust_patch"
echo
build/examples/live_swap "$demo/c-sha256.manifest.json" "$c_patch" "$demo/trust-store.json"
echo
echo "--- operator dry run of the Rust AES-256-GCM patch: xps patch apply --rollback ---"
target/release/xps patch apply --manifest "$demo/rust-aes256gcm.manifest.json" --payload "$rust_patch" \
  --trust-store "$demo/trust-store.json" --audit-log "$demo/audit.jsonl" --rollback
echo "audit log: $demo/audit.jsonl"
