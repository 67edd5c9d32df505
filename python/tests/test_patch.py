"""Hot-patch from Python, end to end with a real patch module: the example C SHA-256 kernel
(examples/patch/c-sha256/sha256_patch.c) is compiled with the system C compiler ($CC, default
cc), its manifest is signed with an Ed25519 key made by this package, then verified, applied,
rolled back and refused when tampered with. Every test leaves no patch applied, also on failure."""

from __future__ import annotations

import hashlib
import hmac as std_hmac
import json
import os
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

import xpscrypto as xps

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "examples" / "patch" / "c-sha256" / "sha256_patch.c"
OP = "hash.sha256"
KERNEL = "sha256/c-portable"


@dataclass(frozen=True)
class Kit:
    payload: bytes
    public_key: bytes
    secret_key: bytes
    trust_store: bytes


def compile_patch(out: Path) -> bytes:
    cc = shlex.split(os.environ.get("CC") or "cc")
    if not cc or shutil.which(cc[0]) is None:
        pytest.fail(f"no C compiler: {cc[0] if cc else '$CC'!r} not found (set $CC); the hot-patch tests build {SOURCE.name} with it")
    cmd = [*cc, "-std=c11", "-O2", "-shared", "-fPIC", f"-I{ROOT / 'include'}", "-o", str(out), str(SOURCE)]
    r = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if r.returncode != 0:
        pytest.fail(f"compiling the patch module failed ({shlex.join(cmd)}):\n{r.stderr}")
    return out.read_bytes()


def trust_store_for(signers: list[dict[str, Any]], threshold: int = 1, allow_unsigned: bool = False) -> bytes:
    return json.dumps(
        {"format": "xpscrypto-trust-store/1", "min_required_signatures": threshold, "allow_unsigned": allow_unsigned, "signers": signers}
    ).encode()


def manifest_for(payload: bytes, *, patch_id: str = "c-sha256", version: int = 1) -> bytes:
    return json.dumps(
        {
            "format": "xpscrypto-patch-manifest/1",
            "id": patch_id,
            "version": version,
            "kernel_abi": xps.kernel_abi_version(),
            "ops": [OP],
            "payload": {"name": "lib.so", "size": len(payload), "sha256": xps.hash("sha256", payload).hex()},
            "created": int(time.time()),
        }
    ).encode()


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Kit:
    payload = compile_patch(tmp_path_factory.mktemp("patch") / "lib.so")
    pk, sk = xps.sign_keypair("ed25519")
    assert len(sk) == 32  # the seed: the key format patch_sign_manifest takes
    trust = trust_store_for([{"name": "alice", "ed25519": pk.hex(), "ops": [OP]}])
    return Kit(payload, pk, sk, trust)


def roll_back_everything() -> None:
    while xps.patch_applied():
        xps.patch_rollback()


@pytest.fixture(autouse=True)
def clean() -> Iterator[None]:
    roll_back_everything()
    yield
    try:
        roll_back_everything()
    finally:
        xps.patch_set_audit_log(None)
        xps.policy_set_allow_unsigned_patches_for_development(False)


def signed(kit: Kit, **kw: Any) -> bytes:
    return xps.patch_sign_manifest(manifest_for(kit.payload, **kw), "alice", kit.secret_key)


def active_kernel(op: str) -> str:
    return str(next(o for o in xps.dispatch_info() if o["op"] == op)["active"])


def test_sign_and_verify(kit: Kit) -> None:
    m = signed(kit)
    doc = json.loads(m)
    assert [s["signer"] for s in doc["signatures"]] == ["alice"]
    assert xps.patch_verify(m, kit.payload, kit.trust_store) is None
    # Any bytes-like input.
    xps.patch_verify(bytearray(m), memoryview(kit.payload), bytearray(kit.trust_store))
    # Re-signing by the same signer replaces the signature.
    assert len(json.loads(xps.patch_sign_manifest(m, "alice", kit.secret_key))["signatures"]) == 1
    with pytest.raises(xps.PatchError) as e:
        xps.patch_verify(manifest_for(kit.payload), kit.payload, kit.trust_store)
    assert (e.value.status, e.value.name) == (505, "XPS_E_PATCH_SIGNATURE")
    assert xps.patch_step_name(e.value.status) == "signature"


