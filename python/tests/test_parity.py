"""Parity with the C ABI: every function, algorithm, status code, HPKE constant and size macro of
include/xpscrypto.h must be reachable from Python. A new C export without a Python counterpart
fails here until it is mapped (or excluded with a reason)."""

from __future__ import annotations

import inspect
import re
import uuid
from pathlib import Path

import pytest

import xpscrypto
from xpscrypto import errors

HEADER = Path(__file__).resolve().parents[2] / "include" / "xpscrypto.h"
TEXT = HEADER.read_text()
FUNCS = sorted(set(re.findall(r"\b(xps_[a-z0-9_]+)\(", TEXT)))
DEFINES = {m[0]: int(m[1]) for m in re.findall(r"#define (XPS_[A-Z0-9_]+) (\d+)\b", TEXT)}

# C function -> where it lives in Python ("name" or "Class.attr"). Default: the name without xps_.
RENAMED = {
    "xps_hash_new": "Hash",
    "xps_hash_new_blake3_keyed": "Hash.blake3_keyed",
    "xps_hash_new_blake3_derive_key": "Hash.blake3_derive_key",
    "xps_hash_update": "Hash.update",
    "xps_hash_final": "Hash.digest",
    "xps_hash_final_xof": "Hash.xof",
    "xps_hash_copy": "Hash.copy",
    "xps_mac_new": "Mac",
    "xps_mac_update": "Mac.update",
    "xps_mac_final": "Mac.finalize",
    "xps_mac_verify_final": "Mac.verify",
    "xps_mac_copy": "Mac.copy",
    "xps_aead_key_new": "AeadKey",
    "xps_aead_key_alg": "AeadKey.alg",
    "xps_aead_key_seal": "AeadKey.encrypt",
    "xps_aead_key_open": "AeadKey.decrypt",
    "xps_aead_key_seal_detached": "AeadKey.encrypt_detached",
    "xps_aead_key_open_detached": "AeadKey.decrypt_detached",
    "xps_argon2id_ex": "argon2id",  # secret= and ad= keywords
    "xps_sign_ex": "sign",  # context= and deterministic= keywords
    "xps_verify_ex": "verify",  # context= keyword
    "xps_sign_key_new": "SigningKey",
    "xps_sign_key_alg": "SigningKey.alg",
    "xps_sign_key_sign": "SigningKey.sign",
    "xps_sign_key_sign_ex": "SigningKey.sign",
    "xps_sign_key_public": "SigningKey.public_key",
    "xps_kem_key_new": "DecapsulationKey",
    "xps_kem_key_alg": "DecapsulationKey.alg",
    "xps_kem_key_decapsulate": "DecapsulationKey.decapsulate",
    "xps_hpke_seal_ex": "hpke_seal",  # mode from psk=/psk_id=/sender_secret=
    "xps_hpke_open_ex": "hpke_open",  # mode from psk=/psk_id=/sender_public=
    "xps_hpke_sender_new": "HpkeSender",
    "xps_hpke_recipient_new": "HpkeRecipient",
    "xps_hpke_ctx_seal": "HpkeSender.seal",
    "xps_hpke_ctx_open": "HpkeRecipient.open",
    "xps_hpke_ctx_export": "HpkeSender.export",
    "xps_hpke_ctx_seq": "HpkeSender.sequence",
    "xps_alg_count": "algorithms",
    "xps_alg_at": "algorithms",
    "xps_dispatch_op_count": "dispatch_info",
    "xps_dispatch_op_name": "dispatch_info",
    "xps_dispatch_candidate_count": "dispatch_info",
    "xps_dispatch_candidate_name": "dispatch_info",
    "xps_dispatch_candidate_available": "dispatch_info",
    "xps_secure_alloc": "SecureBuffer",
    "xps_secure_free": "SecureBuffer.close",
    "xps_secure_is_locked": "SecureBuffer.locked",
    "xps_last_error_detail": "Error.detail",
    "xps_patch_applied_count": "patch_applied",  # len() of the list of applied patches
    "xps_metrics_snapshot": "metrics",  # the "ops" list of the dict
    "xps_metrics_events": "metrics",  # the "selftest", "mlock_failures", "patch_events", "keyring_events" entries
}
# The keyring handle: xps_keyring_<name> -> Keyring.<name>, except these.
KEYRING_METHODS = {
    "new_memory": "in_memory",
    "import": "import_key",  # `import` is a Python keyword
    "clock_set": "set_clock",
    "clock_advance": "advance_clock",
    "events_json": "events",  # a list of dicts
    "list_json": "list",  # a list of dicts
    "describe_json": "describe",  # a dict
}
RENAMED.update({
    f"xps_keyring_{c}": f"Keyring.{KEYRING_METHODS.get(c, c)}"
    for c in (
        "new_memory", "create", "open", "save_as", "now", "clock_set", "clock_advance", "generate", "import", "rotate", "revoke", "destroy",
        "set_min_decryption_version", "set_rotation_policy", "set_expiry", "tick", "start_auto_rotation", "stop_auto_rotation",
        "auto_rotation_running", "subscribe", "unsubscribe", "events_json", "set_audit_log", "refresh", "encrypt", "decrypt", "rewrap",
        "seal", "open_sealed", "sign", "verify", "mac", "verify_mac", "decapsulate", "public_key", "list_json", "describe_json",
        "envelope_len", "default_aead",
    )
})
# C functions with no Python counterpart, and why.
EXCLUDED = {
    "xps_keyring_free": "garbage collection frees Keyring objects (close() or a with block stops the rotation thread first)",
    "xps_hash_free": "garbage collection frees (and wipes) Hash objects",
    "xps_mac_free": "garbage collection frees (and wipes) Mac objects",
    "xps_aead_key_free": "garbage collection frees (and wipes) AeadKey objects",
    "xps_sign_key_free": "garbage collection frees (and wipes) SigningKey objects",
    "xps_kem_key_free": "garbage collection frees (and wipes) DecapsulationKey objects",
    "xps_hpke_ctx_free": "garbage collection frees (and wipes) HPKE contexts",
    "xps_test_panic": "test builds of the C library only",
    "xps_test_inject_selftest_failure": "test builds of the C library only",
}


