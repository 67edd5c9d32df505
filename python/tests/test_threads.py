"""Correctness under concurrency (large inputs run without the GIL). No timing assertions:
throughput belongs to the benchmarks, not to the tests."""

from __future__ import annotations

import hashlib
import hmac as std_hmac
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import xpscrypto as xps

MIB16 = 16 << 20


def _run_two(fn, args):
    """Runs fn(*args[0]) and fn(*args[1]) in two threads started together; returns both results."""
    start = threading.Barrier(2)

    def go(a):
        start.wait()
        return fn(*a)

    with ThreadPoolExecutor(2) as pool:
        return [f.result() for f in [pool.submit(go, a) for a in args]]


def _data(tag: int, n: int = MIB16) -> bytes:
    return (hashlib.shake_256(bytes([tag])).digest(4096) * (n // 4096 + 1))[:n]


def test_two_threads_hash_16mib():
    inputs = [(_data(1),), (bytearray(_data(2)),)]  # bytes (borrowed) and bytearray (copied)
    out = _run_two(lambda d: [xps.hash("sha256", d), xps.Hash("sha256").update(d).digest()], inputs)
    for (d,), got in zip(inputs, out):
        assert got == [hashlib.sha256(d).digest()] * 2


def test_two_threads_seal_16mib_aes256gcm():
    aesgcm = pytest.importorskip("cryptography.hazmat.primitives.ciphers.aead", reason="pyca/cryptography needed as the reference")
    key = bytes(range(32))
    shared = xps.AES256GCM(key)  # one key object used by both threads
    inputs = [(bytes(12), _data(3), b"one"), (b"\x01" * 12, bytearray(_data(4)), b"two")]

    def seal(nonce, pt, aad):
        ct = shared.encrypt(nonce, pt, aad)
        out = bytearray(len(pt) + 16)
        shared.encrypt_into(nonce, pt, out, aad)
        return ct, bytes(out), xps.aead_seal("aes-256-gcm", key, nonce, pt, aad)

    results = _run_two(seal, inputs)
    ref = aesgcm.AESGCM(key)
    for (nonce, pt, aad), (ct, ct_into, ct_flat) in zip(inputs, results):
        assert ct == ct_into == ct_flat == ref.encrypt(nonce, bytes(pt), aad)
    opened = _run_two(lambda n, c, a: shared.decrypt(n, c, a), [(n, r[0], a) for (n, _, a), r in zip(inputs, results)])
    assert opened == [bytes(pt) for _, pt, _ in inputs]


@pytest.mark.parametrize("kind", ["hash", "mac"])
def test_shared_stream_updated_under_a_lock(kind):
    """Both threads feed one Hash/Mac object; a lock serializes each update together with the same
    update of the reference, so the digests must match whatever the interleaving."""
    if kind == "hash":
        obj, ref = xps.Hash("sha512"), hashlib.sha512()
    else:
        obj, ref = xps.Mac("hmac-sha256", b"shared key"), std_hmac.new(b"shared key", digestmod="sha256")
    lock = threading.Lock()
    chunks = [_data(5, xps.DETACH_THRESHOLD * 2), b"x" * 100, _data(6, 8192), b""]

    def feed(tag):
        for i in range(40):
            c = bytes([tag, i]) + chunks[i % len(chunks)]
            with lock:
                obj.update(c)
                ref.update(c)

    _run_two(feed, [(1,), (2,)])
    assert (obj.digest() if kind == "hash" else obj.finalize()) == ref.digest()


@pytest.mark.parametrize("size", [3, xps.DETACH_THRESHOLD + 4096])
def test_shared_stream_without_a_lock_loses_nothing(size):
    """Both threads update one Hash with the same chunk: every interleaving gives the same data."""
    h = xps.Hash("sha256")
    chunk = _data(7, size)

    def feed():
        for _ in range(25):
            h.update(chunk)

    _run_two(feed, [(), ()])
    assert h.digest() == hashlib.sha256(chunk * 50).digest()
