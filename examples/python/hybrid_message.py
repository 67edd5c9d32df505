"""A message to a recipient with hybrid post-quantum HPKE: X-Wing (X25519 + ML-KEM-768) as the
KEM, HKDF-SHA256, ChaCha20-Poly1305 (draft-ietf-hpke-pq-05 code points), plus an exported secret
both sides agree on."""

from __future__ import annotations

import xpscrypto as xps

SUITE = (xps.HPKE_KEM_X_WING, xps.HPKE_KDF_HKDF_SHA256, xps.HPKE_AEAD_CHACHA20_POLY1305)


def main() -> None:
    # The recipient publishes its X-Wing public key.
    public, secret = xps.hpke_keypair(xps.HPKE_KEM_X_WING)

    # Sender: one-shot for a single message…
    enc, ct = xps.hpke_seal(*SUITE, public, b"meet at the usual place", info=b"demo v1", aad=b"to: bob")
    print(f"single shot : enc {len(enc)} bytes, ciphertext {len(ct)} bytes")
    assert xps.hpke_open(*SUITE, secret, enc, ct, info=b"demo v1", aad=b"to: bob") == b"meet at the usual place"

    # …or a context for a sequence of messages and an exported key.
    sender = xps.HpkeSender(*SUITE, public, info=b"demo v1")
    msgs = [sender.seal(m) for m in (b"first", b"second")]
    recipient = xps.HpkeRecipient(*SUITE, secret, sender.enc, info=b"demo v1")
    print("context     :", [recipient.open(m) for m in msgs])
    assert sender.export(b"session key", 32) == recipient.export(b"session key", 32)
    print("exporter    : both sides derived the same 32-byte session key")


if __name__ == "__main__":
    main()
