"""Dispatch introspection and control, CPU features, policy switches: the same behaviour as the C
ABI's xps_dispatch_* / xps_policy_* / xps_cpu_* functions."""

from __future__ import annotations

import os

import pytest

import xpscrypto as xps


@pytest.fixture(autouse=True)
def _restore():
    yield
    xps.dispatch_reset()
    xps.dispatch_set_autotune(False)
    xps.policy_set_ct_only(False)
    xps.policy_set_isa_mask(2**64 - 1)
    xps.policy_set_rsa_private_ops(True)
    xps.policy_set_require_mlock(False)


def test_dispatch_info_shape():
    info = xps.dispatch_info()
    ops = {o["op"]: o for o in info}
    assert {"hash.sha256", "aead.aes-256-gcm", "kem.ml-kem-768", "sign.ml-dsa-65"} <= set(ops)
    for o in info:
        names = [c["name"] for c in o["candidates"]]
        assert o["active"] in names and xps.dispatch_active_kernel(o["op"]) == o["active"]
        for c in o["candidates"]:
            assert isinstance(c["requires"], list) and isinstance(c["constant_time"], bool)


def test_force_and_reset_switch_kernels_and_results_agree():
    op = "hash.sha256"
    cands = [c["name"] for c in next(o for o in xps.dispatch_info() if o["op"] == op)["candidates"] if c["available"]]
    data = bytes(range(256)) * 41
    want = xps.hash("sha256", data)
    gen = xps.dispatch_generation()
    for k in cands:
        xps.dispatch_force(op, k)
        assert xps.dispatch_active_kernel(op) == k
        assert xps.hash("sha256", data) == want
    assert xps.dispatch_generation() > gen or len(cands) == 1
    xps.dispatch_reset()
    assert not next(o for o in xps.dispatch_info() if o["op"] == op)["forced"]


BUCKET_EDGES = [0, 64, 256, 257, 2048, 2049, 65536, 65537, 200_000]


