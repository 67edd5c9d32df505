#!/usr/bin/env bash
# Peer comparison benchmark (benches/compare): xpscrypto (Rust API and C ABI) against OpenSSL,
# ring, the RustCrypto crates and, optionally, aws-lc-rs. Prints markdown tables to stdout
# (cargo's build output goes to stderr): scripts/bench-compare.sh > results.md
#
# Arguments go to the benchmark binary:
#   --quick              ~40 ms per cell (default ~200 ms): the whole run takes seconds
#   --kernels            also measure every available candidate kernel of each op
#   --only ID[,ID..]     only some ops (aes128-seal aes256-seal aes256-open chacha-seal xchacha-seal
#                        sha256 sha512 sha3-256 blake3 hmac-sha256 pbkdf2 argon2id c-floor;
#                        public-key: pk (all) ed25519 x25519 ml-kem ml-dsa falcon x-wing rsa slh)
#   --cell-ms N, --batches N, --sizes 64,1024,...
# Environment:
#   BENCH_FEATURES=aws-lc   also build and measure aws-lc-rs (compiles AWS-LC from C: ~1 min on 2 cores)
#   BENCH_NO_OPENSSL=1      build without the OpenSSL peer (no libssl-dev needed)
#   CARGO_TARGET_DIR        defaults to ./target-bench, so the bench never waits on other builds' lock
set -euo pipefail
cd "$(dirname "$0")/.."

cargo_flags=(--release -p xpscrypto-bench-compare)
if [ "${BENCH_NO_OPENSSL:-0}" = 1 ]; then
  cargo_flags+=(--no-default-features)
else
  # The `openssl` crate links the system libcrypto: it needs pkg-config and the OpenSSL headers.
  . scripts/openssl-dev.sh
  ensure_openssl_dev bench-compare || {
    echo "               or run with BENCH_NO_OPENSSL=1 to skip the OpenSSL peer" >&2
    exit 1
  }
fi
if [ -n "${BENCH_FEATURES:-}" ]; then
  cargo_flags+=(--features "$BENCH_FEATURES")
fi

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target-bench}"
exec cargo run "${cargo_flags[@]}" -- "$@" </dev/null
