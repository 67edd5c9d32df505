"""A short tour of xpscrypto from Python: hashes, AEAD, KDFs, signatures, KEMs, dispatch."""

from __future__ import annotations

import xpscrypto as xps


def main() -> None:
    print(f"xpscrypto {xps.version()} · CPU features: {' '.join(xps.cpu_features()) or '(portable)'}")

    # Hashes: any bytes-like input, bytes out; streaming objects fork with copy().
    print("sha256('abc')   =", xps.hash("sha256", b"abc").hex())
    h = xps.Hash("blake3").update(b"hello ").update(bytearray(b"world"))
    print("blake3 stream   =", h.hexdigest(), f"(kernel {h.kernel})")

    # AEAD with a key object: the schedule is computed once; the key stays in secure memory.
    box = xps.XChaCha20Poly1305(xps.XChaCha20Poly1305.generate_key())
    nonce = xps.random_bytes(box.NONCE_SIZE)
    ct = box.encrypt(nonce, b"attack at dawn", aad=b"v1")
    assert box.decrypt(nonce, ct, aad=b"v1") == b"attack at dawn"
    try:
        box.decrypt(nonce, ct, aad=b"v2")
    except xps.AuthenticationError as e:
        print("tampered aad    ->", e.name)

    # Password hashing (releases the GIL while it runs).
    key = xps.argon2id(b"correct horse", b"NaCl-salt-16byte", t_cost=2, m_cost_kib=19 * 1024, parallelism=1, length=32)
    print("argon2id        =", key.hex()[:32], "…")

    # Post-quantum signature and key exchange.
    pk, sk = xps.sign_keypair("ml-dsa-65")
    sig = xps.sign("ml-dsa-65", sk, b"release 1.0", context=b"tour")
    print("ml-dsa-65       : signature", len(sig), "bytes, valid =", xps.verify("ml-dsa-65", pk, b"release 1.0", sig, context=b"tour"))
    epk, esk = xps.kem_keypair("x-wing")
    kct, shared = xps.kem_encapsulate("x-wing", epk)
    assert xps.kem_decapsulate("x-wing", esk, kct) == shared
    print("x-wing          : shared secret agreed,", len(kct), "byte ciphertext")

    # Which kernel runs each operation (and how to force one).
    for op in xps.dispatch_info()[:3]:
        print(f"dispatch        : {op['op']:<24} -> {op['active']}")


if __name__ == "__main__":
    main()
