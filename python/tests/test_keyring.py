"""xpscrypto.Keyring driven from Python: lifecycle over simulated months (manual clock), states and
refusals, rewrap, signatures/MACs/KEMs, events and the rotation thread, persistence (raw key and
passphrase), hostile files, crash safety under SIGKILL, concurrent writer processes, FIPS-like
mode, bad input, and the cross-language fixture tests/interop/keyring."""

from __future__ import annotations

import gc
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import xpscrypto as x
from xpscrypto import Keyring

T0 = 1_765_000_000
DAY = 86_400
KEK = bytes(range(7, 39))
# Small Argon2id parameters: tests exercise the format, not the cost.
FAST_ARGON = {"t_cost": 1, "m_cost_kib": 64, "parallelism": 1}
INTEROP = Path(__file__).resolve().parents[2] / "tests" / "interop" / "keyring"


def status_of(exc: pytest.ExceptionInfo[x.Error]) -> str:
    return exc.value.name


def unique(prefix: str) -> str:
    """A key name no other test uses (the core announces "planned" once per keyring, key and
    version; a fresh name keeps that independent of other keyrings)."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture(autouse=True)
def default_policy() -> Iterator[None]:
    x.policy_replace(x.policy_default())
    try:
        yield
    finally:
        x.policy_replace(x.policy_default())


# ------------------------------------------------------------------------------- lifecycle


def test_lifecycle_over_simulated_months() -> None:
    kr = Keyring.in_memory(manual_clock=T0)
    name = unique("orders")
    assert kr.generate(name, "aes-256-gcm", policy={"max_age": 30 * DAY, "max_uses": None, "overlap": 10 * DAY}) == 1
    seen: list[Any] = []
    kr.subscribe(seen.append)
    ticked: list[Any] = []
    made: list[tuple[int, int, bytes]] = []
    for day in range(120):
        kr.set_clock(T0 + day * DAY)
        ticked += kr.tick()
        env = kr.encrypt(name, f"day {day}".encode(), b"ctx")
        version = kr.describe(name)["primary"]
        assert version is not None
        made.append((day, version, env))
        for d, v, e in made:
            usable = kr.now() < T0 + v * 30 * DAY + 10 * DAY  # primary for 30 days, then 10 of overlap
            if usable:
                assert kr.decrypt(e, b"ctx") == f"day {d}".encode(), (day, d, v)
            else:
                with pytest.raises(x.PolicyError) as ei:
                    kr.decrypt(e, b"ctx")
                assert status_of(ei) == "XPS_E_KEY_RETIRED" and ei.value.status == 303, (day, d, v)
    info = kr.describe(name)
    assert info["primary"] == 4
    assert [v["state"] for v in info["versions"]] == ["retired", "retired", "retired", "primary"]
    assert all(v["alg"] == "aes-256-gcm" and v["public_key"] == b"" for v in info["versions"])

    def days(kind: str, field: str) -> list[tuple[int | None, int]]:
        return [(e[field], (e["time"] - T0) // DAY) for e in seen if e["kind"] == kind]

    assert days("rotated", "old_version") == [(1, 30), (2, 60), (3, 90)]
    assert [e["new_version"] for e in seen if e["kind"] == "rotated"] == [2, 3, 4]
    assert days("retired", "old_version") == [(1, 40), (2, 70), (3, 100)]
    assert days("planned", "old_version") == [(1, 23), (2, 53), (3, 83), (4, 113)]
    assert all(e["key"] == name and e["actor"] in ("api", "auto-rotation") for e in ticked)  # the core says "auto-rotation" for tick()
    # tick() returns the planned and retired events; rotations reach the listeners and the queue
    # (the core's tick() does not return its rotations).
    assert {"planned", "retired"} <= {e["kind"] for e in ticked}
    # The queue saw the same events as the listener (subscribed after generate).
    queued = kr.events()
    assert queued[1:] == seen and queued[0]["kind"] == "generated" and queued[0]["actor"] == "api"
    assert kr.events() == []
    assert set(queued[0]) == {"kind", "key", "old_version", "new_version", "time", "actor", "reason"}


def test_min_decryption_version_revoke_destroy_expiry() -> None:
    kr = Keyring.in_memory(manual_clock=T0)
    kr.generate("k", "xchacha20-poly1305", policy={"max_age": None, "overlap": 100 * DAY})
    e1 = kr.encrypt("k", b"one")
    assert kr.rotate("k") == 2
    e2 = kr.encrypt("k", b"two")
    assert kr.rotate("k") == 3
    e3 = kr.encrypt("k", b"three")
    assert kr.decrypt(e1) == b"one"
    kr.set_min_decryption_version("k", 2)
    assert kr.describe("k")["min_decryption_version"] == 2
    with pytest.raises(x.PolicyError) as ei:
        kr.decrypt(e1)
    assert status_of(ei) == "XPS_E_BELOW_MIN_DECRYPTION_VERSION"
    assert kr.decrypt(e2) == b"two"
    with pytest.raises(x.InvalidInputError) as ei2:
        kr.set_min_decryption_version("k", 9)
    assert status_of(ei2) == "XPS_E_INVALID_PARAMETER"
    kr.revoke("k", 2)
    with pytest.raises(x.PolicyError) as ei:
        kr.decrypt(e2)
    assert status_of(ei) == "XPS_E_KEY_REVOKED"
    with pytest.raises(x.InvalidInputError) as ei2:
        kr.destroy("k", 3)
    assert status_of(ei2) == "XPS_E_INVALID_STATE"
    kr.destroy("k", 2)
    with pytest.raises(x.PolicyError) as ei:
        kr.decrypt(e2)
    assert status_of(ei) == "XPS_E_KEY_DESTROYED"
    with pytest.raises(x.PolicyError) as ei:
        kr.revoke("k", 2)
    assert status_of(ei) == "XPS_E_KEY_DESTROYED"
    assert [v["state"] for v in kr.describe("k")["versions"]] == ["decrypt-only", "destroyed", "primary"]
    assert kr.decrypt(e3) == b"three"
    kinds = [e["kind"] for e in kr.events()]
    assert kinds == ["generated", "rotated", "rotated", "min-decryption-version", "revoked", "destroyed"]
    # Expiry retires (refused at once; tick records it).
    kr.set_expiry("k", 3, kr.now() + DAY)
    assert kr.describe("k")["versions"][2]["expires"] == T0 + DAY
    assert kr.advance_clock(2 * DAY) == T0 + 2 * DAY
    with pytest.raises(x.PolicyError) as ei:
        kr.decrypt(e3)
    assert status_of(ei) == "XPS_E_KEY_RETIRED"
    kr.set_expiry("k", 3, None)
    assert kr.decrypt(e3) == b"three"


def test_rotation_policy_max_uses_and_set_rotation_policy() -> None:
    kr = Keyring.in_memory(manual_clock=T0)
    kr.generate("u", "aes-128-gcm", policy={"max_uses": 5})
    pol = kr.describe("u")["policy"]
    assert pol == {"max_age": 90 * DAY, "max_uses": 5, "overlap": 30 * DAY}, "keys left out take the default for the algorithm"
    envs = [kr.encrypt("u", bytes([i])) for i in range(12)]
    info = kr.describe("u")
    assert all(v["uses"] <= 5 for v in info["versions"])
    assert info["primary"] == 3, "an exhausted primary rotates on the spot"
    assert [kr.decrypt(e) for e in envs] == [bytes([i]) for i in range(12)]
    kr.set_rotation_policy("u", {"overlap": 0})
    assert kr.describe("u")["policy"] == {"max_age": 90 * DAY, "max_uses": 5, "overlap": 0}
    kr.rotate("u")
    with pytest.raises(x.PolicyError):
        kr.decrypt(envs[-1])  # overlap 0: the old primary retired at once
    assert kr.describe("u")["versions"][2]["state"] == "retired"
    # The default policy: AES-GCM keys are bounded at 2^32 uses, others unbounded.
    kr.generate("d1", "aes-256-gcm")
    kr.generate("d2", "chacha20-poly1305")
    assert kr.describe("d1")["policy"] == {"max_age": 90 * DAY, "max_uses": 2**32, "overlap": 30 * DAY}
    assert kr.describe("d2")["policy"]["max_uses"] is None


def test_rewrap_and_rewrap_many() -> None:
    kr = Keyring.in_memory(manual_clock=T0)
    kr.generate("r", "aes-256-gcm", policy={"overlap": DAY})
    old = [kr.encrypt("r", f"m{i}".encode(), b"a") for i in range(5)]
    kr.rotate("r", "xchacha20-poly1305")  # a rotation may change the algorithm
    new = kr.rewrap(old[0], b"a")
    assert new != old[0] and kr.decrypt(new, b"a") == b"m0"
    assert kr.envelope_len("r", 2) == len(new)
    with pytest.raises(x.AuthenticationError):
        kr.rewrap(old[0], b"wrong aad")
    batch = kr.rewrap_many([*old, b"garbage", bytearray(old[1])], b"a")
    assert len(batch) == 7
    for i in range(5):
        b = batch[i]
        assert isinstance(b, bytes) and kr.decrypt(b, b"a") == f"m{i}".encode()
    bad = batch[5]
    assert isinstance(bad, x.InvalidInputError) and bad.name == "XPS_E_MALFORMED_ENVELOPE"
    assert isinstance(batch[6], bytes)
    kr.advance_clock(2 * DAY)
    kr.tick()
    refused = kr.rewrap_many(old, b"a")
    assert all(isinstance(r, x.PolicyError) and r.name == "XPS_E_KEY_RETIRED" for r in refused)
    assert kr.rewrap_many([], b"a") == []


def test_envelopes_are_checked() -> None:
    kr = Keyring.in_memory()
    kr.generate("e", "aes-256-gcm")
    env = kr.encrypt("e", b"secret", b"ctx")
    assert env[:4] == b"XPSE"
    for i in range(len(env)):
        bad = bytearray(env)
        bad[i] ^= 0x01
        with pytest.raises(x.Error):
            kr.decrypt(bytes(bad), b"ctx")
    for n in range(len(env)):
        with pytest.raises(x.Error):
            kr.decrypt(env[:n], b"ctx")
    with pytest.raises(x.InvalidInputError) as ei:
        kr.decrypt(env[:4] + b"\x09" + env[5:], b"ctx")
    assert status_of(ei) == "XPS_E_UNSUPPORTED_FORMAT"
    other = Keyring.in_memory()
    with pytest.raises(x.InvalidInputError) as ei:
        other.decrypt(env, b"ctx")
    assert status_of(ei) == "XPS_E_UNKNOWN_KEY"
    # memoryview / bytearray inputs.
    assert kr.decrypt(memoryview(env), bytearray(b"ctx")) == b"secret"


def test_seal_open_sealed_and_default_aead() -> None:
    kr = Keyring.in_memory()
    assert Keyring.default_aead() in ("aes-256-gcm", "xchacha20-poly1305")
    env = kr.seal("auto", b"hello", b"aad")
    assert kr.describe("auto")["versions"][0]["alg"] == Keyring.default_aead()
    assert kr.open_sealed(env, b"aad") == b"hello"
    assert kr.decrypt(env, b"aad") == b"hello"
    assert kr.open_sealed(kr.seal("auto", b"again"), None) == b"again"


# ---------------------------------------------------------------------- signatures, MACs, KEMs


def test_sign_verify_and_public_keys() -> None:
    kr = Keyring.in_memory(manual_clock=T0)
    kr.generate("s", "ed25519", policy={"overlap": DAY})
    sig = kr.sign("s", b"message")
    kr.verify(sig, b"message")  # returns None; raises on failure
    with pytest.raises(x.AuthenticationError) as ei:
        kr.verify(sig, b"other")
    assert status_of(ei) == "XPS_E_BAD_SIGNATURE"
    v, alg, pk = kr.public_key("s")
    assert (v, alg, len(pk)) == (1, "ed25519", 32)
    assert kr.describe("s")["versions"][0]["public_key"] == pk
    # The signature inside the envelope is a standard one over the message.
    body = sig[15 + len("s"):]
    assert x.verify("ed25519", pk, b"message", body)
    kr.rotate("s", "ml-dsa-65")
    sig2 = kr.sign("s", b"message")
    assert kr.public_key("s")[:2] == (2, "ml-dsa-65")
    assert kr.public_key("s", version=1) == (1, "ed25519", pk)
    kr.verify(sig, b"message")  # old version still verifies within the overlap
    kr.verify(sig2, b"message")
    kr.revoke("s", 1)
    with pytest.raises(x.PolicyError):
        kr.verify(sig, b"message")
    with pytest.raises(x.InvalidInputError) as ei2:
        kr.decrypt(sig2)
    assert status_of(ei2) == "XPS_E_WRONG_ALGORITHM_FAMILY"
    # Imported from a seed: the same key as the flat API's.
    seed = bytes(range(32))
    kr.import_key("imp", "ed25519", seed, seed=True)
    assert kr.public_key("imp")[2] == x.sign_keypair("ed25519", seed)[0]
    _, sk = x.sign_keypair("ed25519", bytes(range(1, 33)))
    assert kr.import_key("imp", "ed25519", sk, primary=True) == 2
    assert kr.public_key("imp")[2] == x.sign_public_from_secret("ed25519", sk)


def test_mac_and_verify_mac() -> None:
    kr = Keyring.in_memory()
    key = bytes(range(32))
    assert kr.import_key("m", "hmac-sha256", key) == 1
    v, tag = kr.mac("m", b"data")
    assert v == 1 and tag == x.hmac("hmac-sha256", key, b"data")
    kr.verify_mac("m", 1, b"data", tag)
    with pytest.raises(x.AuthenticationError):
        kr.verify_mac("m", 1, b"data", bytes(32))
    kr.rotate("m")
    v2, tag2 = kr.mac("m", b"data")
    assert v2 == 2 and tag2 != tag
    kr.verify_mac("m", 1, b"data", tag)
    with pytest.raises(x.InvalidInputError) as ei:
        kr.public_key("m")
    assert status_of(ei) == "XPS_E_WRONG_ALGORITHM_FAMILY"
    kr.generate("b3", "blake3-keyed")
    v3, t3 = kr.mac("b3", b"z")
    kr.verify_mac("b3", v3, b"z", t3)


@pytest.mark.parametrize("alg", ["ml-kem-768", "x25519", "x-wing"])
def test_kem_decapsulate_with_public_key(alg: str) -> None:
    kr = Keyring.in_memory(manual_clock=T0)
    kr.generate("kem", alg)
    v, a, pk = kr.public_key("kem")
    assert (v, a) == (1, alg)
    ct, ss = x.kem_encapsulate(alg, pk)
    assert kr.decapsulate("kem", ct) == ss
    kr.rotate("kem")
    _, _, pk2 = kr.public_key("kem")
    ct2, ss2 = x.kem_encapsulate(alg, pk2)
    assert kr.decapsulate("kem", ct2) == ss2
    assert kr.decapsulate("kem", ct, version=1) == ss
    kr.revoke("kem", 1)
    with pytest.raises(x.PolicyError):
        kr.decapsulate("kem", ct, version=1)
    with pytest.raises(x.InvalidInputError):
        kr.decapsulate("kem", ct, version=7)
    # KEM keys are imported from their seed only.
    seed = bytes(x.kem_seedbytes(alg) or 32)
    kr.import_key("kseed", alg, seed, seed=True)
    assert kr.public_key("kseed")[2] == x.kem_keypair(alg, seed)[0]
    with pytest.raises(x.InvalidInputError):
        kr.import_key("kraw", alg, seed)


# ------------------------------------------------------------------- events, thread, audit


def test_auto_rotation_thread_calls_listeners() -> None:
    kr = Keyring.in_memory(manual_clock=T0)
    kr.generate("auto", "chacha20-poly1305", policy={"max_age": 100, "overlap": 10})
    got: list[tuple[str, str, str]] = []
    done = threading.Event()

    def listener(e: Any) -> None:
        # Runs on the rotation thread and may call back into the keyring.
        got.append((e["kind"], e["actor"], threading.current_thread().name))
        kr.describe("auto")
        if e["kind"] == "retired":
            done.set()

    lid = kr.subscribe(listener)
    assert not kr.auto_rotation_running
    kr.start_auto_rotation(5)
    assert kr.auto_rotation_running
    kr.advance_clock(100)
    time.sleep(0.05)
    kr.advance_clock(20)
    assert done.wait(10), got
    kr.stop_auto_rotation()
    assert not kr.auto_rotation_running
    kinds = [k for k, _, _ in got]
    assert "rotated" in kinds and "retired" in kinds
    assert all(actor == "auto-rotation" for _, actor, _ in got)
    assert all(t != threading.current_thread().name for _, _, t in got)
    assert kr.unsubscribe(lid) is True and kr.unsubscribe(lid) is False
    with pytest.raises(x.InvalidInputError):
        kr.start_auto_rotation(0)


def test_raising_listener_does_not_break_the_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    reported: list[BaseException | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: reported.append(u.exc_value))
    kr = Keyring.in_memory()
    seen: list[str] = []

    def bad(e: Any) -> None:
        raise RuntimeError("listener bug")

    kr.subscribe(bad)
    kr.subscribe(lambda e: seen.append(e["kind"]))
    kr.generate("k", "aes-256-gcm")
    kr.rotate("k")
    assert kr.decrypt(kr.encrypt("k", b"ok")) == b"ok"
    assert seen == ["generated", "rotated"]
    assert len(reported) == 2 and all(isinstance(r, RuntimeError) for r in reported)
    with pytest.raises(TypeError):
        kr.subscribe(42)  # type: ignore[arg-type]


def test_close_and_context_manager_stop_the_thread() -> None:
    with Keyring.in_memory(manual_clock=T0) as kr:
        kr.generate("c", "aes-256-gcm", policy={"max_age": 1})
        calls: list[str] = []
        kr.subscribe(lambda e: calls.append(e["kind"]))
        kr.start_auto_rotation(1)
        kr.advance_clock(5)
        time.sleep(0.02)
    assert not kr.auto_rotation_running
    n = len(calls)
    kr.rotate("c")
    assert len(calls) == n, "close() removes the listeners subscribed through the object"
    # Dropping a keyring whose thread is running (listener waiting for the GIL) does not hang.
    kr2 = Keyring.in_memory(manual_clock=T0)
    kr2.generate("d", "aes-256-gcm", policy={"max_age": 1, "overlap": 0})
    kr2.subscribe(lambda e: time.sleep(0.001))
    kr2.start_auto_rotation(1)
    for _ in range(20):
        kr2.advance_clock(2)
        time.sleep(0.002)
    del kr2
    gc.collect()


_HOLD_LOCK = """
import fcntl, sys, time
f = open(sys.argv[1], "a")
fcntl.flock(f, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="flock")
def test_dropping_a_file_keyring_waits_for_the_file_lock_without_the_gil(tmp_path: Path) -> None:
    path = tmp_path / "drop.xpk"
    kr = Keyring.create(path, raw_key=KEK)
    name = unique("lease")
    kr.generate(name, "aes-256-gcm")
    kr.encrypt(name, b"x")  # a use lease: dropping the keyring gives back its unused part, under the file lock
    holder = [kr]
    del kr
    hold = 4.0
    locker = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, f"{path}.lock", str(hold)], stdout=subprocess.PIPE, text=True)
    try:
        assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
        dropper = threading.Thread(target=holder.clear)  # the last reference: Keyring's Drop runs there
        start = time.monotonic()
        dropper.start()
        time.sleep(0.3)
        elapsed = time.monotonic() - start
        assert elapsed < hold / 2, f"this thread was blocked {elapsed:.1f} s: the drop waited for the file lock holding the GIL"
        assert dropper.is_alive(), "the drop waits for the file lock"
    finally:
        locker.wait(timeout=30)
    dropper.join(timeout=30)
    assert not dropper.is_alive()
    with Keyring.open(path, raw_key=KEK) as again:
        assert again.describe(name)["versions"][0]["uses"] == 1, "the drop gave the unused uses back"


