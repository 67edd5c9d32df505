#!/usr/bin/env bash
# Signs the example patch modules with a freshly generated signer key, using the `xps` tool:
# a new Ed25519 key pair, a trust store that lets it patch hash.sha256 and aead.aes-256-gcm,
# and one manifest per module.
#
#   examples/patch/sign.sh OUTDIR XPS C_PATCH_SO [RUST_PATCH_SO]
#
# Writes OUTDIR/{demo-signer.key (0600), demo-signer.pub, trust-store.json,
# c-sha256.manifest.json, rust-aes256gcm.manifest.json}.
set -euo pipefail
if [[ $# -lt 3 ]]; then
  echo "usage: $0 OUTDIR XPS C_PATCH_SO [RUST_PATCH_SO]" >&2
  exit 2
fi
out=$1 xps=$2 c_so=$3 rust_so=${4:-}
mkdir -p "$out"
"$xps" patch keygen --name demo-signer --out "$out/demo-signer" --force
"$xps" patch trust-store --signer "demo-signer=$out/demo-signer.pub:hash.sha256,aead.aes-256-gcm" \
  --threshold 1 --out "$out/trust-store.json"
"$xps" patch sign --payload "$c_so" --id example-c-sha256 --version 1 --ops hash.sha256 \
  --key "$out/demo-signer.key" --signer demo-signer --out "$out/c-sha256.manifest.json"
if [[ -n "$rust_so" ]]; then
  "$xps" patch sign --payload "$rust_so" --id example-rust-aes256gcm --version 1 --ops aead.aes-256-gcm \
    --key "$out/demo-signer.key" --signer demo-signer --out "$out/rust-aes256gcm.manifest.json"
fi