def test_apply_switches_the_kernel_and_rollback_restores_it(kit: Kit) -> None:
    gen = xps.dispatch_generation()
    before = active_kernel(OP)
    assert before != KERNEL
    report = xps.patch_apply(signed(kit), kit.payload, kit.trust_store)
    assert report == {
        "patch_id": "c-sha256",
        "version": 1,
        "ops": [OP],
        "kernels": [(OP, KERNEL)],
        "signers": ["alice"],
        "payload_sha256": hashlib.sha256(kit.payload).digest(),
        "previous_generation": gen,
        "new_generation": gen + 1,
    }
    assert xps.dispatch_generation() == gen + 1
    assert active_kernel(OP) == KERNEL == xps.dispatch_active_kernel(OP)
    assert KERNEL in [c["name"] for o in xps.dispatch_info() if o["op"] == OP for c in o["candidates"]]
    assert xps.Hash("sha256").kernel == KERNEL
    for n in (0, 1, 55, 56, 63, 64, 65, 1000, 4096 + 7, xps.DETACH_THRESHOLD + 3):
        data = bytes(i * 7 & 0xFF for i in range(n))
        assert xps.hash("sha256", data) == hashlib.sha256(data).digest(), n
    h = xps.Hash("sha256")
    for part in (b"a" * 10, b"b" * 100, b"c" * 1000):
        h.update(part)
    assert h.digest() == hashlib.sha256(b"a" * 10 + b"b" * 100 + b"c" * 1000).digest()
    assert xps.hmac("hmac-sha256", b"k" * 32, b"msg") == std_hmac.new(b"k" * 32, b"msg", "sha256").digest()
    assert xps.patch_applied() == [{"patch_id": "c-sha256", "version": 1, "ops": [OP]}]
    last = xps.patch_history()[-1]
    assert last["action"] == "apply" and last["patch_id"] == "c-sha256" and last["version"] == 1
    assert (last["previous_generation"], last["generation"]) == (gen, gen + 1)
    assert last["ops"] == [OP] and last["active"] == ["c-sha256"]
    assert last["time"].endswith("Z")

    back = xps.patch_rollback()
    assert back == {
        "patch_id": "c-sha256",
        "version": 1,
        "ops": [OP],
        "kernels": [],
        "signers": ["alice"],
        "payload_sha256": hashlib.sha256(kit.payload).digest(),
        "previous_generation": gen + 1,
        "new_generation": gen + 2,
    }
    assert active_kernel(OP) == before
    assert xps.dispatch_generation() == gen + 2
    assert xps.patch_applied() == []
    last = xps.patch_history()[-1]
    assert (last["action"], last["patch_id"], last["generation"], last["active"]) == ("rollback", "c-sha256", gen + 2, [])
    with pytest.raises(xps.PatchError) as e:
        xps.patch_rollback()
    assert (e.value.status, e.value.name) == (515, "XPS_E_NOTHING_TO_ROLLBACK")
    assert xps.patch_step_name(515) is None
    assert xps.dispatch_generation() == gen + 2