def test_audit_log_records_lifecycle_without_material(tmp_path: Path) -> None:
    kr = Keyring.in_memory(manual_clock=T0)
    log = tmp_path / "audit.jsonl"
    kr.set_audit_log(log)
    key = bytes(range(100, 132))
    kr.import_key("a", "aes-256-gcm", key)
    kr.rotate("a")
    kr.revoke("a", 1)
    kr.set_audit_log(None)
    kr.rotate("a")
    recs = [json.loads(line) for line in log.read_text().splitlines()]
    assert [r["action"] for r in recs] == ["imported", "rotated", "revoked"]
    assert recs[1]["old_version"] == 1 and recs[1]["new_version"] == 2 and recs[1]["keyring_time"] == T0
    assert all(r["key"] == "a" and r["pid"] == os.getpid() for r in recs)
    text = log.read_text()
    assert key.hex() not in text and key.hex().upper() not in text
    with pytest.raises(x.InvalidInputError):
        kr.set_audit_log("")


def test_clock_methods() -> None:
    kr = Keyring.in_memory(manual_clock=123)
    assert kr.now() == 123
    kr.set_clock(1000)
    assert kr.advance_clock(5) == 1005 == kr.now()
    sysk = Keyring.in_memory()
    assert abs(sysk.now() - time.time()) < 5
    for call in (lambda: sysk.set_clock(1), lambda: sysk.advance_clock(1)):
        with pytest.raises(x.InvalidInputError) as ei:
            call()
        assert status_of(ei) == "XPS_E_INVALID_STATE" and ei.value.status == 113