def resolve(path: str) -> object:
    obj: object = xpscrypto
    for part in path.split("."):
        if part == "detail" and obj is errors.Error:
            return obj  # instance attribute set in Error.__init__
        obj = getattr(obj, part)
    return obj


def test_header_parsed() -> None:
    assert len(FUNCS) > 100 and "xps_aead_seal" in FUNCS
    assert DEFINES["XPS_ALG_AES_256_GCM"] == 770


@pytest.mark.parametrize("cfn", FUNCS)
def test_every_c_function_is_reachable(cfn: str) -> None:
    if cfn in EXCLUDED:
        return
    path = RENAMED.get(cfn, cfn.removeprefix("xps_"))
    try:
        resolve(path)
    except AttributeError:
        pytest.fail(f"{cfn} has no Python counterpart {path!r}: add it to the binding (or map/exclude it here with a reason)")


def test_mappings_are_current() -> None:
    stale = sorted((set(RENAMED) | set(EXCLUDED)) - set(FUNCS))
    assert not stale, f"mapped C functions that no longer exist: {stale}"


def test_recipient_context_mirrors_ctx_functions() -> None:
    for attr in ("export", "sequence", "open"):
        assert hasattr(xpscrypto.HpkeRecipient, attr)


ALGS = {k: v for k, v in DEFINES.items() if k.startswith("XPS_ALG_")}


