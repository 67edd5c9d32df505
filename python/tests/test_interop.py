"""Interoperability with pyca/cryptography and hashlib/hmac on random inputs: every value made
by one side is checked or consumed by the other, in both directions."""

from __future__ import annotations

import hashlib
import hmac as std_hmac
import os

import pytest

import xpscrypto as xps

cryptography = pytest.importorskip("cryptography", reason="pyca/cryptography is needed for interop tests")
from cryptography.exceptions import InvalidSignature, InvalidTag  # noqa: E402
from cryptography.hazmat.primitives import hashes, poly1305  # noqa: E402
from cryptography.hazmat.primitives import hmac as pyca_hmac  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519  # noqa: E402
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305  # noqa: E402
from cryptography.hazmat.primitives.kdf.hkdf import HKDF, HKDFExpand  # noqa: E402
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC  # noqa: E402

SIZES = [0, 1, 15, 16, 17, 64, 1000, 65536 + 3]

# --------------------------------------------------------------------------------------------
# AEAD
# --------------------------------------------------------------------------------------------

AEADS = [("aes-128-gcm", 16, AESGCM), ("aes-256-gcm", 32, AESGCM), ("chacha20-poly1305", 32, ChaCha20Poly1305)]


@pytest.mark.parametrize("alg,klen,pyca", AEADS, ids=[a[0] for a in AEADS])
@pytest.mark.parametrize("size", SIZES)
def test_aead_both_directions(alg, klen, pyca, size):
    key, nonce, pt = os.urandom(klen), os.urandom(12), os.urandom(size)
    for aad in (b"", os.urandom(size % 37 + 1)):
        theirs = pyca(key).encrypt(nonce, pt, aad or None)
        assert xps.aead_open(alg, key, nonce, theirs, aad) == pt
        assert xps.AeadKey(alg, key).decrypt_detached(nonce, theirs[:-16], theirs[-16:], aad) == pt
        ours = xps.aead_seal(alg, key, nonce, pt, aad)
        assert pyca(key).decrypt(nonce, ours, aad or None) == pt
        assert ours == theirs  # deterministic: same key, nonce, aad, message
        buf = bytearray(pt) + bytearray(16)
        xps.AeadKey(alg, key).encrypt_into(nonce, memoryview(buf)[:size], buf, aad)
        assert pyca(key).decrypt(nonce, bytes(buf), aad or None) == pt
        bad = bytes([theirs[0] ^ 0x80]) + theirs[1:]
        with pytest.raises(xps.AuthenticationError):
            xps.aead_open(alg, key, nonce, bad, aad)
        with pytest.raises(InvalidTag):
            pyca(key).decrypt(nonce, ours[:-1] + bytes([ours[-1] ^ 1]), aad or None)


# --------------------------------------------------------------------------------------------
# Hashes, MACs, KDFs
# --------------------------------------------------------------------------------------------

HASHES = [
    ("sha256", hashlib.sha256, hashes.SHA256()), ("sha384", hashlib.sha384, hashes.SHA384()),
    ("sha512", hashlib.sha512, hashes.SHA512()), ("sha3-256", hashlib.sha3_256, hashes.SHA3_256()),
    ("sha3-512", hashlib.sha3_512, hashes.SHA3_512()), ("blake2b-512", hashlib.blake2b, hashes.BLAKE2b(64)),
    ("blake2s-256", hashlib.blake2s, hashes.BLAKE2s(32)),
]  # fmt: skip


def _pyca_digest(algo, data: bytes) -> bytes:
    h = hashes.Hash(algo)
    h.update(data)
    return h.finalize()


@pytest.mark.parametrize("alg,hl,pa", HASHES, ids=[h[0] for h in HASHES])
@pytest.mark.parametrize("size", SIZES)
def test_hashes(alg, hl, pa, size):
    data = os.urandom(size)
    want = hl(data).digest()
    assert _pyca_digest(pa, data) == want  # the two references agree
    assert xps.hash(alg, data) == want
    h = xps.Hash(alg)
    for i in range(0, size, 7919):
        h.update(data[i : i + 7919])
    assert h.digest() == want and h.hexdigest() == want.hex() and h.digest_size == len(want)
    assert xps.hash_outbytes(alg) == len(want)