# ------------------------------------------------------------------------------ persistence


def test_persistence_with_raw_key(tmp_path: Path) -> None:
    p = tmp_path / "k.xpk"
    kr = Keyring.create(p, raw_key=KEK, manual_clock=T0)
    assert kr.path == p and str(p) in repr(kr)
    kr.generate("aes", "aes-256-gcm")
    kr.generate("sig", "ml-dsa-44")
    env = kr.encrypt("aes", b"persisted", b"x")
    sig = kr.sign("sig", b"m")
    kr.rotate("aes")
    again = Keyring.open(str(p), raw_key=bytearray(KEK), manual_clock=T0)
    assert again.decrypt(env, b"x") == b"persisted"
    again.verify(sig, b"m")
    assert [k["name"] for k in again.list()] == ["aes", "sig"]
    assert again.describe("aes")["primary"] == 2
    # Another handle's change is seen after refresh (and by decrypt of an unknown version).
    kr.rotate("aes")
    again.refresh()
    assert again.describe("aes")["primary"] == 3
    e3 = kr.encrypt("aes", b"v3")
    assert again.decrypt(e3) == b"v3"
    with pytest.raises(x.InvalidInputError) as ei:
        Keyring.create(p, raw_key=KEK)
    assert status_of(ei) == "XPS_E_KEY_EXISTS"
    with pytest.raises(x.AuthenticationError):
        Keyring.open(p, raw_key=bytes(32))
    with pytest.raises(x.InvalidInputError) as ei:
        Keyring.open(p, passphrase="not a raw-key file")
    assert status_of(ei) == "XPS_E_INVALID_PARAMETER"
    with pytest.raises(x.ResourceError) as er:
        Keyring.open(tmp_path / "missing.xpk", raw_key=KEK)
    assert status_of(er) == "XPS_E_KEYRING_IO"
    assert "persisted" not in repr(again) and KEK.hex() not in repr(again)


