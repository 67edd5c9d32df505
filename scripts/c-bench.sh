#!/usr/bin/env bash
# The installed C library against OpenSSL's libcrypto, measured from a C program (benches/c):
# builds benches/c against the install prefix (default ./_install, or $XPS_PREFIX; run
# scripts/setup.sh first) and prints a markdown table. Not part of the test suite.
#
#   scripts/c-bench.sh [ID] [--in-place]
#       ID: only rows whose id contains it (aes128-seal aes256-seal aes256-open chacha-seal sha256
#       sha512 sha3-256); --in-place: seals run in place for both libraries (default: out of place)
# Needs the OpenSSL headers (Debian: libssl-dev; installed with apt-get when run as root).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=$(realpath -m -- "${XPS_PREFIX:-$root/_install}")
build="$root/build/c-bench"
mkdir -p "$root/build"
if [ ! -d "$prefix/lib/cmake/xpscrypto" ]; then
  echo "c-bench: no installed xpscrypto under $prefix (run scripts/setup.sh first)" >&2
  exit 1
fi
. "$root/scripts/openssl-dev.sh"
ensure_openssl_dev c-bench
cmake -S "$root/benches/c" -B "$build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >"$build.log" 2>&1 </dev/null \
  || { tail -20 "$build.log" >&2; exit 1; }
cmake --build "$build" >>"$build.log" 2>&1 </dev/null || { tail -20 "$build.log" >&2; exit 1; }
echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/c_bench" "$@"
