#!/usr/bin/env bash
# The installed C library against OpenSSL's libcrypto, measured from a C program (benches/c):
# builds benches/c against the install prefix (default ./_install, or $XPS_PREFIX; run
# scripts/setup.sh first) and prints a markdown table. Not part of the test suite.
#
#   scripts/c-bench.sh [ID]      ID: only rows whose id contains it (aes128-seal aes256-seal
#                                aes256-open chacha-seal sha256 sha512 sha3-256)
# Needs the OpenSSL headers (Debian: libssl-dev; installed with apt-get when run as root).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=$(realpath -m -- "${XPS_PREFIX:-$root/_install}")
build="$root/build/c-bench"
if [ ! -f "$prefix/lib/cmake/xpscrypto/xpscryptoConfig.cmake" ] && [ ! -d "$prefix/lib64/cmake/xpscrypto" ]; then
  echo "c-bench: no installed xpscrypto under $prefix (run scripts/setup.sh first)" >&2
  exit 1
fi
if [ ! -f /usr/include/openssl/evp.h ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "c-bench: installing libssl-dev ..." >&2
    apt-get update -qq </dev/null >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libssl-dev </dev/null >&2
  else
    echo "c-bench: the OpenSSL headers are missing (Debian: apt-get install libssl-dev)" >&2
    exit 1
  fi
fi
cmake -S "$root/benches/c" -B "$build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >"$build.log" 2>&1 </dev/null \
  || { tail -20 "$build.log" >&2; exit 1; }
cmake --build "$build" >>"$build.log" 2>&1 </dev/null || { tail -20 "$build.log" >&2; exit 1; }
echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/c_bench" "$@"