def test_persistence_with_passphrase_and_save_as(tmp_path: Path) -> None:
    p = tmp_path / "pw.xpk"
    kr = Keyring.create(p, passphrase="correct horse", argon2id=FAST_ARGON)
    kr.generate("k", "xchacha20-poly1305")
    env = kr.encrypt("k", b"behind a passphrase")
    assert Keyring.open(p, passphrase=b"correct horse").decrypt(env) == b"behind a passphrase"
    with pytest.raises(x.AuthenticationError) as ei:
        Keyring.open(p, passphrase="wrong horse")
    assert status_of(ei) == "XPS_E_AUTHENTICATION_FAILED"
    with pytest.raises(x.InvalidInputError):
        Keyring.open(p, raw_key=KEK)
    # save_as: a copy under a raw key; an in-memory keyring moved to disk.
    raw = tmp_path / "copy.xpk"
    kr.save_as(raw, raw_key=KEK)
    assert Keyring.open(raw, raw_key=KEK).decrypt(env) == b"behind a passphrase"
    with pytest.raises(x.InvalidInputError) as ei2:
        kr.save_as(raw, raw_key=KEK)
    assert status_of(ei2) == "XPS_E_KEY_EXISTS"
    mem = Keyring.in_memory()
    mem.generate("m", "aes-128-gcm")
    e2 = mem.encrypt("m", b"from memory")
    mem.save_as(tmp_path / "mem.xpk", passphrase="pw2", argon2id=FAST_ARGON)
    assert mem.path is None
    assert Keyring.open(tmp_path / "mem.xpk", passphrase="pw2").decrypt(e2) == b"from memory"


