"""Policy (FIPS-like mode, allowed algorithms, minimum key sizes, hot-patch switch) and metrics
(dict snapshot, Prometheus text parsed with prometheus_client's standard parser, reset, threads).
Both are process-wide: every test restores the default policy and compares against a reset."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families

import xpscrypto as x


@pytest.fixture(autouse=True)
def default_policy() -> Iterator[None]:
    x.policy_replace(x.policy_default())
    x.metrics_set_enabled(True)
    x.metrics_reset()
    try:
        yield
    finally:
        x.policy_replace(x.policy_default())
        x.metrics_set_enabled(True)


def op_totals(op: str) -> tuple[int, int, int]:
    calls = nbytes = failures = 0
    for m in x.metrics()["ops"]:
        if m["op"] == op:
            calls += m["calls"]
            nbytes += m["bytes"]
            failures += m["failures"]
    return calls, nbytes, failures


def test_metrics_dict_counts_calls_bytes_failures_and_kernels() -> None:
    kernel = x.dispatch_active_kernel("hash.sha256")
    for _ in range(3):
        x.hash("sha256", b"\x07" * 64)
    with pytest.raises(x.InvalidInputError):
        x.hash("sha256x", b"")  # unknown name: not an op
    key, nonce = bytes(32), bytes(12)
    ct = x.aead_seal("aes-256-gcm", key, nonce, b"p" * 100)
    with pytest.raises(x.AuthenticationError):
        x.aead_open("aes-256-gcm", key, nonce, ct[:-1] + bytes([ct[-1] ^ 1]))
    m = x.metrics()
    assert set(m) == {"ops", "selftest", "mlock_failures", "patch_events", "keyring_events", "enabled"}
    assert m["enabled"] is True
    sha = [e for e in m["ops"] if e["op"] == "hash.sha256"]
    assert sha == [{"op": "hash.sha256", "alg": "sha256", "kernel": kernel, "calls": 3, "bytes": 192, "failures": 0}]
    assert op_totals("aead.aes-256-gcm.seal") == (1, 100, 0)
    assert op_totals("aead.aes-256-gcm.open") == (1, 100, 1)
    assert set(m["patch_events"]) == {"applied", "rejected", "rolled_back"}
    assert set(m["keyring_events"]) == {"generate", "rotate", "retire", "revoke", "destroy", "failed"}
    assert set(m["selftest"]) == {"runs_passed", "runs_failed", "checks_passed", "checks_failed"}


def test_metrics_across_threads_reset_and_switch() -> None:
    def work() -> None:
        for _ in range(200):
            x.hash("sha3-256", b"abc")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert op_totals("hash.sha3-256") == (800, 2400, 0)
    x.metrics_reset()
    assert op_totals("hash.sha3-256") == (0, 0, 0)
    x.metrics_set_enabled(False)
    assert x.metrics_enabled() is False
    x.hash("sha3-256", b"abc")
    assert op_totals("hash.sha3-256") == (0, 0, 0)
    x.metrics_set_enabled(True)
    x.hash("sha3-256", b"abcd")
    assert op_totals("hash.sha3-256") == (1, 4, 0)


def test_prometheus_text_parses_with_the_standard_parser() -> None:
    kernel = x.dispatch_active_kernel("hash.sha256")
    for _ in range(2):
        x.hash("sha256", b"\x00" * 64)
    x.hmac("hmac-sha256", b"k" * 32, b"data")
    gcm = x.dispatch_active_kernel("aead.aes-256-gcm")
    key, nonce = bytes(32), bytes(12)
    with pytest.raises(x.AuthenticationError):
        x.aead_open("aes-256-gcm", key, nonce, bytes(20))
    text = x.metrics_prometheus()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    assert set(families) == {
        "xps_op_calls", "xps_op_bytes", "xps_op_failures", "xps_selftest_runs", "xps_selftest_checks",
        "xps_mlock_failures", "xps_patch_events", "xps_keyring_events",
    }
    for f in families.values():
        assert f.type == "counter", f.name
        assert f.documentation
        for s in f.samples:
            assert s.name == f.name + "_total"
            assert s.value >= 0 and s.value == int(s.value)

    def value(family: str, **labels: str) -> float:
        hits = [s.value for s in families[family].samples if s.labels == labels]
        assert len(hits) == 1, (family, labels, families[family].samples)
        return hits[0]

    assert value("xps_op_calls", op="hash.sha256", alg="sha256", kernel=kernel) == 2
    assert value("xps_op_bytes", op="hash.sha256", alg="sha256", kernel=kernel) == 128
    assert value("xps_op_failures", op="hash.sha256", alg="sha256", kernel=kernel) == 0
    assert value("xps_op_calls", op="mac.hmac-sha256", alg="hmac-sha256", kernel=kernel) == 1
    assert value("xps_op_calls", op="aead.aes-256-gcm.open", alg="aes-256-gcm", kernel=gcm) == 1
    assert value("xps_op_bytes", op="aead.aes-256-gcm.open", alg="aes-256-gcm", kernel=gcm) == 4
    assert value("xps_op_failures", op="aead.aes-256-gcm.open", alg="aes-256-gcm", kernel=gcm) == 1
    assert value("xps_selftest_runs", result="pass") == 0
    assert value("xps_selftest_checks", result="fail") == 0
    assert [s.labels for s in families["xps_mlock_failures"].samples] == [{}]
    assert {s.labels["kind"]: s.value for s in families["xps_patch_events"].samples} == {"applied": 0, "rejected": 0, "rolled_back": 0}
    assert sorted(s.labels["kind"] for s in families["xps_keyring_events"].samples) == sorted(
        ["generate", "rotate", "retire", "revoke", "destroy", "failed"])
    # The dict and the text agree.
    m = x.metrics()
    assert sum(e["calls"] for e in m["ops"]) == sum(s.value for s in families["xps_op_calls"].samples)


def test_fips_mode_refuses_non_approved_algorithms_with_the_rule() -> None:
    before = x.metrics()["selftest"]["runs_passed"]
    x.policy_set_fips_mode(True)
    assert x.policy_fips_mode() is True
    assert x.metrics()["selftest"]["runs_passed"] == before + 1
    p = x.policy_get()
    assert p["fips_mode"] and p["ct_only"] and p["min_hmac_key_bytes"] == 14 and p["min_rsa_bits"] == 2048
    key = bytes(32)
    with pytest.raises(x.PolicyError) as e:
        x.aead_seal("chacha20-poly1305", key, bytes(12), b"pt")
    assert e.value.status == 301
    assert e.value.detail.startswith("policy: fips_mode forbids chacha20-poly1305 (not FIPS-approved")
    for alg, call in [
        ("blake3", lambda: x.hash("blake3", b"")),
        ("x25519", lambda: x.kem_keypair("x25519")),
        ("argon2id", lambda: x.argon2id(b"pw", b"saltsalt", 1, 8, 1, 32)),
        ("falcon-512", lambda: x.sign_keypair("falcon-512")),
        ("ed25519+ml-dsa-65", lambda: x.sign_keypair("ed25519+ml-dsa-65")),
        ("poly1305", lambda: x.hmac("poly1305", key, b"")),
    ]:
        with pytest.raises(x.PolicyError, match=re.escape(f"fips_mode forbids {alg} (not FIPS-approved")):
            call()
        assert not x.fips_approved(alg) and not x.policy_algorithm_allowed(alg)
    assert x.aead_open("aes-256-gcm", key, bytes(12), x.aead_seal("aes-256-gcm", key, bytes(12), b"pt")) == b"pt"
    pk, sk = x.kem_keypair("ml-kem-768")
    ct, ss = x.kem_encapsulate("ml-kem-768", pk)
    assert x.kem_decapsulate("ml-kem-768", sk, ct) == ss
    with pytest.raises(x.PolicyError, match="min_hmac_key_bytes is 14"):
        x.hmac("hmac-sha256", b"short", b"m")
    with pytest.raises(x.PolicyError):
        x.policy_set_ct_only(False)
    assert [a for a in x.algorithms() if x.fips_approved(a)] == [a for a in x.algorithms() if x.policy_algorithm_allowed(a)]


def test_key_handle_made_before_is_refused_after() -> None:
    k = x.AeadKey("xchacha20-poly1305", bytes(32))
    ct = k.encrypt(bytes(24), b"before")
    x.policy_set_fips_mode(True)
    with pytest.raises(x.PolicyError, match="fips_mode forbids xchacha20-poly1305"):
        k.decrypt(bytes(24), ct)
    x.policy_set_fips_mode(False)
    assert k.decrypt(bytes(24), ct) == b"before"


def test_policy_dict_replace_and_allowed_algorithms() -> None:
    d = x.policy_default()
    assert d == x.policy_get()
    assert d["allowed_algorithms"] == x.algorithms()
    assert d["hot_patch_allowed"] and d["rsa_private_ops"] and not d["fips_mode"] and d["isa_mask"] == 2**64 - 1
    x.policy_replace({"allowed_algorithms": ["sha256", "aes-256-gcm"], "min_hmac_key_bytes": 20})
    p = x.policy_get()
    assert p["allowed_algorithms"] == ["sha256", "aes-256-gcm"] and p["min_hmac_key_bytes"] == 20 and not p["fips_mode"]
    assert len(x.hash("sha256", b"")) == 32
    with pytest.raises(x.PolicyError, match="allowed_algorithms excludes sha512"):
        x.hash("sha512", b"")
    x.policy_allow_algorithm("sha512")
    assert len(x.hash("sha512", b"")) == 64
    with pytest.raises(ValueError, match="unknown policy key"):
        x.policy_replace({"fips": True})
    with pytest.raises(x.InvalidInputError):
        x.policy_replace({"allowed_algorithms": ["nope"]})
    with pytest.raises(TypeError):
        x.policy_replace(["fips_mode"])  # type: ignore[arg-type]
    x.policy_replace({"isa_mask": 0})
    assert x.dispatch_active_kernel("hash.sha256") == "sha256/portable"


def test_hot_patch_switch() -> None:
    x.policy_set_hot_patch_allowed(False)
    assert x.policy_hot_patch_allowed() is False
    with pytest.raises(x.PatchError, match="hot_patch_allowed") as e:
        x.patch_apply(b"{}", b"", b"{}")
    assert e.value.status == 507
    assert x.metrics()["patch_events"]["rejected"] == 1
    x.policy_set_hot_patch_allowed(True)
    with pytest.raises(x.PatchError) as e:
        x.patch_apply(b"{}", b"", b"{}")
    assert e.value.status == 504