@pytest.mark.parametrize("alg,hl,pa", [("shake128", hashlib.shake_128, hashes.SHAKE128), ("shake256", hashlib.shake_256, hashes.SHAKE256)])
@pytest.mark.parametrize("size", SIZES)
def test_shake(alg, hl, pa, size):
    data = os.urandom(size)
    for n in (1, 32, 64, 200, 1000):
        want = hl(data).digest(n)
        assert _pyca_digest(pa(n), data) == want
        assert xps.xof(alg, data, n) == want
        assert xps.Hash(alg, data).xof(n) == want
    assert xps.hash(alg, data) == hl(data).digest(32 if alg == "shake128" else 64)


@pytest.mark.parametrize("alg,hname", [("hmac-sha256", "sha256"), ("hmac-sha384", "sha384"), ("hmac-sha512", "sha512")])
@pytest.mark.parametrize("size", SIZES)
def test_hmac(alg, hname, size):
    data = os.urandom(size)
    for key in (b"", os.urandom(16), os.urandom(200)):  # short, and longer than the block
        want = std_hmac.new(key, data, hname).digest()
        p = pyca_hmac.HMAC(key, getattr(hashes, hname.upper())())
        p.update(data)
        assert p.finalize() == want
        assert xps.hmac(alg, key, data) == want
        assert xps.hmac_verify(alg, key, data, want) is True
        assert xps.hmac_verify_truncated(alg, key, data, want[:16]) is True
        assert xps.Mac(alg, key).update(data).finalize() == want
        assert xps.hmac_verify(alg, key, data, want[:-1] + bytes([want[-1] ^ 1])) is False


@pytest.mark.parametrize("size", SIZES)
def test_poly1305(size):
    key, data = os.urandom(32), os.urandom(size)
    theirs = poly1305.Poly1305.generate_tag(key, data)
    assert xps.hmac("poly1305", key, data) == theirs
    assert xps.hmac_verify("poly1305", key, data, theirs) is True
    poly1305.Poly1305.verify_tag(key, data, xps.Mac("poly1305", key).update(data).finalize())


@pytest.mark.parametrize("alg,algo", [("hkdf-sha256", hashes.SHA256()), ("hkdf-sha384", hashes.SHA384()), ("hkdf-sha512", hashes.SHA512())])
@pytest.mark.parametrize("size", [0, 1, 16, 17, 64, 1000])
def test_hkdf(alg, algo, size):
    ikm, salt, info = os.urandom(size), os.urandom(size % 50), os.urandom(size % 30)
    for length in (1, 32, 100, 255 * algo.digest_size):
        want = HKDF(algo, length, salt or None, info).derive(ikm)
        assert xps.hkdf(alg, ikm, salt, info, length) == want
        prk = xps.hkdf_extract(alg, salt, ikm)
        assert len(prk) == algo.digest_size
        assert xps.hkdf_expand(alg, prk, info, length) == want
        assert HKDFExpand(algo, length, info).derive(prk) == want


@pytest.mark.parametrize("alg,hname", [("pbkdf2-sha256", "sha256"), ("pbkdf2-sha512", "sha512")])
@pytest.mark.parametrize("size", [0, 1, 16, 17, 64, 1000])
def test_pbkdf2(alg, hname, size):
    pw, salt = os.urandom(size), os.urandom(16)
    for iters, length in ((1, 1), (2, 32), (100, 65), (1000, 130)):
        want = hashlib.pbkdf2_hmac(hname, pw, salt, iters, length)
        assert PBKDF2HMAC(getattr(hashes, hname.upper())(), length, salt, iters).derive(pw) == want
        assert xps.pbkdf2(alg, pw, salt, iters, length) == want


def test_argon2id():
    argon2 = pytest.importorskip("cryptography.hazmat.primitives.kdf.argon2", reason="this cryptography has no Argon2id")
    for size in (0, 1, 17, 64):
        pw, salt = os.urandom(size), os.urandom(16)
        for t, m, p, length, secret, ad in ((1, 8, 1, 4, None, None), (2, 64, 2, 32, os.urandom(32), os.urandom(7)), (3, 256, 4, 100, b"k", None)):
            want = argon2.Argon2id(salt=salt, length=length, iterations=t, lanes=p, memory_cost=m, ad=ad, secret=secret).derive(pw)
            assert xps.argon2id(pw, salt, t, m, p, length, secret=secret, ad=ad) == want