def hostile_statuses() -> set[str]:
    return {"XPS_E_AUTHENTICATION_FAILED", "XPS_E_MALFORMED_KEYRING", "XPS_E_UNSUPPORTED_FORMAT", "XPS_E_INVALID_PARAMETER"}


def test_hostile_files_are_refused_cleanly(tmp_path: Path) -> None:
    p = tmp_path / "small.xpk"
    kr = Keyring.create(p, raw_key=KEK)
    kr.generate("k", "aes-128-gcm")
    good = p.read_bytes()
    assert good[:4] == b"XPSK" and len(good) < 400
    q = tmp_path / "bad.xpk"

    def refused(data: bytes) -> x.Error:
        q.write_bytes(data)
        with pytest.raises(x.Error) as ei:
            Keyring.open(q, raw_key=KEK)
        return ei.value

    # Every byte flipped (two patterns).
    for i in range(len(good)):
        for mask in (0x01, 0xFF):
            bad = bytearray(good)
            bad[i] ^= mask
            e = refused(bytes(bad))
            assert e.name in hostile_statuses(), (i, mask, e)
    # Every truncation.
    for n in range(len(good)):
        e = refused(good[:n])
        assert e.name in {"XPS_E_MALFORMED_KEYRING", "XPS_E_AUTHENTICATION_FAILED"}, (n, e)
    assert refused(b"").name == "XPS_E_MALFORMED_KEYRING"
    # Another format version.
    future = bytearray(good)
    future[4] = 2
    e = refused(bytes(future))
    assert e.name == "XPS_E_UNSUPPORTED_FORMAT" and isinstance(e, x.InvalidInputError)
    # Foreign files.
    for foreign in (b"\x89PNG\r\n\x1a\n" + bytes(200), b"hello world\n" * 20, os.urandom(300), b"XPSE" + bytes(100)):
        assert refused(foreign).name == "XPS_E_MALFORMED_KEYRING"
    # A directory, not a file.
    with pytest.raises(x.Error):
        Keyring.open(tmp_path, raw_key=KEK)
    # Trailing garbage.
    assert refused(good + b"\x00").name in hostile_statuses()
    # The original still opens.
    assert Keyring.open(p, raw_key=KEK).describe("k")["primary"] == 1


