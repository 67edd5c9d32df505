#!/usr/bin/env bash
# Regenerates include/xpscrypto.h with the pinned cbindgen (installed into ./.tools if missing).
# With --check: fails if the committed header differs from what cbindgen generates.
set -euo pipefail
cd "$(dirname "$0")/.."
CBINDGEN_VERSION=0.29.4
cb=""
for c in "$PWD/.tools/bin/cbindgen" "$(command -v cbindgen || true)"; do
  if [ -n "$c" ] && [ -x "$c" ] && "$c" --version 2>/dev/null | grep -q " $CBINDGEN_VERSION\$"; then cb="$c"; break; fi
done
if [ -z "$cb" ]; then
  echo "installing cbindgen $CBINDGEN_VERSION into .tools/ ..." >&2
  cargo install cbindgen --version "$CBINDGEN_VERSION" --locked --root "$PWD/.tools" </dev/null >&2
  cb="$PWD/.tools/bin/cbindgen"
fi
if [ "${1:-}" = "--check" ]; then
  tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT
  "$cb" --quiet --config ffi/cbindgen.toml --crate xpscrypto-ffi --output "$tmp" ffi </dev/null
  if ! cmp -s "$tmp" include/xpscrypto.h; then
    echo "include/xpscrypto.h is out of date: run scripts/gen-header.sh and commit it" >&2
    diff -u include/xpscrypto.h "$tmp" | head -40 >&2 || true
    exit 1
  fi
  echo "header drift check: include/xpscrypto.h is current"
else
  "$cb" --quiet --config ffi/cbindgen.toml --crate xpscrypto-ffi --output include/xpscrypto.h ffi </dev/null
fi