def norm(s: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", s.upper())


def test_algorithm_lists_match() -> None:
    names = xpscrypto.algorithms()
    assert len(names) == len(ALGS)
    by_norm = {norm(n): n for n in names}
    for macro, alg_id in ALGS.items():
        name = by_norm.get(norm(macro.removeprefix("XPS_ALG_")))
        assert name is not None, f"{macro} has no Python algorithm"
        assert xpscrypto.alg_from_name(name) == alg_id
        assert xpscrypto.alg_name(alg_id) == name


def test_status_codes_match() -> None:
    codes = {k: v for k, v in DEFINES.items() if k.startswith("XPS_E_") or k == "XPS_OK"}
    table = {name: code for code, name, _ in xpscrypto.statuses()}
    assert table == codes
    classes = {1: xpscrypto.InvalidInputError, 2: xpscrypto.AuthenticationError, 3: xpscrypto.PolicyError,
               4: xpscrypto.ResourceError, 5: xpscrypto.PatchError, 6: xpscrypto.InternalError}
    for name, code in codes.items():
        if code == 0:
            continue
        assert xpscrypto.status_name(code) == name
        assert issubclass(errors.error_class(code), classes[code // 100])
    assert errors.error_class(601) is xpscrypto.SelfTestError
    assert issubclass(xpscrypto.InvalidInputError, ValueError)


def test_hpke_constants_match() -> None:
    for macro, value in DEFINES.items():
        if macro.startswith("XPS_HPKE_") and not macro.endswith("BYTES"):
            assert getattr(xpscrypto, macro.removeprefix("XPS_")) == value, macro
    x25519 = DEFINES["XPS_HPKE_KEM_X25519_HKDF_SHA256"]
    assert xpscrypto.hpke_pkbytes(x25519) == DEFINES["XPS_HPKE_X25519_BYTES"]
    assert xpscrypto.hpke_encbytes(x25519) == DEFINES["XPS_HPKE_X25519_BYTES"]


def _alg_for(token: str, family: list[str]) -> str:
    by_norm = {norm(n): n for n in family}
    assert token in by_norm, f"size macro token {token} matches no algorithm"
    return by_norm[token]


SIZE_FNS = {
    "AEAD": {"KEYBYTES": "aead_keybytes", "NONCEBYTES": "aead_noncebytes", "TAGBYTES": "aead_tagbytes"},
    "SIGN": {"PUBLICKEYBYTES": "sign_publickeybytes", "SECRETKEYBYTES": "sign_secretkeybytes", "BYTES": "sign_bytes", "SEEDBYTES": "sign_seedbytes"},
    "KEM": {"PUBLICKEYBYTES": "kem_publickeybytes", "SECRETKEYBYTES": "kem_secretkeybytes", "CIPHERTEXTBYTES": "kem_ciphertextbytes",
            "SHAREDSECRETBYTES": "kem_sharedsecretbytes", "SEEDBYTES": "kem_seedbytes", "ENCAPSSEEDBYTES": "kem_encapsseedbytes"},
}


def test_size_macros_match_size_functions() -> None:
    names = xpscrypto.algorithms()
    checked = 0
    for macro, value in DEFINES.items():
        m = re.fullmatch(r"XPS_(AEAD|SIGN|KEM)_([A-Z0-9]+)_([A-Z]+BYTES|BYTES)", macro)
        if not m or m[2] in ("MAX", "MLDSA"):
            continue
        fam, token, kind = m[1], m[2], m[3]
        fn = getattr(xpscrypto, SIZE_FNS[fam][kind])
        alg = _alg_for(token, names)
        got = fn(alg)
        if fam == "SIGN" and alg == "rsa-pss-sha256" and kind != "BYTES":
            assert got is None  # variable-length DER; the macro is the C buffer bound
        elif kind in ("SEEDBYTES", "ENCAPSSEEDBYTES") and value == 0:
            assert got is None
        else:
            assert got == value, f"{macro}={value} but {fn.__name__}({alg!r}) = {got}"
        checked += 1
    assert checked > 40


# XPS_PATCH_* macros and where their meaning lives in Python (none is a Python constant).
PATCH_MACROS = {
    "XPS_PATCH_ALLOW_DOWNGRADE": "the allow_downgrade= keyword of patch_apply",
    "XPS_PATCH_ACTION_APPLY": "patch_history() entries say action='apply'",
    "XPS_PATCH_ACTION_ROLLBACK": "patch_history() entries say action='rollback'",
    "XPS_PATCH_ID_BYTES": "size of the NUL-terminated id field of the C structs; Python ids are str",
}


def test_patch_macros_are_mapped() -> None:
    macros = {k for k in DEFINES if k.startswith("XPS_PATCH_")}
    assert macros == set(PATCH_MACROS), "map new XPS_PATCH_* macros here (with where they live in Python)"
    assert DEFINES["XPS_PATCH_ALLOW_DOWNGRADE"] == 1
    param = inspect.signature(xpscrypto.patch_apply).parameters["allow_downgrade"]
    assert param.kind is inspect.Parameter.KEYWORD_ONLY and param.default is False
    assert (DEFINES["XPS_PATCH_ACTION_APPLY"], DEFINES["XPS_PATCH_ACTION_ROLLBACK"]) == (1, 2)
    assert DEFINES["XPS_PATCH_ID_BYTES"] == 65  # ids of at most 64 characters


def test_patch_statuses_name_their_step() -> None:
    steps = {504: "parse", 505: "signature", 506: "digest", 507: "policy", 508: "policy", 509: "load", 510: "abi",
             511: "cpu", 512: "kat", 513: "differential", 514: "audit"}
    for code, step in steps.items():
        assert xpscrypto.patch_step_name(code) == step, code
        assert errors.error_class(code) is xpscrypto.PatchError
    for code in (0, 201, 501, 515, 999, -1):
        assert xpscrypto.patch_step_name(code) is None
    assert xpscrypto.kernel_abi_version() >= 1


def test_sign_options_are_keywords() -> None:
    assert DEFINES["XPS_SIGN_DETERMINISTIC"] == 1
    for fn in (xpscrypto.sign, xpscrypto.SigningKey.sign):
        params = inspect.signature(fn).parameters
        assert params["deterministic"].kind is inspect.Parameter.KEYWORD_ONLY
        assert params["context"].kind is inspect.Parameter.KEYWORD_ONLY
    assert inspect.signature(xpscrypto.verify).parameters["context"].kind is inspect.Parameter.KEYWORD_ONLY
    assert DEFINES["XPS_SIGN_MLDSA_CONTEXTBYTES"] == xpscrypto.sign_contextbytes("ml-dsa-65")


# XPS_POLICY_* macros and where their meaning lives in Python (policies are dicts there).
POLICY_MACROS = {
    "XPS_POLICY_VERSION": "version of the C struct xps_policy; Python policies are dicts (policy_get())",
    "XPS_POLICY_ALG_WORDS": "size of the bit set of xps_policy; Python lists allowed algorithms by name",
}


def test_policy_macros_are_mapped() -> None:
    macros = {k for k in DEFINES if k.startswith("XPS_POLICY_")}
    assert macros == set(POLICY_MACROS), "map new XPS_POLICY_* macros here (with where they live in Python)"
    assert DEFINES["XPS_POLICY_VERSION"] == 1 and DEFINES["XPS_POLICY_ALG_WORDS"] == 8
    assert set(xpscrypto.policy_get()) == {"allowed_algorithms", "fips_mode", "min_rsa_bits", "min_hmac_key_bytes", "ct_only", "isa_mask",
                                           "require_mlock", "hot_patch_allowed", "rsa_private_ops"}


# XPS_KEK_* / XPS_KEYRING_* macros and where their meaning lives in Python.
KEYRING_MACROS = {
    "XPS_KEK_PASSPHRASE": "the passphrase= keyword of Keyring.create/open/save_as",
    "XPS_KEK_RAW": "the raw_key= keyword of Keyring.create/open/save_as",
    "XPS_KEYRING_IMPORT_SEED": "the seed= keyword of Keyring.import_key",
    "XPS_KEYRING_IMPORT_PRIMARY": "the primary= keyword of Keyring.import_key",
    "XPS_KEYRING_MANUAL_CLOCK": "the manual_clock= keyword of Keyring.in_memory/create/open",
    "XPS_KEYRING_OPTIONS_VERSION": "version of the C struct xps_keyring_options; Python uses keywords",
    **{f"XPS_KEYRING_EVENT_{k}": f"event dicts say kind={k.lower().replace('_', '-')!r}" for k in (
        "GENERATED", "IMPORTED", "PLANNED", "ROTATED", "RETIRED", "REVOKED", "DESTROYED", "MIN_DECRYPTION_VERSION", "FAILED")},
}


def test_keyring_macros_are_mapped() -> None:
    macros = {k for k in DEFINES if k.startswith(("XPS_KEYRING_", "XPS_KEK_"))}
    assert macros == set(KEYRING_MACROS), "map new XPS_KEYRING_* / XPS_KEK_* macros here (with where they live in Python)"
    assert (DEFINES["XPS_KEK_PASSPHRASE"], DEFINES["XPS_KEK_RAW"]) == (1, 2)
    assert (DEFINES["XPS_KEYRING_IMPORT_SEED"], DEFINES["XPS_KEYRING_IMPORT_PRIMARY"]) == (1, 2)
    for fn, kws in ((xpscrypto.Keyring.create, ("passphrase", "raw_key", "argon2id", "manual_clock")),
                    (xpscrypto.Keyring.open, ("passphrase", "raw_key", "manual_clock")),
                    (xpscrypto.Keyring.save_as, ("passphrase", "raw_key", "argon2id")),
                    (xpscrypto.Keyring.in_memory, ("manual_clock",)),
                    (xpscrypto.Keyring.import_key, ("seed", "primary", "policy"))):
        params = inspect.signature(fn).parameters
        for kw in kws:
            assert params[kw].kind is inspect.Parameter.KEYWORD_ONLY, (fn, kw)
    # Event kinds: the C numbering, in order, and the names Python's event dicts carry.
    kinds = ["generated", "imported", "planned", "rotated", "retired", "revoked", "destroyed", "min-decryption-version", "failed"]
    for i, kind in enumerate(kinds, start=1):
        assert DEFINES[f"XPS_KEYRING_EVENT_{kind.upper().replace('-', '_')}"] == i
    kr = xpscrypto.Keyring.in_memory(manual_clock=0)
    k = f"k-{uuid.uuid4().hex}"  # "planned" is announced once per (keyring address, key, version) in the core
    kr.generate(k, "aes-256-gcm", policy={"max_age": 4, "overlap": 0})
    kr.set_min_decryption_version(k, 1)
    kr.advance_clock(3)
    kr.tick()
    kr.advance_clock(1)
    kr.tick()
    kr.revoke(k, 2)
    kr.destroy(k, 2)
    kr.import_key(k, "aes-256-gcm", bytes(32))
    seen = {e["kind"] for e in kr.events()}
    assert seen == set(kinds) - {"failed"}, seen