# ------------------------------------------------------------------ crash safety, concurrency

CHILD = r"""
import sys
import xpscrypto
kr = xpscrypto.Keyring.open(sys.argv[1], raw_key=bytes.fromhex(sys.argv[2]))
limit = int(sys.argv[3])
print("ready", flush=True)
n = 0
while limit < 0 or n < limit:
    v = kr.rotate("k")
    print(f"done {v}", flush=True)
    n += 1
"""


def spawn(path: Path, limit: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), KEK.hex(), str(limit)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=path.parent,
    )


def done_versions(out: str) -> list[int]:
    # Only complete lines: a line is written whole, after the rotation returned.
    return [int(line.split()[1]) for line in out.split("\n")[:-1] if line.startswith("done ")]


def test_sigkill_during_rotation_loses_nothing_reported(tmp_path: Path) -> None:
    p = tmp_path / "crash.xpk"
    Keyring.create(p, raw_key=KEK).generate("k", "aes-256-gcm")
    rng = random.Random(0x5EED)
    reported: set[int] = set()
    kills = 0
    start = time.monotonic()
    while kills < 100 and time.monotonic() - start < 50:
        child = spawn(p, -1)
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n", child.stderr.read() if child.stderr else ""
        time.sleep(rng.uniform(0, 0.04))
        os.kill(child.pid, signal.SIGKILL)
        out, _ = child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL
        kills += 1
        reported.update(done_versions(out))
        # The keyring always opens, with every rotation a child reported done.
        kr = Keyring.open(p, raw_key=KEK)
        have = {v["version"] for v in kr.describe("k")["versions"]}
        missing = reported - have
        assert not missing, f"kill {kills}: reported versions lost: {sorted(missing)}"
        assert sum(v["state"] == "primary" for v in kr.describe("k")["versions"]) == 1
    assert kills >= 30, f"only {kills} kills in the time budget"
    assert len(reported) > kills // 2, "the children should have completed rotations between kills"
    # Leftover temporary files never confuse the next open.
    final = Keyring.open(p, raw_key=KEK)
    assert final.rotate("k") == max(v["version"] for v in final.describe("k")["versions"])


def test_two_processes_rotating_concurrently_lose_no_update(tmp_path: Path) -> None:
    p = tmp_path / "shared.xpk"
    kr = Keyring.create(p, raw_key=KEK)
    kr.generate("k", "aes-256-gcm")
    n = 60
    children = [spawn(p, n) for _ in range(2)]
    outs = [c.communicate(timeout=120) for c in children]
    for c, (out, err) in zip(children, outs):
        assert c.returncode == 0, err
    per_child = [done_versions(out) for out, _ in outs]
    assert [len(v) for v in per_child] == [n, n]
    all_versions = per_child[0] + per_child[1]
    assert len(set(all_versions)) == 2 * n, "two rotations reported the same version"
    kr.refresh()
    info = kr.describe("k")
    assert len(info["versions"]) == 1 + 2 * n
    assert info["primary"] == 1 + 2 * n
    assert sorted(all_versions) == list(range(2, 2 + 2 * n))


def test_threads_share_one_file_backed_keyring(tmp_path: Path) -> None:
    kr = Keyring.create(tmp_path / "t.xpk", raw_key=KEK)
    kr.generate("k", "aes-256-gcm")
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(100):
                msg = f"{i}/{j}".encode()
                assert kr.decrypt(kr.encrypt("k", msg, b"t"), b"t") == msg
                if j % 25 == 0:
                    kr.rotate("k")
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert kr.describe("k")["primary"] == 1 + 4 * 4


# ------------------------------------------------------------------------------ FIPS mode


