"""Python benchmark: per-call overhead at 64 B and throughput at 16 KiB against pyca/cryptography
and hashlib in the same run, the binding's overhead against the Rust core (looped in Rust, same
process), and thread scaling of GIL-free calls (2 threads × 16 MiB vs 1).

Run: scripts/python-bench.sh   (prints Markdown tables for BENCHMARKS.md)"""

from __future__ import annotations

import hashlib
import os
import statistics
import sys
import threading
import time
from typing import Callable

import xpscrypto as xps

try:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

    HAVE_PYCA = True
except ImportError:  # pragma: no cover
    HAVE_PYCA = False


def per_call(fn: Callable[[], object], min_time: float = 0.3, repeats: int = 5) -> float:
    """Median seconds per call over `repeats` timed batches of at least `min_time` seconds."""
    n = 1
    while True:
        t = time.perf_counter()
        for _ in range(n):
            fn()
        if time.perf_counter() - t > min_time / 5:
            break
        n *= 4
    samples = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        samples.append((time.perf_counter() - t) / n)
    return statistics.median(samples)


def core_per_call(op: str, size: int, alloc: bool = True) -> float:
    """Rust core, looped in Rust: `alloc` = a new output per call (as Python returns new bytes)."""
    iters = max(1000, int(2e8 // max(size, 64)))
    xps._native._bench_core(op, size, iters // 10, alloc)  # warm up
    return statistics.median(xps._native._bench_core(op, size, iters, alloc) / iters for _ in range(5))


def row(name: str, size: int, ours: float, peers: dict[str, float], core: float | None) -> str:
    cells = [name, f"{size}", f"{ours * 1e9:,.0f} ns · {size / ours / 1e6:,.0f} MB/s"]
    for peer in ("pyca/cryptography", "hashlib"):
        v = peers.get(peer)
        cells.append(f"{v * 1e9:,.0f} ns ({v / ours:.2f}×)" if v else "—")
    cells.append(f"{core * 1e9:,.0f} ns ({ours / core:.3f})" if core else "—")
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    print(f"xpscrypto {xps.version()} · Python {sys.version.split()[0]} · CPU: {' '.join(xps.cpu_features())}\n")
    print("| op | bytes | xpscrypto | pyca/cryptography (peer/ours) | hashlib (peer/ours) | Rust core, same output kind (ours/core) |")
    print("|---|---|---|---|---|---|")
    key, nonce = os.urandom(32), os.urandom(12)
    box = xps.AES256GCM(key)
    cbox = xps.ChaCha20Poly1305(key)
    for size in (64, 16384):
        data = os.urandom(size)
        obj_peer: dict[str, float] = {}
        flat_peer: dict[str, float] = {}
        if HAVE_PYCA:
            pyca_box = AESGCM(key)
            obj_peer["pyca/cryptography"] = per_call(lambda: pyca_box.encrypt(nonce, data, None))
            flat_peer["pyca/cryptography"] = per_call(lambda: AESGCM(key).encrypt(nonce, data, None))
        print(row("aes-256-gcm seal (key object)", size, per_call(lambda: box.encrypt(nonce, data)), obj_peer, core_per_call("aes-256-gcm", size)))
        out = bytearray(size + 16)
        print(row("aes-256-gcm encrypt_into (reused buffer)", size, per_call(lambda: box.encrypt_into(nonce, data, out)), {}, core_per_call("aes-256-gcm", size, alloc=False)))
        print(row("aes-256-gcm seal (flat, key per call)", size, per_call(lambda: xps.aead_seal("aes-256-gcm", key, nonce, data)), flat_peer, None))
        if HAVE_PYCA:
            cc = ChaCha20Poly1305(key)
            print(row("chacha20-poly1305 seal (key object)", size, per_call(lambda: cbox.encrypt(nonce, data)), {"pyca/cryptography": per_call(lambda: cc.encrypt(nonce, data, None))}, core_per_call("chacha20-poly1305", size)))
        print(row("sha256", size, per_call(lambda: xps.hash("sha256", data)), {"hashlib": per_call(lambda: hashlib.sha256(data).digest())}, core_per_call("sha256", size)))
        print(row("sha3-256", size, per_call(lambda: xps.hash("sha3-256", data)), {"hashlib": per_call(lambda: hashlib.sha3_256(data).digest())}, core_per_call("sha3-256", size)))

    # The cost of releasing and re-taking the GIL: the same call just below and at the threshold.
    t = xps.DETACH_THRESHOLD
    below, at = os.urandom(t - 1), os.urandom(t)
    one_shots: list[tuple[str, Callable[[bytes], bytes]]] = [
        ("sha256", lambda d: xps.hash("sha256", d)),
        ("aes-256-gcm seal", lambda d: box.encrypt(nonce, d)),
    ]
    for name, call in one_shots:
        a, b = per_call(lambda: call(below)), per_call(lambda: call(at))
        print(f"\nGIL release at {t} B, {name}: {a * 1e9:,.0f} ns (GIL held, {t - 1} B) vs {b * 1e9:,.0f} ns (released, {t} B): "
              f"+{(b - a) * 1e9:,.0f} ns = {100 * (b - a) / a:.1f}%")

    print("\nThreads: each thread runs the call 8 times on its own 16 MiB input (GIL released at",
          xps.DETACH_THRESHOLD, "bytes); median of 5 after a warm-up. Ideal ratio on 2 free cores: 1.00")
    print("| op | 1 thread (8 × 16 MiB) | 2 threads (2 × 8 × 16 MiB) | ratio |")
    print("|---|---|---|---|")
    bigs = [os.urandom(16 << 20) for _ in range(2)]
    outs = [bytearray((16 << 20) + 16) for _ in range(2)]
    calls: list[tuple[str, Callable[[int], object]]] = [
        ("sha256", lambda i: xps.hash("sha256", bigs[i])),
        ("blake3", lambda i: xps.hash("blake3", bigs[i])),
        ("aes-256-gcm encrypt_into", lambda i: box.encrypt_into(nonce, bigs[i], outs[i])),
        ("aes-256-gcm encrypt (new bytes)", lambda i: box.encrypt(nonce, bigs[i])),
    ]
    for name, fn in calls:
        _timed(fn, 2)
        one = statistics.median(_timed(fn, 1) for _ in range(5))
        two = statistics.median(_timed(fn, 2) for _ in range(5))
        print(f"| {name} | {one * 1e3:.1f} ms | {two * 1e3:.1f} ms | {two / one:.2f} |")


def _timed(fn: Callable[[int], object], threads: int, reps: int = 8) -> float:
    def run(i: int) -> None:
        for _ in range(reps):
            fn(i)

    ts = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    t = time.perf_counter()
    for th in ts:
        th.start()
    for th in ts:
        th.join()
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
