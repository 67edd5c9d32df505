#!/usr/bin/env bash
# Instruction cost per call of the C exports vs the Rust API vs the wrapped RustCrypto crate, at
# 64 B, counted by callgrind (deterministic, unlike timing on a shared VM). Each case of
# benches/compare's `abi_cost` runs at two iteration counts, counting only inside its measured
# loop (`--toggle-collect`: start-up and self-tests are not deterministic since some self-tests
# draw random inputs); the difference of the counts divided by the difference of the iterations is
# the cost of one call (the loop's first-call effects cancel). Prints a markdown table.
#
# Caveats (also printed): instructions are a proxy for time, not time. Under valgrind the CPU has
# no SHA-NI, AVX-512 or VAES, so kernel selection (ours and the crates') falls back to what
# valgrind emulates; the table measures per-call overhead, not peak kernel speed.
#
#   scripts/abi-cost.sh                 every case
#   scripts/abi-cost.sh sha256 blake3   only these ops
#   scripts/abi-cost.sh --time [...]    the wall-clock comparison instead (no valgrind needed):
#                                       `abi_cost --time`, arguments passed on (see its header)
# Environment: ABI_COST_N1 / ABI_COST_N2 (default 2000 / 4000), CARGO_TARGET_DIR (default
# ./target-bench), BENCH_NO_OPENSSL=1 (build without the OpenSSL peer, not needed here).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target-bench}"
flags=(--release -p xpscrypto-bench-compare --bin abi_cost)
[ "${BENCH_NO_OPENSSL:-0}" = 1 ] && flags+=(--no-default-features)
cargo build "${flags[@]}" >&2 </dev/null
# The `so` cases load the shared library as C programs do; build it in the same target dir.
cargo build --release -p xpscrypto-ffi >&2 </dev/null
export XPS_SO="$CARGO_TARGET_DIR/release/libxpscrypto.so"
bin="$CARGO_TARGET_DIR/release/abi_cost"
if [ "${1:-}" = --time ]; then
  exec "$bin" "$@"
fi
command -v valgrind >/dev/null || { echo "abi-cost: valgrind is required (apt-get install valgrind)" >&2; exit 1; }
n1="${ABI_COST_N1:-2000}" n2="${ABI_COST_N2:-4000}"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Total instructions (Ir) of one run.
ir() {
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" --toggle-collect='abi_cost::run*' "$bin" "$1" "$2" >/dev/null 2>"$tmp/vg.err" \
    || { cat "$tmp/vg.err" >&2; exit 1; }
  local n
  n="$(awk '/^summary:/ {print $2}' "$tmp/cg.out")"
  # Zero means --toggle-collect matched nothing (a renamed or inlined loop function).
  [ "${n:-0}" -gt 0 ] || { echo "abi-cost: no instructions counted inside abi_cost::run* (case $1)" >&2; exit 1; }
  echo "$n"
}

per_call() {
  local a b
  a="$(ir "$1" "$n1")"
  b="$(ir "$1" "$n2")"
  echo $(( (b - a + (n2 - n1) / 2) / (n2 - n1) ))
}

ops=("$@")
[ "${#ops[@]}" -eq 0 ] && ops=(sha256 sha512 blake3 hmac-sha256 aes128-seal aes256-seal aes256-open chacha-seal xchacha-seal)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }'; }

echo "Instructions per call at 64 B (callgrind, ($n2 − $n1)-iteration difference; $(valgrind --version)); instruction counts are a proxy for time, not time."
echo "rust = Rust API, c = C export (linked from the rlib) through an opaque function pointer, so = the same export from libxpscrypto.so (dlopen; what a C program runs), crate = the RustCrypto crate called directly."
echo
echo "| op | rust | c | so | crate | c − rust | so − rust | c / rust | so / rust | rust / crate |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for op in "${ops[@]}"; do
  r="$(per_call "$op-rust")"
  c="$(per_call "$op-c")"
  o="$(per_call "$op-so")"
  k="$(per_call "$op-crate")"
  echo "| $op | $r | $c | $o | $k | $((c - r)) | $((o - r)) | $(ratio "$c" "$r") | $(ratio "$o" "$r") | $(ratio "$r" "$k") |"
done