def test_fips_mode_refuses_non_approved_algorithms() -> None:
    kr = Keyring.in_memory()
    kr.generate("pre", "xchacha20-poly1305")
    env = kr.encrypt("pre", b"before fips")
    x.policy_set_fips_mode(True)
    assert x.policy_fips_mode()
    for alg in ("xchacha20-poly1305", "chacha20-poly1305", "blake3-keyed", "x25519", "x-wing"):
        with pytest.raises(x.PolicyError) as ei:
            kr.generate(unique("f"), alg)
        assert status_of(ei) == "XPS_E_POLICY_DENIED" and "fips_mode" in ei.value.detail, alg
    with pytest.raises(x.PolicyError):
        kr.import_key("imp", "chacha20-poly1305", bytes(32))
    with pytest.raises(x.PolicyError):
        kr.rotate("pre", "x-wing")
    # Keys made before FIPS mode are refused when used.
    with pytest.raises(x.PolicyError) as ei:
        kr.decrypt(env)
    assert status_of(ei) == "XPS_E_POLICY_DENIED"
    with pytest.raises(x.PolicyError):
        kr.encrypt("pre", b"x")
    # Approved algorithms work; seal picks AES-256-GCM.
    assert Keyring.default_aead() == "aes-256-gcm"
    kr.generate("aes", "aes-256-gcm")
    assert kr.decrypt(kr.encrypt("aes", b"ok")) == b"ok"
    assert kr.open_sealed(kr.seal("sealed", b"s")) == b"s"
    assert kr.describe("sealed")["versions"][0]["alg"] == "aes-256-gcm"
    kr.generate("h", "hmac-sha256")
    v, t = kr.mac("h", b"d")
    kr.verify_mac("h", v, b"d", t)
    kr.generate("sig", "ml-dsa-65")
    kr.verify(kr.sign("sig", b"m"), b"m")
    kr.generate("kem", "ml-kem-768")
    x.policy_set_fips_mode(False)
    assert kr.decrypt(env) == b"before fips"


# ------------------------------------------------------------------------------ bad input


def test_bad_input() -> None:
    kr = Keyring.in_memory()
    with pytest.raises(TypeError):
        Keyring()
    kr.generate("k", "aes-256-gcm")
    with pytest.raises(TypeError, match="str"):
        kr.encrypt("k", "text")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        kr.decrypt("text")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        kr.encrypt("k", b"x", "aad")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        kr.generate(b"k2", "aes-256-gcm")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        kr.rewrap_many([b"x", "y"])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        kr.import_key("i", "aes-256-gcm", "k" * 32)  # type: ignore[arg-type]
    with pytest.raises(x.InvalidInputError) as ei:
        kr.generate("u", "aes-999")
    assert status_of(ei) == "XPS_E_UNKNOWN_ALGORITHM"
    with pytest.raises(x.InvalidInputError) as ei:
        kr.rotate("k", "nope")
    assert status_of(ei) == "XPS_E_UNKNOWN_ALGORITHM"
    for alg in ("sha256", "hkdf-sha256", "argon2id"):
        with pytest.raises(x.InvalidInputError) as ei:
            kr.generate("f", alg)
        assert status_of(ei) == "XPS_E_WRONG_ALGORITHM_FAMILY", alg
    with pytest.raises(x.InvalidInputError) as ei:
        kr.generate("p", "poly1305")
    assert status_of(ei) == "XPS_E_INVALID_PARAMETER"
    for bad in ("", "a b", "x" * 65, "é", "a/b", "nul\0"):
        with pytest.raises(x.InvalidInputError) as ei:
            kr.generate(bad, "aes-256-gcm")
        assert status_of(ei) == "XPS_E_INVALID_PARAMETER", bad
    assert kr.generate("A.b_c-9" + "z" * 57, "aes-256-gcm") == 1
    with pytest.raises(x.InvalidInputError) as ei:
        kr.generate("k", "aes-256-gcm")
    assert status_of(ei) == "XPS_E_KEY_EXISTS"
    for call in (lambda: kr.encrypt("none", b""), lambda: kr.rotate("none"), lambda: kr.describe("none"), lambda: kr.revoke("k", 9)):
        with pytest.raises(x.InvalidInputError) as ei:
            call()
        assert status_of(ei) == "XPS_E_UNKNOWN_KEY"
    with pytest.raises(x.InvalidInputError) as ei:
        kr.import_key("short", "aes-256-gcm", bytes(16))
    assert status_of(ei) == "XPS_E_BAD_KEY_LENGTH"
    with pytest.raises(x.InvalidInputError):
        kr.import_key("mseed", "aes-256-gcm", bytes(32), seed=True)
    with pytest.raises(OverflowError):
        kr.revoke("k", -1)
    with pytest.raises(ValueError, match="unknown rotation policy key"):
        kr.generate("p2", "aes-256-gcm", policy={"max_agee": 1})
    with pytest.raises(TypeError):
        kr.generate("p3", "aes-256-gcm", policy=[1, 2])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        kr.set_rotation_policy("k", {"overlap": "long"})  # type: ignore[dict-item]
    with pytest.raises(x.InvalidInputError) as ei:
        kr.envelope_len("none", 1)
    kr.generate("sig", "ed25519")
    with pytest.raises(x.InvalidInputError) as ei:
        kr.envelope_len("sig", 1)
    assert status_of(ei) == "XPS_E_WRONG_ALGORITHM_FAMILY"
    with pytest.raises(x.InvalidInputError) as ei:
        kr.encrypt("sig", b"x")
    assert status_of(ei) == "XPS_E_WRONG_ALGORITHM_FAMILY"
    with pytest.raises(x.InvalidInputError) as ei:
        kr.sign("k", b"x")
    assert status_of(ei) == "XPS_E_WRONG_ALGORITHM_FAMILY"