# --------------------------------------------------------------------------------------------
# Ed25519, X25519, ML-KEM, ML-DSA
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_ed25519(size):
    seed, msg = os.urandom(32), os.urandom(size)
    theirs = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    their_pk = theirs.public_key().public_bytes_raw()
    pk, sk = xps.sign_keypair("ed25519", seed=seed)
    assert pk == their_pk == xps.SigningKey("ed25519", sk).public_key()
    their_sig = theirs.sign(msg)
    assert xps.sign("ed25519", sk, msg) == their_sig  # Ed25519 is deterministic
    assert xps.verify("ed25519", their_pk, msg, their_sig) is True
    assert xps.verify("ed25519", their_pk, msg + b"!", their_sig) is False
    ours = xps.SigningKey.generate("ed25519")
    sig = ours.sign(msg)
    peer = ed25519.Ed25519PublicKey.from_public_bytes(ours.public_key())
    peer.verify(sig, msg)
    with pytest.raises(InvalidSignature):
        peer.verify(sig[:-1] + bytes([sig[-1] ^ 1]), msg)


def test_x25519():
    for _ in range(8):
        a_seed = os.urandom(32)
        a_pk, a_sk = xps.kem_keypair("x25519", seed=a_seed)
        theirs = x25519.X25519PrivateKey.from_private_bytes(a_seed)
        assert a_pk == theirs.public_key().public_bytes_raw()
        bob = x25519.X25519PrivateKey.generate()
        bob_pk = bob.public_key().public_bytes_raw()
        shared = bob.exchange(x25519.X25519PublicKey.from_public_bytes(a_pk))
        assert xps.kem_decapsulate("x25519", a_sk, bob_pk) == shared
        assert xps.DecapsulationKey("x25519", a_sk).decapsulate(bob_pk) == shared
        eph, ss = xps.kem_encapsulate("x25519", bob_pk)  # ephemeral DH towards bob
        assert bob.exchange(x25519.X25519PublicKey.from_public_bytes(eph)) == ss


def _pq(module: str, cls: str):
    mod = pytest.importorskip(f"cryptography.hazmat.primitives.asymmetric.{module}", reason=f"this cryptography has no {module}")
    if not hasattr(mod, cls):
        pytest.skip(f"this cryptography has no {cls}")
    return getattr(mod, cls)


@pytest.mark.parametrize("alg,cls", [("ml-kem-768", "MLKEM768PrivateKey"), ("ml-kem-1024", "MLKEM1024PrivateKey")])
def test_mlkem(alg, cls):
    Priv = _pq("mlkem", cls)
    for _ in range(4):
        seed = os.urandom(64)  # d || z in both libraries
        theirs = Priv.from_seed_bytes(seed)
        pk, sk = xps.kem_keypair(alg, seed=seed)
        assert pk == theirs.public_key().public_bytes_raw()
        ss, ct = theirs.public_key().encapsulate()
        assert xps.kem_decapsulate(alg, sk, ct) == ss
        ct2, ss2 = xps.kem_encapsulate(alg, pk)
        assert theirs.decapsulate(ct2) == ss2
        assert xps.DecapsulationKey(alg, sk).decapsulate(ct) == ss
        bad = ct[:-1] + bytes([ct[-1] ^ 1])  # implicit rejection agrees too
        assert xps.kem_decapsulate(alg, sk, bad) == theirs.decapsulate(bad) != ss


@pytest.mark.parametrize("alg,cls", [("ml-dsa-44", "MLDSA44PrivateKey"), ("ml-dsa-65", "MLDSA65PrivateKey"), ("ml-dsa-87", "MLDSA87PrivateKey")])
@pytest.mark.parametrize("size", [0, 17, 1000])
def test_mldsa(alg, cls, size):
    Priv = _pq("mldsa", cls)
    seed, msg = os.urandom(32), os.urandom(size)
    theirs = Priv.from_seed_bytes(seed)
    their_pk = theirs.public_key().public_bytes_raw()
    pk, sk = xps.sign_keypair(alg, seed=seed)
    assert pk == their_pk
    for ctx in (None, b"", os.urandom(255)):
        their_sig = theirs.sign(msg, ctx)
        assert xps.verify(alg, their_pk, msg, their_sig, context=ctx) is True
        assert xps.verify(alg, their_pk, msg, their_sig, context=b"other") is False
        for deterministic in (False, True):
            sig = xps.sign(alg, sk, msg, context=ctx, deterministic=deterministic)
            theirs.public_key().verify(sig, msg, ctx)
        with pytest.raises(InvalidSignature):
            theirs.public_key().verify(sig, msg + b"!", ctx)