def test_tampered_payload_is_refused_at_the_digest_step(kit: Kit) -> None:
    m = signed(kit)
    bad = bytearray(kit.payload)
    bad[len(bad) // 2] ^= 0x10
    gen = xps.dispatch_generation()
    before = active_kernel(OP)
    for call in (xps.patch_verify, xps.patch_apply):
        with pytest.raises(xps.PatchError) as e:
            call(m, bytes(bad), kit.trust_store)
        assert (e.value.status, e.value.name) == (506, "XPS_E_PATCH_DIGEST")
        assert "digest" in str(e.value)
    assert xps.patch_step_name(506) == "digest"
    assert xps.dispatch_generation() == gen
    assert active_kernel(OP) == before
    assert xps.patch_applied() == []


def test_untrusted_signer_is_refused(kit: Kit) -> None:
    _, mallory = xps.sign_keypair("ed25519")
    m = xps.patch_sign_manifest(manifest_for(kit.payload), "alice", mallory)  # alice's name, wrong key
    with pytest.raises(xps.PatchError) as e:
        xps.patch_apply(m, kit.payload, kit.trust_store)
    assert e.value.status == 505
    assert xps.patch_applied() == []


def test_no_silent_downgrade(kit: Kit) -> None:
    xps.patch_apply(signed(kit, version=2), kit.payload, kit.trust_store)
    gen = xps.dispatch_generation()
    with pytest.raises(xps.PatchError) as e:
        xps.patch_apply(signed(kit, patch_id="c-sha256-old", version=1), kit.payload, kit.trust_store)
    assert (e.value.status, xps.patch_step_name(e.value.status)) == (508, "policy")
    assert xps.dispatch_generation() == gen
    r = xps.patch_apply(signed(kit, patch_id="c-sha256-old", version=1), kit.payload, kit.trust_store, allow_downgrade=True)
    assert r["new_generation"] == gen + 1
    assert [p["patch_id"] for p in xps.patch_applied()] == ["c-sha256", "c-sha256-old"]
    assert xps.patch_history()[-1]["active"] == ["c-sha256", "c-sha256-old"]
    assert xps.patch_rollback()["patch_id"] == "c-sha256-old"
    assert active_kernel(OP) == KERNEL  # the older patch below is active again
    assert xps.patch_rollback()["patch_id"] == "c-sha256"


def test_audit_log_records_the_apply(kit: Kit, tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    xps.patch_set_audit_log(log)  # os.PathLike
    xps.patch_apply(signed(kit), kit.payload, kit.trust_store)
    lines = log.read_text().splitlines()
    assert len(lines) == 1
    rec = json.loads(lines[0])
    assert rec["action"] == "apply" and rec["result"] == "ok"
    assert rec["patch_id"] == "c-sha256" and rec["signers"] == ["alice"]
    assert rec["payload_sha256"] == hashlib.sha256(kit.payload).hexdigest()
    assert rec["new_generation"] == rec["previous_generation"] + 1
    xps.patch_rollback()
    assert [json.loads(x)["action"] for x in log.read_text().splitlines()] == ["apply", "rollback"]
    xps.patch_set_audit_log(str(tmp_path / "other.jsonl"))  # str
    with pytest.raises(xps.PatchError):
        xps.patch_rollback()
    assert json.loads((tmp_path / "other.jsonl").read_text())["result"] == "rejected"
    for bad in ("", "a\0b"):
        with pytest.raises(xps.InvalidInputError):
            xps.patch_set_audit_log(bad)
    with pytest.raises(TypeError):
        xps.patch_set_audit_log(42)  # type: ignore[arg-type]


def test_ml_dsa_65_cosignature(kit: Kit) -> None:
    ml_pk, ml_sk = xps.sign_keypair("ml-dsa-65")
    trust = trust_store_for([{"name": "alice", "ed25519": kit.public_key.hex(), "ml_dsa_65": ml_pk.hex(), "ops": ["*"]}])
    m = manifest_for(kit.payload)
    with pytest.raises(xps.PatchError) as e:
        xps.patch_verify(xps.patch_sign_manifest(m, "alice", kit.secret_key), kit.payload, trust)
    assert e.value.status == 505  # the trust store wants the ML-DSA-65 signature too
    both = xps.patch_sign_manifest(m, "alice", kit.secret_key, ml_dsa_65_secret_key=ml_sk)
    assert "ml_dsa_65" in json.loads(both)["signatures"][0]
    xps.patch_verify(both, kit.payload, trust)


def test_unsigned_patches_need_the_development_switch(kit: Kit) -> None:
    trust = trust_store_for([], threshold=0, allow_unsigned=True)
    assert not xps.policy_allow_unsigned_patches_for_development()
    with pytest.raises(xps.PatchError) as e:
        xps.patch_verify(manifest_for(kit.payload), kit.payload, trust)
    assert e.value.status == 507
    xps.policy_set_allow_unsigned_patches_for_development(True)
    assert xps.policy_allow_unsigned_patches_for_development()
    xps.patch_verify(manifest_for(kit.payload), kit.payload, trust)


def test_bad_arguments(kit: Kit) -> None:
    good: list[Any] = [signed(kit), kit.payload, kit.trust_store]
    for at in range(3):
        for bad in ("text", 7, None, 1.5):
            args = list(good)
            args[at] = bad
            with pytest.raises(TypeError, match="encode" if bad == "text" else None):
                xps.patch_apply(*args)
    with pytest.raises(TypeError):
        xps.patch_apply(*good, True)  # allow_downgrade is keyword-only
    assert xps.patch_applied() == []
    with pytest.raises(xps.PatchError) as e:
        xps.patch_apply(b"{}", kit.payload, kit.trust_store)
    assert (e.value.status, xps.patch_step_name(e.value.status)) == (504, "parse")
    with pytest.raises(xps.PatchError) as e:
        xps.patch_sign_manifest(b"not json", "alice", kit.secret_key)
    assert e.value.status == 504
    with pytest.raises(xps.InvalidInputError) as e2:
        xps.patch_sign_manifest(manifest_for(kit.payload), "alice", kit.secret_key[:31])
    assert e2.value.name == "XPS_E_BAD_KEY_LENGTH"


def test_calls_in_other_threads_run_through_apply_and_rollback(kit: Kit) -> None:
    """apply/rollback release the GIL, and calls made while the table swaps stay correct."""
    import threading

    data = bytes(range(256)) * 9
    want = hashlib.sha256(data).digest()
    stop = threading.Event()
    bad: list[bytes] = []
    counts = [0] * 3

    def worker(i: int) -> None:
        while not stop.is_set():
            got = xps.hash("sha256", data)
            if got != want:
                bad.append(got)
            counts[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    try:
        m = signed(kit)
        for _ in range(3):
            xps.patch_apply(m, kit.payload, kit.trust_store, allow_downgrade=True)
            xps.patch_rollback()
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert bad == [] and all(counts)