def test_kek_arguments(tmp_path: Path) -> None:
    p = tmp_path / "a.xpk"
    for kwargs in ({}, {"passphrase": "pw", "raw_key": KEK}):
        with pytest.raises(x.InvalidInputError) as ei:
            Keyring.create(p, **kwargs)  # type: ignore[arg-type]
        assert status_of(ei) == "XPS_E_INVALID_PARAMETER"
        with pytest.raises(x.InvalidInputError):
            Keyring.open(p, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(x.InvalidInputError):
        Keyring.create(p, raw_key=KEK, argon2id=FAST_ARGON)
    with pytest.raises(x.Error):
        Keyring.create(p, raw_key=bytes(31))
    with pytest.raises(TypeError):
        Keyring.create(p, raw_key="x" * 32)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown argon2id parameter"):
        Keyring.create(p, passphrase="pw", argon2id={"memory": 1})
    with pytest.raises(x.InvalidInputError):
        Keyring.create(p, passphrase="pw", argon2id={"t_cost": 0, "m_cost_kib": 64, "parallelism": 1})
    assert not p.exists()
    with pytest.raises(TypeError):
        Keyring.in_memory(manual_clock="now")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Keyring.in_memory(1)  # type: ignore[call-arg]


def test_repr_never_shows_material() -> None:
    kr = Keyring.in_memory()
    key = bytes(range(32))
    kr.import_key("k", "aes-256-gcm", key)
    r = repr(kr)
    assert r == "<xpscrypto.Keyring in memory>"
    assert all(key.hex() not in str(d) for d in kr.list())
    assert "material" not in str(kr.describe("k"))


# ------------------------------------------------------------------------ cross-language


def load_fixture() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((INTEROP / "envelopes.json").read_text())
    return doc


def test_interop_fixture_entries_open_in_python(tmp_path: Path) -> None:
    doc = load_fixture()
    copy = tmp_path / "interop.xpk"
    shutil.copyfile(INTEROP / "interop.xpk", copy)  # encrypting writes leases: never the committed file
    kr = Keyring.open(copy, raw_key=bytes.fromhex(doc["kek_hex"]))
    writers = set()
    for e in doc["entries"]:
        writers.add(e["from"])
        env = bytes.fromhex(e["envelope_hex"])
        if e["kind"] == "aead":
            aad = bytes.fromhex(e["aad_hex"])
            assert kr.decrypt(env, aad) == bytes.fromhex(e["plaintext_hex"]), e
            with pytest.raises(x.AuthenticationError) as ei:
                kr.decrypt(env, aad + b"/other")
            assert status_of(ei) == "XPS_E_AUTHENTICATION_FAILED"
        elif e["kind"] == "signature":
            msg = bytes.fromhex(e["message_hex"])
            kr.verify(env, msg)
            with pytest.raises(x.AuthenticationError):
                kr.verify(env, msg + b"!")
        else:
            pytest.fail(f"unknown entry kind {e['kind']!r}")
    assert {"rust", "python"} <= writers, writers
    # And what Python encrypts now opens with the same file.
    assert kr.decrypt(kr.encrypt("interop-aes", b"fresh", b"a"), b"a") == b"fresh"


def python_entries(kr: Keyring) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for key, pt, aad in (("interop-aes", b"python says hello", b"interop/python"), ("interop-xchacha", b"python says hello", b"interop/python")):
        env = kr.encrypt(key, pt, aad)
        out.append({"from": "python", "kind": "aead", "key": key, "plaintext_hex": pt.hex(), "aad_hex": aad.hex(), "envelope_hex": env.hex()})
    msg = b"signed by python"
    out.append({"from": "python", "kind": "signature", "key": "interop-sign", "message_hex": msg.hex(), "envelope_hex": kr.sign("interop-sign", msg).hex()})
    return out


def test_write_interop_entries(tmp_path: Path) -> None:
    """Generator (XPS_WRITE_INTEROP=1 only): replaces the "from": "python" entries of
    tests/interop/keyring/envelopes.json with fresh ones, encrypting with a copy of interop.xpk
    (the committed keyring file never changes)."""
    if os.environ.get("XPS_WRITE_INTEROP") != "1":
        pytest.skip("generator: set XPS_WRITE_INTEROP=1 to rewrite the Python entries of envelopes.json")
    doc = load_fixture()
    copy = tmp_path / "interop.xpk"
    shutil.copyfile(INTEROP / "interop.xpk", copy)
    kr = Keyring.open(copy, raw_key=bytes.fromhex(doc["kek_hex"]))
    fresh = python_entries(kr)
    doc = load_fixture()  # re-read: another language's generator may have written meanwhile
    doc["entries"] = [e for e in doc["entries"] if e["from"] != "python"] + fresh
    (INTEROP / "envelopes.json").write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