def test_autotune_per_size_bucket():
    """Off by default: every size runs the active kernel. On: each size runs an available
    candidate, measured ops carry timings, and results do not change."""
    if os.environ.get("XPS_AUTOTUNE"):
        xps.dispatch_set_autotune(False)  # the suite may run with XPS_AUTOTUNE set
    assert not xps.dispatch_autotune_enabled()
    for o in xps.dispatch_info():
        assert o["by_size"] == [o["active"]] * 4 and o["tuned_ns"] == {}
    msgs = [bytes(range(256)) * (n // 256) + bytes(n % 256) for n in BUCKET_EDGES]
    key = xps.AeadKey("aes-256-gcm", bytes(32))
    want = [(xps.hash("sha256", m), key.encrypt(bytes(12), m), xps.aead_seal("chacha20-poly1305", bytes(32), bytes(12), m)) for m in msgs]
    gen = xps.dispatch_generation()
    xps.dispatch_set_autotune(True)
    assert xps.dispatch_autotune_enabled() and xps.dispatch_generation() > gen
    for o in xps.dispatch_info():
        available = {c["name"] for c in o["candidates"] if c["available"]}
        assert set(o["by_size"]) <= available and o["active"] == o["by_size"][3]
        if o["tuned_ns"]:
            assert set(o["tuned_ns"]) == available
            assert all(len(v) == 4 and all(t > 0 for t in v) for v in o["tuned_ns"].values())
        for n, b in zip(BUCKET_EDGES, [0, 0, 0, 1, 1, 2, 2, 3, 3]):
            assert xps.dispatch_kernel_for_size(o["op"], n) == o["by_size"][b]
    got = [(xps.hash("sha256", m), key.encrypt(bytes(12), m), xps.aead_seal("chacha20-poly1305", bytes(32), bytes(12), m)) for m in msgs]
    assert got == want
    xps.dispatch_set_autotune(False)
    assert not xps.dispatch_autotune_enabled()
    assert all(xps.dispatch_kernel_for_size(o["op"], 70_000) == o["active"] for o in xps.dispatch_info())
    with pytest.raises(xps.PatchError) as e:
        xps.dispatch_kernel_for_size("hash.nope", 1)
    assert e.value.name == "XPS_E_UNKNOWN_OP"
    with pytest.raises(OverflowError):
        xps.dispatch_kernel_for_size("hash.sha256", -1)


def test_force_unknown_names():
    with pytest.raises(xps.PatchError) as e:
        xps.dispatch_force("hash.nope", "x")
    assert e.value.name == "XPS_E_UNKNOWN_OP"
    with pytest.raises(xps.PatchError) as e:
        xps.dispatch_force("hash.sha256", "nope")
    assert e.value.name == "XPS_E_UNKNOWN_KERNEL"


def test_key_handle_follows_a_kernel_switch():
    """Invariant I-6: a key object created before a switch uses the new kernel afterwards."""
    op = "aead.aes-256-gcm"
    cands = [c["name"] for c in next(o for o in xps.dispatch_info() if o["op"] == op)["candidates"] if c["available"]]
    box = xps.AES256GCM(bytes(32))
    sealed = box.encrypt(bytes(12), b"x" * 100)
    for k in cands:
        xps.dispatch_force(op, k)
        assert box.kernel == k
        assert box.encrypt(bytes(12), b"x" * 100) == sealed


def test_cpu_features_and_env_mask():
    names = dict(xps.cpu_feature_bits())
    assert set(xps.cpu_features()) <= set(xps.cpu_hardware_features()) <= set(names)
    for name, bit in names.items():
        assert xps.cpu_feature_name(bit.bit_length() - 1) == name
    assert xps.cpu_feature_name(63) is None
    if os.environ.get("XPS_CPU_DISABLE") == "all":
        assert xps.cpu_features() == []
        assert xps.dispatch_active_kernel("hash.sha256") == "sha256/portable"


def test_isa_mask_policy_forces_portable_and_restores():
    xps.policy_set_isa_mask([])
    assert xps.policy_isa_mask() == 0
    assert all(not c["requires"] for o in xps.dispatch_info() for c in o["candidates"] if c["name"] == o["active"])
    xps.policy_set_isa_mask(2**64 - 1)
    with pytest.raises(ValueError):
        xps.policy_set_isa_mask(["no-such-feature"])


def test_ct_only_and_rsa_policy():
    xps.policy_set_ct_only(True)
    assert xps.policy_ct_only()
    for o in xps.dispatch_info():
        active = next(c for c in o["candidates"] if c["name"] == o["active"])
        assert active["constant_time"] or not any(c["constant_time"] for c in o["candidates"]), o["op"]
    xps.policy_set_ct_only(False)
    xps.policy_set_rsa_private_ops(False)
    assert not xps.policy_rsa_private_ops()
    with pytest.raises(xps.PolicyError) as e:
        xps.sign_keypair("rsa-pss-sha256")
    assert e.value.status == 301


def test_require_mlock_policy_flag():
    xps.policy_set_require_mlock(True)
    assert xps.policy_require_mlock()
    try:
        with xps.SecureBuffer(64) as b:
            assert b.locked
    except xps.ResourceError as e:  # a machine with RLIMIT_MEMLOCK = 0
        assert e.name == "XPS_E_MLOCK_FAILED"


def test_status_helpers():
    assert xps.status_name(201) == "XPS_E_AUTHENTICATION_FAILED"
    assert xps.status_category(201) == 2
    assert "authentication" in xps.status_message(201)
    assert xps.version() == xps.__version__
    major, minor, patch = (int(p) for p in xps.version().split(".")[:3])
    assert xps.version_number() == major * 10000 + minor * 100 + patch


def test_isa_mask_accepts_one_name_and_unknown_names_are_short_in_messages():
    xps.policy_set_isa_mask("avx2")
    assert xps.policy_isa_mask() == dict(xps.cpu_feature_bits())["avx2"]
    xps.policy_set_isa_mask(2**64 - 1)
    secretish = "k" * 64
    with pytest.raises(xps.InvalidInputError) as e:
        xps.hash(secretish, b"")
    assert secretish[:25] not in str(e.value)
