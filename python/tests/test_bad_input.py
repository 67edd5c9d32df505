"""Misuse of every public function and method: wrong types, lengths, algorithm names, tampered
data, output buffers, buffer kinds, ``repr`` hygiene, SecureBuffer, and streaming state.

Status numbers and names are those of the C ABI (``include/xpscrypto.h``)."""

from __future__ import annotations

import array
import hashlib
import hmac as std_hmac
import inspect

import pytest

import xpscrypto as xps
from conftest import hx, load_json
from xpscrypto import AuthenticationError, InvalidInputError

NAMES = {
    102: "XPS_E_INVALID_LENGTH", 103: "XPS_E_BAD_KEY_LENGTH", 104: "XPS_E_BAD_NONCE_LENGTH",
    105: "XPS_E_BAD_TAG_LENGTH", 106: "XPS_E_BUFFER_TOO_SMALL", 107: "XPS_E_OVERLAP",
    108: "XPS_E_UNKNOWN_ALGORITHM", 109: "XPS_E_WRONG_ALGORITHM_FAMILY", 110: "XPS_E_OUTPUT_TOO_LONG",
    111: "XPS_E_INVALID_PARAMETER", 113: "XPS_E_INVALID_STATE", 114: "XPS_E_INVALID_KEY",
    201: "XPS_E_AUTHENTICATION_FAILED", 402: "XPS_E_OUT_OF_MEMORY", 501: "XPS_E_UNKNOWN_OP",
    502: "XPS_E_UNKNOWN_KERNEL",
}  # fmt: skip


def expect_status(status, fn, *args, **kwargs):
    """``fn`` raises the exception class of ``status`` with that status and its C name."""
    cls = InvalidInputError if status < 200 else AuthenticationError if status < 300 else xps.Error
    with pytest.raises(cls) as e:
        fn(*args, **kwargs)
    assert (e.value.status, e.value.name) == (status, NAMES[status]), str(e.value)
    assert e.value.category == status // 100 and e.value.detail in str(e.value)
    if status < 200:
        assert isinstance(e.value, ValueError)
    return e.value


# Inputs (xpscrypto outputs are used here only as inputs, never as expected values).
K16, K32, K64 = bytes(range(16)), bytes(range(100, 132)), bytes(range(64))
N12, N24 = bytes(range(12)), bytes(range(24))
AEADS = {"aes-128-gcm": (16, 12), "aes-256-gcm": (32, 12), "chacha20-poly1305": (32, 12), "xchacha20-poly1305": (32, 24)}
SEALED = xps.aead_seal("aes-256-gcm", K32, N12, b"pt", b"ad")
CT, TAG = xps.aead_seal_detached("aes-256-gcm", K32, N12, b"pt", b"ad")
T32 = xps.hmac("hmac-sha256", b"k", b"d")
ED_PK, ED_SK = xps.sign_keypair("ed25519", seed=K32)
ED_SIG = xps.sign("ed25519", ED_SK, b"m")
MLDSA_PK, MLDSA_SK = xps.sign_keypair("ml-dsa-44", seed=K32)
MLDSA_SIG = xps.hazmat_sign_internal("ml-dsa-44", MLDSA_SK, b"m")
X_PK, X_SK = xps.kem_keypair("x25519", seed=K32)
HP_PK, HP_SK = xps.hpke_derive_keypair(xps.HPKE_KEM_X25519_HKDF_SHA256, K32)
HP_ENC, HP_CT = xps.hpke_seal(32, 1, 1, HP_PK, b"pt", info=b"i", aad=b"a")
HPKE_ALL = ("info", "psk", "psk_id")
# Hot-patch inputs: patch_verify checks signatures and the digest only, so any payload bytes do.
PATCH_PAYLOAD = b"payload bytes (never loaded by patch_verify)"
PATCH_TRUST = (
    '{"format":"xpscrypto-trust-store/1","min_required_signatures":1,"allow_unsigned":false,'
    f'"signers":[{{"name":"alice","ed25519":"{ED_PK.hex()}","ops":["*"]}}]}}'
).encode()
PATCH_MANIFEST = (
    f'{{"format":"xpscrypto-patch-manifest/1","id":"p","version":1,"kernel_abi":{xps.kernel_abi_version()},'
    f'"ops":["hash.sha256"],"payload":{{"name":"p.so","size":{len(PATCH_PAYLOAD)},'
    f'"sha256":"{hashlib.sha256(PATCH_PAYLOAD).hexdigest()}"}},"created":1}}'
).encode()
PATCH_SIGNED = xps.patch_sign_manifest(PATCH_MANIFEST, "alice", ED_SK)
MLD65_SK = xps.sign_keypair("ml-dsa-65", seed=K32)[1]

# A keyring for the read-only keyring calls (calls that add keys use a fresh one).
KR = xps.Keyring.in_memory()
KR.generate("k", "aes-256-gcm")
KR.generate("s", "ed25519")
KR.generate("m", "hmac-sha256")
KR.generate("kem", "x25519")
KR_ENV = KR.encrypt("k", b"pt", b"ad")
KR_SIG = KR.sign("s", b"m")
KR_TAG = KR.mac("m", b"d")[1]
KR_KEM_CT = xps.kem_encapsulate("x25519", KR.public_key("kem")[2])[0]


class Call:
    """A valid call, and which of its arguments are bytes-like (required, by position; optional,
    by keyword), which is the algorithm name, and a canonical name of another family."""

    def __init__(self, fn, *args, buffers=(), optional=(), alg=None, other="", **kwargs):
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.buffers, self.optional, self.alg, self.other = buffers, optional, alg, other

    def run(self, at=None, value=None):
        args, kwargs = list(self.args), dict(self.kwargs)
        if isinstance(at, int):
            args[at] = value
        elif at is not None:
            kwargs[at] = value
        return self.fn(*args, **kwargs)


def _key():
    return xps.AeadKey("aes-256-gcm", K32)


CALLS = {
    "hash": lambda: Call(xps.hash, "sha256", b"d", buffers=(1,), alg=0, other="aes-256-gcm"),
    "xof": lambda: Call(xps.xof, "shake128", b"d", 8, buffers=(1,), alg=0, other="hmac-sha256"),
    "hash_outbytes": lambda: Call(xps.hash_outbytes, "sha256", alg=0, other="x25519"),
    "blake3_keyed": lambda: Call(xps.blake3_keyed, K32, b"d", buffers=(0, 1)),
    "blake3_derive_key": lambda: Call(xps.blake3_derive_key, b"ctx", b"d", buffers=(0, 1)),
    "Hash": lambda: Call(xps.Hash, "sha256", data=b"d", optional=("data",), alg=0, other="hkdf-sha256"),
    "Hash.blake3_keyed": lambda: Call(xps.Hash.blake3_keyed, K32, buffers=(0,)),
    "Hash.blake3_derive_key": lambda: Call(xps.Hash.blake3_derive_key, b"ctx", buffers=(0,)),
    "Hash.update": lambda: Call(xps.Hash("sha256").update, b"d", buffers=(0,)),
    "hmac": lambda: Call(xps.hmac, "hmac-sha256", b"k", b"d", buffers=(1, 2), alg=0, other="sha256"),
    "hmac_verify": lambda: Call(xps.hmac_verify, "hmac-sha256", b"k", b"d", T32, buffers=(1, 2, 3), alg=0, other="sha256"),
    "hmac_verify_truncated": lambda: Call(xps.hmac_verify_truncated, "hmac-sha256", b"k", b"d", T32[:16], buffers=(1, 2, 3), alg=0, other="sha256"),
    "mac_tagbytes": lambda: Call(xps.mac_tagbytes, "hmac-sha256", alg=0, other="sha256"),
    "mac_keybytes": lambda: Call(xps.mac_keybytes, "poly1305", alg=0, other="sha256"),
    "Mac": lambda: Call(xps.Mac, "hmac-sha256", b"k", buffers=(1,), alg=0, other="sha256"),
    "Mac.update": lambda: Call(xps.Mac("hmac-sha256", b"k").update, b"d", buffers=(0,)),
    "Mac.verify": lambda: Call(xps.Mac("hmac-sha256", b"k").update(b"d").verify, T32, buffers=(0,)),
    "Mac.verify_truncated": lambda: Call(xps.Mac("hmac-sha256", b"k").verify_truncated, T32[:16], buffers=(0,)),
    "aead_seal": lambda: Call(xps.aead_seal, "aes-256-gcm", K32, N12, b"pt", aad=b"ad", buffers=(1, 2, 3), optional=("aad",), alg=0, other="sha256"),
    "aead_open": lambda: Call(xps.aead_open, "aes-256-gcm", K32, N12, SEALED, aad=b"ad", buffers=(1, 2, 3), optional=("aad",), alg=0, other="sha256"),
    "aead_seal_detached": lambda: Call(xps.aead_seal_detached, "aes-256-gcm", K32, N12, b"pt", aad=b"ad", buffers=(1, 2, 3), optional=("aad",), alg=0, other="ed25519"),
    "aead_open_detached": lambda: Call(xps.aead_open_detached, "aes-256-gcm", K32, N12, CT, TAG, aad=b"ad", buffers=(1, 2, 3, 4), optional=("aad",), alg=0, other="x25519"),
    "aead_keybytes": lambda: Call(xps.aead_keybytes, "aes-256-gcm", alg=0, other="sha256"),
    "aead_noncebytes": lambda: Call(xps.aead_noncebytes, "aes-256-gcm", alg=0, other="sha256"),
    "aead_tagbytes": lambda: Call(xps.aead_tagbytes, "aes-256-gcm", alg=0, other="sha256"),
    "AeadKey": lambda: Call(xps.AeadKey, "aes-256-gcm", K32, buffers=(1,), alg=0, other="hmac-sha256"),
    "AeadKey.encrypt": lambda: Call(_key().encrypt, N12, b"pt", aad=b"ad", buffers=(0, 1), optional=("aad",)),
    "AeadKey.decrypt": lambda: Call(_key().decrypt, N12, SEALED, aad=b"ad", buffers=(0, 1), optional=("aad",)),
    "AeadKey.encrypt_detached": lambda: Call(_key().encrypt_detached, N12, b"pt", aad=b"ad", buffers=(0, 1), optional=("aad",)),
    "AeadKey.decrypt_detached": lambda: Call(_key().decrypt_detached, N12, CT, TAG, aad=b"ad", buffers=(0, 1, 2), optional=("aad",)),
    "AeadKey.encrypt_into": lambda: Call(_key().encrypt_into, N12, b"pt", bytearray(18), aad=b"ad", buffers=(0, 1, 2), optional=("aad",)),
    "AeadKey.decrypt_into": lambda: Call(_key().decrypt_into, N12, SEALED, bytearray(2), aad=b"ad", buffers=(0, 1, 2), optional=("aad",)),
    "hkdf": lambda: Call(xps.hkdf, "hkdf-sha256", b"ikm", b"salt", b"info", 16, buffers=(1, 2, 3), alg=0, other="hmac-sha256"),
    "hkdf_extract": lambda: Call(xps.hkdf_extract, "hkdf-sha256", b"salt", b"ikm", buffers=(1, 2), alg=0, other="sha256"),
    "hkdf_expand": lambda: Call(xps.hkdf_expand, "hkdf-sha256", K32, b"info", 16, buffers=(1, 2), alg=0, other="sha256"),
    "pbkdf2": lambda: Call(xps.pbkdf2, "pbkdf2-sha256", b"pw", b"salt", 1, 16, buffers=(1, 2), alg=0, other="hmac-sha256"),
    "argon2id": lambda: Call(xps.argon2id, b"pw", b"saltsalt", 1, 8, 1, 16, secret=b"s", ad=b"a", buffers=(0, 1), optional=("secret", "ad")),
    "sign_keypair": lambda: Call(xps.sign_keypair, "ed25519", seed=K32, optional=("seed",), alg=0, other="x25519"),
    "sign_public_from_secret": lambda: Call(xps.sign_public_from_secret, "ed25519", ED_SK, buffers=(1,), alg=0, other="x25519"),
    "sign": lambda: Call(xps.sign, "ed25519", ED_SK, b"m", context=b"", buffers=(1, 2), optional=("context",), alg=0, other="x25519"),
    "verify": lambda: Call(xps.verify, "ed25519", ED_PK, b"m", ED_SIG, context=b"", buffers=(1, 2, 3), optional=("context",), alg=0, other="x25519"),
    "hazmat_sign_internal": lambda: Call(xps.hazmat_sign_internal, "ml-dsa-44", MLDSA_SK, b"m", rnd=K32, buffers=(1, 2), optional=("rnd",), alg=0, other="x25519"),
    "hazmat_verify_internal": lambda: Call(xps.hazmat_verify_internal, "ml-dsa-44", MLDSA_PK, b"m", MLDSA_SIG, buffers=(1, 2, 3), alg=0, other="x25519"),
    "sign_publickeybytes": lambda: Call(xps.sign_publickeybytes, "ed25519", alg=0, other="x25519"),
    "sign_secretkeybytes": lambda: Call(xps.sign_secretkeybytes, "ed25519", alg=0, other="x25519"),
    "sign_bytes": lambda: Call(xps.sign_bytes, "ed25519", alg=0, other="x25519"),
    "sign_seedbytes": lambda: Call(xps.sign_seedbytes, "ed25519", alg=0, other="x25519"),
    "sign_contextbytes": lambda: Call(xps.sign_contextbytes, "ed25519", alg=0, other="x25519"),
    "SigningKey": lambda: Call(xps.SigningKey, "ed25519", ED_SK, buffers=(1,), alg=0, other="x25519"),
    "SigningKey.generate": lambda: Call(xps.SigningKey.generate, "ed25519", seed=K32, optional=("seed",), alg=0, other="ml-kem-512"),
    "SigningKey.sign": lambda: Call(xps.SigningKey("ed25519", ED_SK).sign, b"m", context=b"", buffers=(0,), optional=("context",)),
    "kem_keypair": lambda: Call(xps.kem_keypair, "x25519", seed=K32, optional=("seed",), alg=0, other="ed25519"),
    "kem_encapsulate": lambda: Call(xps.kem_encapsulate, "x25519", X_PK, seed=K32, buffers=(1,), optional=("seed",), alg=0, other="ed25519"),
    "kem_decapsulate": lambda: Call(xps.kem_decapsulate, "x25519", X_SK, X_PK, buffers=(1, 2), alg=0, other="ed25519"),
    "kem_publickeybytes": lambda: Call(xps.kem_publickeybytes, "x25519", alg=0, other="ed25519"),
    "kem_secretkeybytes": lambda: Call(xps.kem_secretkeybytes, "x25519", alg=0, other="ed25519"),
    "kem_ciphertextbytes": lambda: Call(xps.kem_ciphertextbytes, "x25519", alg=0, other="ed25519"),
    "kem_sharedsecretbytes": lambda: Call(xps.kem_sharedsecretbytes, "x25519", alg=0, other="ed25519"),
    "kem_seedbytes": lambda: Call(xps.kem_seedbytes, "x25519", alg=0, other="ed25519"),
    "kem_encapsseedbytes": lambda: Call(xps.kem_encapsseedbytes, "x25519", alg=0, other="ed25519"),
    "DecapsulationKey": lambda: Call(xps.DecapsulationKey, "x25519", X_SK, buffers=(1,), alg=0, other="ed25519"),
    "DecapsulationKey.decapsulate": lambda: Call(xps.DecapsulationKey("x25519", X_SK).decapsulate, X_PK, buffers=(0,)),
    "hpke_derive_keypair": lambda: Call(xps.hpke_derive_keypair, 32, K32, buffers=(1,)),
    "hpke_seal": lambda: Call(xps.hpke_seal, 32, 1, 1, HP_PK, b"pt", info=b"i", aad=b"a", buffers=(3, 4), optional=HPKE_ALL + ("aad", "sender_secret")),
    "hpke_open": lambda: Call(xps.hpke_open, 32, 1, 1, HP_SK, HP_ENC, HP_CT, info=b"i", aad=b"a", buffers=(3, 4, 5), optional=HPKE_ALL + ("aad", "sender_public")),
    "HpkeSender": lambda: Call(xps.HpkeSender, 32, 1, 1, HP_PK, info=b"i", buffers=(3,), optional=HPKE_ALL + ("sender_secret", "ikm_e")),
    "HpkeSender.seal": lambda: Call(xps.HpkeSender(32, 1, 1, HP_PK).seal, b"pt", aad=b"a", buffers=(0,), optional=("aad",)),
    "HpkeSender.export": lambda: Call(xps.HpkeSender(32, 1, 1, HP_PK).export, b"ctx", 16, buffers=(0,)),
    "HpkeRecipient": lambda: Call(xps.HpkeRecipient, 32, 1, 1, HP_SK, HP_ENC, info=b"i", buffers=(3, 4), optional=HPKE_ALL + ("sender_public",)),
    "HpkeRecipient.open": lambda: Call(xps.HpkeRecipient(32, 1, 1, HP_SK, HP_ENC, info=b"i").open, HP_CT, aad=b"a", buffers=(0,), optional=("aad",)),
    "HpkeRecipient.export": lambda: Call(xps.HpkeRecipient(32, 1, 1, HP_SK, HP_ENC).export, b"ctx", 16, buffers=(0,)),
    "SecureBuffer.from_bytes": lambda: Call(xps.SecureBuffer.from_bytes, b"x", buffers=(0,)),
    "patch_verify": lambda: Call(xps.patch_verify, PATCH_SIGNED, PATCH_PAYLOAD, PATCH_TRUST, buffers=(0, 1, 2)),
    "patch_sign_manifest": lambda: Call(xps.patch_sign_manifest, PATCH_MANIFEST, "alice", ED_SK, ml_dsa_65_secret_key=MLD65_SK, buffers=(0, 2), optional=("ml_dsa_65_secret_key",)),
    "Keyring.generate": lambda: Call(xps.Keyring.in_memory().generate, "new", "aes-256-gcm", alg=1, other="sha256"),
    "Keyring.import_key": lambda: Call(xps.Keyring.in_memory().import_key, "imp", "aes-256-gcm", K32, buffers=(2,), alg=1, other="hkdf-sha256"),
    "Keyring.encrypt": lambda: Call(KR.encrypt, "k", b"pt", aad=b"ad", buffers=(1,), optional=("aad",)),
    "Keyring.decrypt": lambda: Call(KR.decrypt, KR_ENV, aad=b"ad", buffers=(0,), optional=("aad",)),
    "Keyring.rewrap": lambda: Call(KR.rewrap, KR_ENV, aad=b"ad", buffers=(0,), optional=("aad",)),
    "Keyring.rewrap_many": lambda: Call(KR.rewrap_many, [KR_ENV], aad=b"ad", optional=("aad",)),
    "Keyring.seal": lambda: Call(KR.seal, "k", b"pt", aad=b"ad", buffers=(1,), optional=("aad",)),
    "Keyring.open_sealed": lambda: Call(KR.open_sealed, KR_ENV, aad=b"ad", buffers=(0,), optional=("aad",)),
    "Keyring.sign": lambda: Call(KR.sign, "s", b"m", buffers=(1,)),
    "Keyring.verify": lambda: Call(KR.verify, KR_SIG, b"m", buffers=(0, 1)),
    "Keyring.mac": lambda: Call(KR.mac, "m", b"d", buffers=(1,)),
    "Keyring.verify_mac": lambda: Call(KR.verify_mac, "m", 1, b"d", KR_TAG, buffers=(2, 3)),
    "Keyring.decapsulate": lambda: Call(KR.decapsulate, "kem", KR_KEM_CT, buffers=(1,)),
    "ct_equal": lambda: Call(xps.ct_equal, b"a", b"a", buffers=(0, 1)),
    "ct_is_zero": lambda: Call(xps.ct_is_zero, b"\0", buffers=(0,)),
    "secure_zero": lambda: Call(xps.secure_zero, bytearray(3), buffers=(0,)),
}

# Public callables without bytes-like arguments: covered by the dedicated tests further down.
OTHERS = {
    "hpke_keypair", "hpke_pkbytes", "hpke_skbytes", "hpke_encbytes", "init", "version", "version_number",
    "status_name", "status_message", "status_category", "statuses", "algorithms", "alg_from_name", "alg_name",
    "random_bytes", "secure_lock_failures", "cpu_feature_bits", "cpu_feature_name", "cpu_features",
    "cpu_hardware_features", "dispatch_active_kernel", "dispatch_force", "dispatch_generation", "dispatch_info",
    "dispatch_reset", "dispatch_set_autotune", "dispatch_autotune_enabled", "dispatch_kernel_for_size",
    "policy_ct_only", "policy_isa_mask", "policy_require_mlock", "policy_rsa_private_ops",
    "policy_set_ct_only", "policy_set_isa_mask", "policy_set_require_mlock", "policy_set_rsa_private_ops",
    "Hash.digest", "Hash.hexdigest", "Hash.xof", "Hash.copy", "Mac.finalize", "Mac.copy",
    "SigningKey.public_key", "SecureBuffer", "SecureBuffer.wipe", "SecureBuffer.close",
    "AES128GCM", "AES256GCM", "ChaCha20Poly1305", "XChaCha20Poly1305", "AES128GCM.generate_key",
    "AES256GCM.generate_key", "ChaCha20Poly1305.generate_key", "XChaCha20Poly1305.generate_key",
    "patch_rollback", "patch_history", "patch_applied", "patch_set_audit_log", "patch_step_name", "kernel_abi_version",
    "policy_allow_unsigned_patches_for_development", "policy_set_allow_unsigned_patches_for_development",
    "policy_get", "policy_default", "policy_replace", "policy_set_fips_mode", "policy_fips_mode", "policy_set_hot_patch_allowed",
    "policy_hot_patch_allowed", "policy_allow_algorithm", "policy_algorithm_allowed", "fips_approved", "metrics",
    "metrics_prometheus", "metrics_reset", "metrics_set_enabled", "metrics_enabled",
}  # fmt: skip
# Covered in another file, and why.
ELSEWHERE = {
    "patch_apply": "test_patch.py: a valid call needs a compiled patch module; its buffer arguments are checked there",
    "Keyring": "test_keyring.py: no constructor (Keyring() is a TypeError); Keyring.in_memory/create/open",
    **{f"Keyring.{m}": "test_keyring.py: files, passphrases (str or bytes), clocks, names and policies are checked there" for m in (
        "in_memory", "create", "open", "save_as", "default_aead", "now", "set_clock", "advance_clock", "rotate", "revoke", "destroy",
        "set_min_decryption_version", "set_rotation_policy", "set_expiry", "tick", "start_auto_rotation", "stop_auto_rotation",
        "subscribe", "unsubscribe", "events", "set_audit_log", "refresh", "public_key", "list", "describe", "envelope_len", "close")},
}


def test_tables_cover_the_public_api():
    public = set()
    for name in xps.__all__:
        obj = getattr(xps, name)
        if inspect.isclass(obj) and issubclass(obj, BaseException) or inspect.ismodule(obj) or not callable(obj):
            continue
        public.add(name)
        if inspect.isclass(obj):
            public |= {f"{name}.{m}" for m in dir(obj) if not m.startswith("_") and callable(getattr(obj, m))}
    inherited = {f"{c}.{m}" for c in ("AES128GCM", "AES256GCM", "ChaCha20Poly1305", "XChaCha20Poly1305") for m in dir(xps.AeadKey) if f"AeadKey.{m}" in CALLS}
    assert len(public) > 120
    assert public - CALLS.keys() - OTHERS - ELSEWHERE.keys() - inherited == set()


@pytest.mark.parametrize("name", sorted(CALLS))
def test_valid_call_works(name):
    CALLS[name]().run()  # the table's baseline: every failure below comes from the one change


BUFFER_ARGS = [(n, i) for n, f in sorted(CALLS.items()) for i in f().buffers]
OPTIONAL_ARGS = [(n, k) for n, f in sorted(CALLS.items()) for k in f().optional]


@pytest.mark.parametrize("name,at", BUFFER_ARGS)
def test_required_buffer_rejects_str_int_none(name, at):
    call = CALLS[name]()
    with pytest.raises(TypeError, match="encode"):
        call.run(at, "text")
    for bad in (7, None, 1.5):
        with pytest.raises(TypeError):
            CALLS[name]().run(at, bad)


@pytest.mark.parametrize("name,kw", OPTIONAL_ARGS)
def test_optional_buffer_accepts_none_rejects_str(name, kw):
    try:
        CALLS[name]().run(kw, None)
    except xps.Error:
        pass  # None is accepted (as "absent"); the call may then fail for its own reasons (e.g. no aad)
    with pytest.raises(TypeError, match="encode"):
        CALLS[name]().run(kw, "text")
    with pytest.raises(TypeError):
        CALLS[name]().run(kw, 7)


ALG_CALLS = sorted(n for n, f in CALLS.items() if f().alg is not None)


@pytest.mark.parametrize("name", ALG_CALLS)
def test_algorithm_names(name):
    call = CALLS[name]()
    for bad in ("no-such-alg", "", "SHA256", "aes256gcm", "sha256 "):
        expect_status(108, call.run, call.alg, bad)
    expect_status(109, call.run, call.alg, call.other)
    for bad in (b"sha256", None, 5):
        with pytest.raises(TypeError):
            call.run(call.alg, bad)


@pytest.mark.parametrize("call", [
    lambda kem: xps.hpke_keypair(kem), lambda kem: xps.hpke_pkbytes(kem), lambda kem: xps.hpke_skbytes(kem),
    lambda kem: xps.hpke_encbytes(kem), lambda kem: xps.hpke_derive_keypair(kem, K32),
    lambda kem: xps.hpke_seal(kem, 1, 1, HP_PK, b""), lambda kem: xps.hpke_open(kem, 1, 1, HP_SK, HP_ENC, HP_CT),
    lambda kem: xps.HpkeSender(kem, 1, 1, HP_PK), lambda kem: xps.HpkeRecipient(kem, 1, 1, HP_SK, HP_ENC),
])  # fmt: skip
def test_hpke_unknown_ids(call):
    for kem in (0, 0x10, 0x21, 0x9999, 0x10000):  # P-256 and X448 are not implemented
        expect_status(108, call, kem)
    with pytest.raises(OverflowError):
        call(-1)
    with pytest.raises(TypeError):
        call("x25519")


def test_hpke_unknown_kdf_aead_ids():
    expect_status(108, xps.hpke_seal, 32, 9, 1, HP_PK, b"")
    expect_status(108, xps.hpke_seal, 32, 1, 9, HP_PK, b"")
    expect_status(108, xps.HpkeRecipient, 32, 1, 0x10001, HP_SK, HP_ENC)


# --------------------------------------------------------------------------------------------
# Lengths and parameters
# --------------------------------------------------------------------------------------------

MLK_PK, MLK_SK = xps.kem_keypair("ml-kem-768", seed=K64)
MLD_PK, MLD_SK = xps.sign_keypair("ml-dsa-44", seed=K32)
FAL_PK, FAL_SK = xps.sign_keypair("falcon-512")
ML_HP_PK = xps.hpke_derive_keypair(xps.HPKE_KEM_ML_KEM_768, K32)[0]


def _aead_length_cases():
    for alg, (kl, nl) in AEADS.items():
        key, nonce, box = bytes(kl), bytes(nl), xps.AeadKey(alg, bytes(kl))
        sealed = box.encrypt(nonce, b"x")
        for bad in (b"", bytes(kl - 1), bytes(kl + 1)):
            yield f"{alg} key {len(bad)}", 103, lambda b=bad, a=alg: xps.aead_seal(a, b, nonce, b"")
            yield f"{alg} AeadKey {len(bad)}", 103, lambda b=bad, a=alg: xps.AeadKey(a, b)
        for bad in (b"", bytes(nl - 1), bytes(nl + 1), bytes(12 + 24 - nl)):
            n = len(bad)
            yield f"{alg} seal nonce {n}", 104, lambda b=bad, a=alg, k=key: xps.aead_seal(a, k, b, b"")
            yield f"{alg} open nonce {n}", 104, lambda b=bad, a=alg, k=key, s=sealed: xps.aead_open(a, k, b, s)
            yield f"{alg} seal_detached nonce {n}", 104, lambda b=bad, a=alg, k=key: xps.aead_seal_detached(a, k, b, b"")
            yield f"{alg} open_detached nonce {n}", 104, lambda b=bad, a=alg, k=key: xps.aead_open_detached(a, k, b, b"", bytes(16))
            yield f"{alg} encrypt nonce {n}", 104, lambda b=bad, k=box: k.encrypt(b, b"")
            yield f"{alg} decrypt nonce {n}", 104, lambda b=bad, k=box, s=sealed: k.decrypt(b, s)
            yield f"{alg} encrypt_detached nonce {n}", 104, lambda b=bad, k=box: k.encrypt_detached(b, b"")
            yield f"{alg} decrypt_detached nonce {n}", 104, lambda b=bad, k=box: k.decrypt_detached(b, b"x", bytes(16))
            yield f"{alg} encrypt_into nonce {n}", 104, lambda b=bad, k=box: k.encrypt_into(b, b"x", bytearray(17))
            yield f"{alg} decrypt_into nonce {n}", 104, lambda b=bad, k=box, s=sealed: k.decrypt_into(b, s, bytearray(1))
        for t in (0, 15, 17, 32):
            yield f"{alg} open_detached tag {t}", 105, lambda t=t, a=alg, k=key: xps.aead_open_detached(a, k, nonce, b"x", bytes(t))
            yield f"{alg} decrypt_detached tag {t}", 105, lambda t=t, k=box: k.decrypt_detached(nonce, b"x", bytes(t))
        for c in (0, 15):
            yield f"{alg} open sealed {c}", 102, lambda c=c, a=alg, k=key: xps.aead_open(a, k, nonce, bytes(c))
            yield f"{alg} decrypt sealed {c}", 102, lambda c=c, k=box: k.decrypt(nonce, bytes(c))
            yield f"{alg} decrypt_into sealed {c}", 102, lambda c=c, k=box: k.decrypt_into(nonce, bytes(c), bytearray(16))
    for cls, bad in ((xps.AES128GCM, 32), (xps.AES256GCM, 16), (xps.ChaCha20Poly1305, 31), (xps.XChaCha20Poly1305, 0)):
        yield f"{cls.__name__} key {bad}", 103, lambda c=cls, b=bad: c(bytes(b))
    yield "XChaCha20Poly1305 12-byte nonce", 104, lambda: xps.XChaCha20Poly1305(K32).encrypt(N12, b"")
    yield "ChaCha20Poly1305 24-byte nonce", 104, lambda: xps.ChaCha20Poly1305(K32).encrypt(N24, b"")


OTHER_LENGTH_CASES = [
    ("hmac_verify tag 31", 105, lambda: xps.hmac_verify("hmac-sha256", b"k", b"d", T32[:31])),
    ("hmac_verify tag 33", 105, lambda: xps.hmac_verify("hmac-sha256", b"k", b"d", T32 + b"\0")),
    ("hmac_verify sha512 tag 32", 105, lambda: xps.hmac_verify("hmac-sha512", b"k", b"d", T32)),
    ("hmac_verify_truncated 15", 105, lambda: xps.hmac_verify_truncated("hmac-sha256", b"k", b"d", T32[:15])),
    ("hmac_verify_truncated 33", 105, lambda: xps.hmac_verify_truncated("hmac-sha256", b"k", b"d", T32 + b"\0")),
    ("hmac_verify_truncated 0", 105, lambda: xps.hmac_verify_truncated("hmac-sha256", b"k", b"d", b"")),
    ("Mac.verify 31", 105, lambda: xps.Mac("hmac-sha256", b"k").verify(T32[:31])),
    ("Mac.verify_truncated 15", 105, lambda: xps.Mac("hmac-sha256", b"k").verify_truncated(T32[:15])),
    ("poly1305 key 31", 103, lambda: xps.hmac("poly1305", K32[:31], b"")),
    ("poly1305 verify key 33", 103, lambda: xps.hmac_verify("poly1305", K32 + b"\0", b"", bytes(16))),
    ("blake3-keyed mac key 31", 103, lambda: xps.hmac("blake3-keyed", K32[:31], b"")),
    ("Mac poly1305 key 0", 103, lambda: xps.Mac("poly1305", b"")),
    ("blake3_keyed key 33", 103, lambda: xps.blake3_keyed(K32 + b"\0", b"")),
    ("Hash.blake3_keyed key 31", 103, lambda: xps.Hash.blake3_keyed(K32[:31])),
    ("hkdf too long", 110, lambda: xps.hkdf("hkdf-sha256", b"", b"", b"", 255 * 32 + 1)),
    ("hkdf-sha512 too long", 110, lambda: xps.hkdf("hkdf-sha512", b"", b"", b"", 255 * 64 + 1)),
    ("hkdf_expand prk 31", 102, lambda: xps.hkdf_expand("hkdf-sha256", K32[:31], b"", 16)),
    ("hkdf_expand too long", 110, lambda: xps.hkdf_expand("hkdf-sha256", K32, b"", 255 * 32 + 1)),
    ("pbkdf2 length 0", 102, lambda: xps.pbkdf2("pbkdf2-sha256", b"p", b"s", 1, 0)),
    ("argon2id length 3", 102, lambda: xps.argon2id(b"p", bytes(8), 1, 8, 1, 3)),
    ("ed25519 seed 31", 102, lambda: xps.sign_keypair("ed25519", seed=K32[:31])),
    ("ed25519 seed 33", 102, lambda: xps.sign_keypair("ed25519", seed=K32 + b"\0")),
    ("ml-dsa seed 33", 102, lambda: xps.sign_keypair("ml-dsa-44", seed=K32 + b"\0")),
    ("slh-dsa seed 47", 102, lambda: xps.sign_keypair("slh-dsa-sha2-128s", seed=bytes(47))),
    ("SigningKey.generate seed 31", 102, lambda: xps.SigningKey.generate("ed25519", seed=K32[:31])),
    ("ed25519 sign sk 31", 103, lambda: xps.sign("ed25519", ED_SK[:31], b"m")),
    ("ml-dsa sign sk short", 103, lambda: xps.sign("ml-dsa-44", MLD_SK[:-1], b"m")),
    ("SigningKey sk 33", 103, lambda: xps.SigningKey("ed25519", ED_SK + b"\0")),
    ("public_from_secret 31", 103, lambda: xps.sign_public_from_secret("ed25519", ED_SK[:31])),
    ("ed25519 verify pk 31", 103, lambda: xps.verify("ed25519", ED_PK[:31], b"m", ED_SIG)),
    ("ed25519 verify sig 63", 102, lambda: xps.verify("ed25519", ED_PK, b"m", ED_SIG[:63])),
    ("ed25519 verify sig 65", 102, lambda: xps.verify("ed25519", ED_PK, b"m", ED_SIG + b"\0")),
    ("ml-dsa verify pk short", 103, lambda: xps.verify("ml-dsa-44", MLD_PK[:-1], b"m", bytes(2420))),
    ("ml-dsa verify sig short", 102, lambda: xps.verify("ml-dsa-44", MLD_PK, b"m", bytes(2419))),
    ("ml-dsa sign context 256", 102, lambda: xps.sign("ml-dsa-44", MLD_SK, b"m", context=bytes(256))),
    ("ml-dsa verify context 256", 102, lambda: xps.verify("ml-dsa-44", MLD_PK, b"m", bytes(2420), context=bytes(256))),
    ("x25519 seed 31", 102, lambda: xps.kem_keypair("x25519", seed=K32[:31])),
    ("ml-kem seed 63", 102, lambda: xps.kem_keypair("ml-kem-768", seed=K64[:63])),
    ("x-wing seed 33", 102, lambda: xps.kem_keypair("x-wing", seed=K32 + b"\0")),
    ("ml-kem encaps pk short", 103, lambda: xps.kem_encapsulate("ml-kem-768", MLK_PK[:-1])),
    ("ml-kem encaps seed 31", 102, lambda: xps.kem_encapsulate("ml-kem-768", MLK_PK, seed=K32[:31])),
    ("ml-kem decaps sk short", 103, lambda: xps.kem_decapsulate("ml-kem-768", MLK_SK[:-1], bytes(1088))),
    ("ml-kem decaps ct short", 102, lambda: xps.kem_decapsulate("ml-kem-768", MLK_SK, bytes(1087))),
    ("ml-kem decaps ct long", 102, lambda: xps.kem_decapsulate("ml-kem-768", MLK_SK, bytes(1089))),
    ("x25519 decaps sk 31", 103, lambda: xps.kem_decapsulate("x25519", X_SK[:31], X_PK)),
    ("x25519 decaps ct 33", 102, lambda: xps.kem_decapsulate("x25519", X_SK, X_PK + b"\0")),
    ("DecapsulationKey sk short", 103, lambda: xps.DecapsulationKey("ml-kem-768", MLK_SK[:-1])),
    ("DecapsulationKey.decapsulate ct short", 102, lambda: xps.DecapsulationKey("ml-kem-768", MLK_SK).decapsulate(bytes(1087))),
    ("hpke_seal pk 31", 103, lambda: xps.hpke_seal(32, 1, 1, HP_PK[:31], b"")),
    ("hpke_open enc 31", 102, lambda: xps.hpke_open(32, 1, 1, HP_SK, HP_ENC[:31], HP_CT)),
    ("hpke_open sk 31", 103, lambda: xps.hpke_open(32, 1, 1, HP_SK[:31], HP_ENC, HP_CT)),
    ("hpke_open ct 15", 102, lambda: xps.hpke_open(32, 1, 1, HP_SK, HP_ENC, HP_CT[:15])),
    ("hpke_derive_keypair ikm 31", 102, lambda: xps.hpke_derive_keypair(32, K32[:31])),
    ("HpkeSender ikm_e 31", 102, lambda: xps.HpkeSender(32, 1, 1, HP_PK, ikm_e=K32[:31])),
    ("HpkeRecipient enc 33", 102, lambda: xps.HpkeRecipient(32, 1, 1, HP_SK, HP_ENC + b"\0")),
    ("HpkeRecipient.open ct 15", 102, lambda: xps.HpkeRecipient(32, 1, 1, HP_SK, HP_ENC).open(HP_CT[:15])),
    ("HpkeSender.export too long", 110, lambda: xps.HpkeSender(32, 1, 1, HP_PK).export(b"", 255 * 32 + 1)),
    ("HpkeSender.export 0", 102, lambda: xps.HpkeSender(32, 1, 1, HP_PK).export(b"", 0)),
    ("SecureBuffer(0)", 102, lambda: xps.SecureBuffer(0)),
    ("SecureBuffer.from_bytes empty", 102, lambda: xps.SecureBuffer.from_bytes(b"")),
    # parameters out of range
    ("pbkdf2 iterations 0", 111, lambda: xps.pbkdf2("pbkdf2-sha256", b"p", b"s", 0, 16)),
    ("argon2id t_cost 0", 111, lambda: xps.argon2id(b"p", bytes(8), 0, 8, 1, 16)),
    ("argon2id m_cost < 8p", 111, lambda: xps.argon2id(b"p", bytes(8), 1, 15, 2, 16)),
    ("argon2id parallelism 0", 111, lambda: xps.argon2id(b"p", bytes(8), 1, 8, 0, 16)),
    ("argon2id salt 7", 111, lambda: xps.argon2id(b"p", bytes(7), 1, 8, 1, 16)),
    ("argon2id secret 33", 111, lambda: xps.argon2id(b"p", bytes(8), 1, 8, 1, 16, secret=bytes(33))),
    ("argon2id ad 33", 111, lambda: xps.argon2id(b"p", bytes(8), 1, 8, 1, 16, ad=bytes(33))),
    ("argon2id memory", 402, lambda: xps.argon2id(b"p", bytes(8), 1, 2**32 - 1, 1, 16)),
    ("ed25519 context", 111, lambda: xps.sign("ed25519", ED_SK, b"m", context=b"ctx")),
    ("falcon deterministic", 111, lambda: xps.sign("falcon-512", FAL_SK, b"m", deterministic=True)),
    ("falcon seeded keygen", 111, lambda: xps.sign_keypair("falcon-512", seed=bytes(48))),
    ("hpke psk without psk_id", 111, lambda: xps.HpkeSender(32, 1, 1, HP_PK, psk=K32)),
    ("hpke psk_id without psk", 111, lambda: xps.hpke_seal(32, 1, 1, HP_PK, b"", psk_id=b"id")),
    ("hpke auth with ML-KEM", 111, lambda: xps.HpkeSender(xps.HPKE_KEM_ML_KEM_768, 1, 1, ML_HP_PK, sender_secret=bytes(64))),
    ("hpke export-only seal", 111, lambda: xps.HpkeSender(32, 1, xps.HPKE_AEAD_EXPORT_ONLY, HP_PK).seal(b"m")),
    ("xof on a fixed hash", 109, lambda: xps.xof("sha256", b"", 8)),
    ("Hash.xof on a fixed hash", 109, lambda: xps.Hash("sha256").xof(8)),
    ("truncated poly1305", 109, lambda: xps.hmac_verify_truncated("poly1305", K32, b"", bytes(16))),
    ("Mac.verify_truncated poly1305", 109, lambda: xps.Mac("poly1305", K32).verify_truncated(bytes(16))),
    ("alg_name unknown id", 108, lambda: xps.alg_name(9999)),
]  # fmt: skip

LENGTH_CASES = list(_aead_length_cases()) + OTHER_LENGTH_CASES


@pytest.mark.parametrize("status,call", [c[1:] for c in LENGTH_CASES], ids=[c[0] for c in LENGTH_CASES])
def test_length_and_parameter_errors(status, call):
    expect_status(status, call)


def test_error_messages_never_show_key_bytes():
    key = bytes.fromhex("8f3a9c2e71d04b6a5e19c7f28d3b60a4e5f1c9d7a2b8e6f03c4d5a6b7c8d9e0f")[:31]
    for call in (lambda: xps.aead_seal("aes-256-gcm", key, N12, b""), lambda: xps.sign("ed25519", key, b"m")):
        with pytest.raises(InvalidInputError) as e:
            call()
        assert key.hex() not in str(e.value).lower() and key.hex()[:16] not in repr(e.value).lower()


@pytest.mark.parametrize("call,exc", [
    (lambda: xps.xof("shake128", b"", -1), OverflowError), (lambda: xps.random_bytes(-1), OverflowError),
    (lambda: xps.hkdf("hkdf-sha256", b"", b"", b"", -1), OverflowError),
    (lambda: xps.pbkdf2("pbkdf2-sha256", b"", b"", -1, 16), OverflowError), (lambda: xps.SecureBuffer(-1), OverflowError),
    (lambda: xps.blake3_keyed(K32, b"", -1), OverflowError), (lambda: xps.xof("shake128", b"", "8"), TypeError),
    (lambda: xps.SecureBuffer("8"), TypeError), (lambda: xps.xof("shake256", b"", 2**62), MemoryError),
    (lambda: xps.random_bytes(2**62), MemoryError), (lambda: xps.Hash("shake128").xof(2**62), MemoryError),
])  # fmt: skip
def test_bad_integers(call, exc):
    with pytest.raises(exc):
        call()


@pytest.mark.parametrize("call", [
    pytest.param(lambda n: xps.hkdf("hkdf-sha256", b"", b"", b"", n), id="hkdf"),
    pytest.param(lambda n: xps.hkdf_expand("hkdf-sha512", bytes(64), b"", n), id="hkdf_expand"),
    pytest.param(lambda n: xps.HpkeSender(32, 1, 1, HP_PK).export(b"", n), id="HpkeSender.export"),
    pytest.param(lambda n: xps.HpkeRecipient(32, 1, 1, HP_SK, HP_ENC).export(b"", n), id="HpkeRecipient.export"),
])  # fmt: skip
@pytest.mark.parametrize("n", [pytest.param(2**62, id="2**62"), pytest.param(255 * 64 + 1, id="limit+1")])
def test_over_limit_output_is_invalid_input(call, n):
    expect_status(110, call, n)


def test_system_functions_bad_input():
    assert xps.alg_from_name("no-such-alg") == 0
    assert xps.status_name(9999) == "XPS_E_UNKNOWN_STATUS"
    assert [xps.status_name(s) for s in (103, 104, 108, 109)] == [NAMES[s] for s in (103, 104, 108, 109)]
    assert xps.cpu_feature_name(200) is None
    assert xps.ct_equal(b"a", b"ab") is False and xps.ct_is_zero(b"\0\1") is False
    expect_status(501, xps.dispatch_active_kernel, "no-such-op")
    gen = xps.dispatch_generation()
    expect_status(502, xps.dispatch_force, "aead.aes-256-gcm", "no-such-kernel")
    expect_status(501, xps.dispatch_force, "no-such-op", "x")
    expect_status(501, xps.dispatch_kernel_for_size, "no-such-op", 1)
    with pytest.raises(OverflowError):
        xps.dispatch_kernel_for_size("hash.sha256", -1)
    mask = xps.policy_isa_mask()
    with pytest.raises(ValueError):
        xps.policy_set_isa_mask(["no-such-feature"])
    assert (xps.dispatch_generation(), xps.policy_isa_mask()) == (gen, mask)
    with pytest.raises(TypeError):
        xps.secure_zero(b"read-only")
    with pytest.raises(TypeError):
        xps.alg_name("sha256")


# --------------------------------------------------------------------------------------------
# Tampering
# --------------------------------------------------------------------------------------------

SIZES = [0, 1, 33, xps.DETACH_THRESHOLD + 5]  # the last one runs without the GIL


def _flip(b: bytes, i: int) -> bytes:
    return b[:i] + bytes([b[i] ^ 1]) + b[i + 1 :]


@pytest.mark.parametrize("alg", AEADS)
@pytest.mark.parametrize("size", SIZES)
def test_aead_tampering_is_refused(alg, size):
    kl, nl = AEADS[alg]
    key, nonce, aad, pt = bytes(range(1, kl + 1)), bytes(range(nl)), b"header", bytes(i % 256 for i in range(size))
    box = xps.AeadKey(alg, key)
    sealed = box.encrypt(nonce, pt, aad)
    ct, tag = sealed[:-16], sealed[-16:]
    wrong = {
        "ciphertext": (key, nonce, _flip(sealed, 0) if size else sealed + b"", aad),
        "tag": (key, nonce, _flip(sealed, len(sealed) - 1), aad),
        "aad": (key, nonce, sealed, aad + b"!"),
        "no aad": (key, nonce, sealed, b""),
        "nonce": (key, _flip(nonce, nl - 1), sealed, aad),
        "key": (_flip(key, 0), nonce, sealed, aad),
        "truncated": (key, nonce, sealed[1:], aad),
    }
    if not size:
        del wrong["ciphertext"], wrong["truncated"]  # nothing to flip; 15 bytes is a length error
    for what, (k, n, s, a) in wrong.items():
        for run in (
            lambda: xps.aead_open(alg, k, n, s, a),
            lambda: xps.aead_open_detached(alg, k, n, s[:-16], s[-16:], a),
            lambda: xps.AeadKey(alg, k).decrypt(n, s, a),
            lambda: xps.AeadKey(alg, k).decrypt_detached(n, s[:-16], s[-16:], a),
        ):
            expect_status(201, run)
        out = bytearray(b"\x5a" * (len(s) - 16))
        expect_status(201, xps.AeadKey(alg, k).decrypt_into, n, s, out, a)
        assert out == b"\x5a" * len(out), f"{what}: output written on failure"
        inplace = bytearray(s)
        expect_status(201, xps.AeadKey(alg, k).decrypt_into, n, inplace, inplace, a)
        assert inplace == s, f"{what}: in-place buffer changed on failure"
    assert box.decrypt_detached(nonce, ct, tag, aad) == pt  # the untouched message still opens


def test_hpke_tampering_is_refused():
    psk = {"psk": K32, "psk_id": b"id"}
    enc, ct = xps.hpke_seal(32, 1, 3, HP_PK, b"message", info=b"i", aad=b"a", **psk)
    good = {"info": b"i", "aad": b"a", **psk}
    assert xps.hpke_open(32, 1, 3, HP_SK, enc, ct, **good) == b"message"
    for change in ({"info": b"j"}, {"aad": b""}, {"psk": bytes(32)}, {"psk_id": b"ie"}):
        expect_status(201, xps.hpke_open, 32, 1, 3, HP_SK, enc, ct, **{**good, **change})
    expect_status(201, xps.hpke_open, 32, 1, 3, HP_SK, enc, _flip(ct, 3), **good)
    expect_status(201, xps.hpke_open, 32, 1, 3, HP_SK, _flip(enc, 5), ct, **good)
    expect_status(201, xps.hpke_open, 32, 1, 1, HP_SK, enc, ct, **good)  # another AEAD
    other_sk = xps.hpke_derive_keypair(32, bytes(32))[1]
    expect_status(201, xps.hpke_open, 32, 1, 3, other_sk, enc, ct, **good)


def test_hpke_recipient_failure_keeps_its_sequence():
    sender = xps.HpkeSender(32, 1, 1, HP_PK)
    recipient = xps.HpkeRecipient(32, 1, 1, HP_SK, sender.enc)
    c0, c1 = sender.seal(b"zero"), sender.seal(b"one", b"aad")
    expect_status(201, recipient.open, c1, b"aad")  # out of order
    expect_status(201, recipient.open, _flip(c0, 0))
    assert recipient.sequence == 0
    assert recipient.open(c0) == b"zero" and recipient.open(c1, b"aad") == b"one"
    assert (sender.sequence, recipient.sequence) == (2, 2)


@pytest.mark.parametrize("alg", ["ed25519", "ml-dsa-44", "falcon-512", "slh-dsa-sha2-128s", "ed25519+ml-dsa-65"])
def test_wrong_signatures_return_false(alg):
    pk, sk = xps.sign_keypair(alg)
    sig = xps.sign(alg, sk, b"message")
    assert xps.verify(alg, pk, b"message", sig) is True
    assert xps.verify(alg, pk, b"messagE", sig) is False
    for i in (0, len(sig) // 2, len(sig) - 1):
        assert xps.verify(alg, pk, b"message", _flip(sig, i)) is False, i
    other_pk = xps.sign_keypair(alg)[0]
    assert xps.verify(alg, other_pk, b"message", sig) is False


def test_mlkem_invalid_secret_key_is_refused():
    bad = _flip(MLK_SK, 1152 + 5)  # a bit of the embedded ek: FIPS 203 §7.3 hash check fails
    expect_status(114, xps.kem_decapsulate, "ml-kem-768", bad, bytes(1088))
    try:
        handle = xps.DecapsulationKey("ml-kem-768", bad)
    except InvalidInputError as e:
        assert e.status == 114
    else:
        expect_status(114, handle.decapsulate, bytes(1088))


def test_decapsulation_key_checks_on_every_decapsulation():
    """Documented: the constructor checks the length; the FIPS 203 §7.3 hash check runs at decapsulate()."""
    handle = xps.DecapsulationKey("ml-kem-768", _flip(MLK_SK, 1152 + 5))
    expect_status(114, handle.decapsulate, bytes(1088))


# --------------------------------------------------------------------------------------------
# Output buffers of encrypt_into / decrypt_into
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("alg", AEADS)
@pytest.mark.parametrize("size", SIZES)
def test_into_in_place_and_errors(alg, size):
    kl, nl = AEADS[alg]
    box, nonce = xps.AeadKey(alg, bytes(kl)), bytes(range(nl))
    pt = bytes((7 * i) % 256 for i in range(size))
    sealed = box.encrypt(nonce, pt, b"a")
    # exactly in place (the same bytearray), both directions
    buf = bytearray(pt) + bytearray(16)
    assert box.encrypt_into(nonce, memoryview(buf)[:size], buf, b"a") == size + 16
    assert buf == sealed
    assert box.decrypt_into(nonce, buf, buf, b"a") == size
    assert buf[:size] == pt
    # separate, larger output: only the first bytes are written
    out = bytearray(b"\xee" * (size + 20))
    assert box.encrypt_into(nonce, pt, out, b"a") == size + 16 and out[: size + 16] == sealed and out[size + 16 :] == b"\xee" * 4
    # partial overlap (two views of one bytearray, offset by 1); nothing is written
    work = bytearray(b"\x33" * (size + 17))
    view = memoryview(work)
    if size:
        expect_status(107, box.encrypt_into, nonce, view[1 : 1 + size], view[: size + 16], b"a")
        assert work == b"\x33" * (size + 17)
    view[: size + 16] = sealed
    before = bytes(work)
    expect_status(107, box.decrypt_into, nonce, view[: size + 16], view[1:], b"a")
    assert work == before
    # too small, read-only, non-contiguous
    expect_status(106, box.encrypt_into, nonce, pt, bytearray(size + 15))
    if size:
        expect_status(106, box.decrypt_into, nonce, sealed, bytearray(size - 1))
    for ro in (bytes(size + 16), memoryview(bytearray(size + 16)).toreadonly()):
        with pytest.raises(TypeError):
            box.encrypt_into(nonce, pt, ro)
        with pytest.raises(TypeError):
            box.decrypt_into(nonce, sealed, ro)
    with pytest.raises(BufferError):
        box.encrypt_into(nonce, pt, memoryview(bytearray(2 * size + 40))[::2])


TIGHT = [pytest.param(a, n, id=f"{a}-{n}") for a in AEADS for n in (1, 100, xps.DETACH_THRESHOLD + 5)]


@pytest.mark.parametrize("alg,size", TIGHT)
def test_decrypt_into_tight_in_place_output(alg, size):
    """Output = the first len(plaintext) bytes of the input's own buffer (same start address)."""
    kl, nl = AEADS[alg]
    box, nonce, pt = xps.AeadKey(alg, bytes(kl)), bytes(nl), bytes(i % 251 for i in range(size))
    buf = bytearray(box.encrypt(nonce, pt))
    view = memoryview(buf)
    try:
        n = box.decrypt_into(nonce, view, view[:size])
    except InvalidInputError:
        return  # a clean refusal would be acceptable too; a panic is not
    assert n == size and view[:size] == pt


ALIAS = [pytest.param(a, w, n, id=f"{a}-{w}-{n}") for a in AEADS for w in ("aad", "nonce") for n in (40, xps.DETACH_THRESHOLD + 5)]


@pytest.mark.parametrize("alg,which,size", ALIAS)
def test_encrypt_into_nonce_or_aad_inside_output(alg, which, size):
    """The C ABI refuses any overlap but exact in-place with XPS_E_OVERLAP; refusing is fine,
    otherwise the output must be the encryption of the nonce/aad as they were at the call."""
    kl, nl = AEADS[alg]
    box, pt = xps.AeadKey(alg, bytes(range(kl))), bytes(i % 251 for i in range(size))
    buf = bytearray(bytes(i % 13 + 1 for i in range(size + 16)))
    view = memoryview(buf)
    nonce, aad = (view[5 : 5 + nl], b"aad") if which == "nonce" else (bytes(nl), view[5:25])
    want = box.encrypt(bytes(nonce), pt, bytes(aad))
    try:
        box.encrypt_into(nonce, pt, buf, aad)
    except InvalidInputError as e:
        assert e.status == 107
        return
    assert buf == want


# --------------------------------------------------------------------------------------------
# Buffer kinds
# --------------------------------------------------------------------------------------------


def _gcm_vector():
    """The first Wycheproof AES-256-GCM case with a 96-bit IV and msg/aad lengths that are
    multiples of 4 (so that array('I') can carry them)."""
    for g in load_json("wycheproof/aes_gcm_test.json")["testGroups"]:
        if g["keySize"] == 256 and g["ivSize"] == 96:
            for t in g["tests"]:
                m, a = hx(t["msg"]), hx(t["aad"])
                if t["result"] == "valid" and m and a and len(m) % 4 == 0 and len(a) % 4 == 0:
                    return hx(t["key"]), hx(t["iv"]), a, m, hx(t["ct"]) + hx(t["tag"])
    raise AssertionError("no suitable vector")


def _kinds(b: bytes):
    yield "bytes", b
    yield "bytearray", bytearray(b)
    yield "memoryview", memoryview(b)
    yield "memoryview slice", memoryview(b"xx" + b + b"yy")[2:-2]
    yield "array B", array.array("B", b)
    yield "array I", array.array("I", b)  # read as its raw bytes
    yield "2-D memoryview", memoryview(bytearray(b)).cast("B", [2, len(b) // 2])
    yield "SecureBuffer", xps.SecureBuffer.from_bytes(b)


@pytest.mark.parametrize("kind", [k for k, _ in _kinds(bytes(4))])
def test_any_contiguous_buffer_is_read_as_raw_bytes(kind):
    key, nonce, aad, msg, sealed = _gcm_vector()
    conv = lambda b: dict(_kinds(b))[kind]  # noqa: E731
    assert xps.aead_seal("aes-256-gcm", conv(key), conv(nonce), conv(msg), conv(aad)) == sealed
    assert xps.aead_open("aes-256-gcm", conv(key), conv(nonce), conv(sealed), conv(aad)) == msg
    assert xps.AeadKey("aes-256-gcm", conv(key)).decrypt(conv(nonce), conv(sealed), aad=conv(aad)) == msg
    data = bytes(range(256)) * 80  # above DETACH_THRESHOLD: copied before the GIL is released
    for d in (data[:64], data):
        assert xps.hash("sha256", conv(d)) == hashlib.sha256(d).digest()
        assert xps.hmac("hmac-sha512", conv(key), conv(d)) == std_hmac.new(key, d, "sha512").digest()
        assert xps.Hash("sha3-256").update(conv(d)).digest() == hashlib.sha3_256(d).digest()


@pytest.mark.parametrize("call", [
    lambda b: xps.hash("sha256", b), lambda b: xps.aead_seal("aes-256-gcm", b, N12, b""),
    lambda b: xps.aead_seal("aes-128-gcm", K16, N12, b, b), lambda b: xps.hmac("hmac-sha256", b, b""),
    lambda b: xps.Hash("sha256").update(b), lambda b: xps.verify("ed25519", ED_PK, b, ED_SIG),
    lambda b: xps.AeadKey("aes-256-gcm", K32).decrypt_into(N12, SEALED, b),
])  # fmt: skip
def test_non_contiguous_buffers_raise_buffer_error(call):
    with pytest.raises(BufferError):
        call(memoryview(bytearray(64))[::2])


# --------------------------------------------------------------------------------------------
# repr, SecureBuffer, streaming state
# --------------------------------------------------------------------------------------------


def test_repr_never_shows_key_bytes():
    secret = bytes.fromhex("c0ffee11" * 8)
    sk64 = secret + secret[::-1]
    hidden = [secret.hex(), secret.hex().upper(), secret.hex()[:8], repr(secret)[2:10]]
    objects = [
        xps.AeadKey("chacha20-poly1305", secret), xps.AES256GCM(secret), xps.XChaCha20Poly1305(secret),
        xps.SigningKey("ed25519", secret), xps.DecapsulationKey("x25519", secret), xps.Mac("hmac-sha256", secret),
        xps.Mac("poly1305", secret), xps.HpkeSender(32, 1, 1, HP_PK, psk=secret, psk_id=b"id", ikm_e=secret),
        xps.HpkeRecipient(32, 1, 1, secret, HP_ENC), xps.SecureBuffer.from_bytes(secret), xps.SecureBuffer.from_bytes(sk64),
        xps.SigningKey("ed25519+ml-dsa-65", sk64),
    ]  # fmt: skip
    for obj in objects:
        r = repr(obj) + str(obj)
        assert all(h not in r for h in hidden), r
    assert "AES256GCM" in repr(objects[1]) and "aes-256-gcm" in repr(objects[1])


def test_secure_buffer():
    secret = b"correct horse battery staple"
    sb = xps.SecureBuffer.from_bytes(secret)
    assert len(sb) == len(secret) and not sb.closed
    assert xps.hmac("hmac-sha256", sb, b"m") == std_hmac.new(secret, b"m", "sha256").digest()
    view = memoryview(sb)
    assert bytes(view) == secret and not view.readonly
    view[:4] = b"CORR"
    assert bytes(memoryview(sb))[:4] == b"CORR"
    sb.wipe()
    assert bytes(view) == bytes(len(secret)) and not sb.closed
    with pytest.raises(BufferError):
        sb.close()  # refused while a memoryview exists
    view.release()
    sb.close()
    assert sb.closed and len(sb) == 0
    expect_status(113, sb.wipe)
    expect_status(113, memoryview, sb)
    sb.close()  # idempotent


def test_secure_buffer_context_manager_wipes():
    with xps.SecureBuffer(32) as sb:
        assert bytes(memoryview(sb)) == bytes(32)
        memoryview(sb)[:] = b"\xab" * 32
        view = memoryview(sb)
    assert bytes(view) == bytes(32)  # wiped on exit; kept alive (not freed) while a view exists
    assert not sb.closed
    view.release()
    sb.close()
    with xps.SecureBuffer.from_bytes(b"key material") as sb2:
        xps.secure_zero(sb2)
        assert bytes(memoryview(sb2)) == bytes(12)
    assert sb2.closed and len(sb2) == 0


def test_hash_copy_forks_and_digest_does_not_consume():
    h = xps.Hash("sha512", b"abc")
    ref = hashlib.sha512(b"abc")
    assert h.digest() == h.digest() == ref.digest()
    fork = h.copy()
    h.update(b"def")
    fork.update(b"xyz")
    assert h.digest() == hashlib.sha512(b"abcdef").digest()
    assert fork.hexdigest() == hashlib.sha512(b"abcxyz").hexdigest()
    x = xps.Hash("shake256", b"ab")
    assert x.xof(10) == x.xof(10) == hashlib.shake_256(b"ab").digest(10)
    assert x.copy().update(b"c").xof(100) == hashlib.shake_256(b"abc").digest(100)
    assert x.digest() == hashlib.shake_256(b"ab").digest(64)
    assert (h.name, h.digest_size, x.digest_size) == ("sha512", 64, 64)


def test_mac_copy_forks_and_finalize_does_not_consume():
    m = xps.Mac("hmac-sha384", b"key").update(b"abc")
    ref = std_hmac.new(b"key", b"abc", "sha384").digest()
    assert m.finalize() == m.finalize() == ref and m.verify(ref) is True
    fork = m.copy()
    m.update(b"def")
    assert m.finalize() == std_hmac.new(b"key", b"abcdef", "sha384").digest()
    assert fork.finalize() == ref and fork.verify(_flip(ref, 0)) is False
    assert fork.verify_truncated(ref[:24]) is True and fork.verify_truncated(_flip(ref, 20)[:24]) is False
    assert (m.name, m.tag_size) == ("hmac-sha384", 48)


def test_other_public_callables_reject_bad_types():
    for call in (
        lambda: xps.hpke_keypair("x"), lambda: xps.status_name("103"), lambda: xps.status_message(None),
        lambda: xps.status_category("1"), lambda: xps.alg_from_name(b"sha256"), lambda: xps.cpu_feature_name("x"),
        lambda: xps.dispatch_active_kernel(None), lambda: xps.dispatch_force("aead.aes-256-gcm", None),
        lambda: xps.dispatch_set_autotune("yes"), lambda: xps.dispatch_kernel_for_size("hash.sha256", "5"),
        lambda: xps.dispatch_kernel_for_size(5, 5),
        lambda: xps.policy_set_ct_only("yes"), lambda: xps.policy_set_require_mlock(None),
        lambda: xps.policy_set_rsa_private_ops("no"), lambda: xps.policy_set_isa_mask(None),
        lambda: xps.random_bytes("8"), lambda: xps.Hash("sha256").update(), lambda: xps.SigningKey("ed25519", ED_SK).public_key(1),
        lambda: xps.patch_step_name("506"), lambda: xps.patch_set_audit_log(42),
        lambda: xps.policy_set_allow_unsigned_patches_for_development("yes"),
        lambda: xps.patch_sign_manifest(PATCH_MANIFEST, None, ED_SK),
        lambda: xps.policy_replace(None), lambda: xps.policy_replace({"fips_mode": "yes"}),
        lambda: xps.policy_replace({"allowed_algorithms": 5}), lambda: xps.policy_set_fips_mode("yes"),
        lambda: xps.policy_set_hot_patch_allowed(None), lambda: xps.policy_allow_algorithm(b"sha256"),
        lambda: xps.policy_algorithm_allowed(None), lambda: xps.fips_approved(1), lambda: xps.metrics_set_enabled("no"),
    ):  # fmt: skip
        with pytest.raises(TypeError):
            call()
    no_args = (
        xps.init, xps.version, xps.version_number, xps.statuses, xps.algorithms, xps.cpu_features,
        xps.cpu_hardware_features, xps.cpu_feature_bits, xps.dispatch_info, xps.dispatch_reset, xps.dispatch_generation,
        xps.secure_lock_failures, xps.policy_ct_only, xps.policy_isa_mask, xps.policy_require_mlock,
        xps.policy_rsa_private_ops, xps.hpke_keypair, xps.hpke_pkbytes, xps.hpke_skbytes, xps.hpke_encbytes,
        xps.patch_rollback, xps.patch_history, xps.patch_applied, xps.kernel_abi_version,
        xps.policy_allow_unsigned_patches_for_development, xps.policy_get, xps.policy_default, xps.policy_fips_mode,
        xps.policy_hot_patch_allowed, xps.metrics, xps.metrics_prometheus, xps.metrics_reset, xps.metrics_enabled,
    )  # fmt: skip
    for fn in no_args:
        with pytest.raises(TypeError):
            fn(1, 2)
    assert (xps.policy_ct_only(), xps.policy_require_mlock()) == (False, False)  # nothing was changed
    assert xps.policy_allow_unsigned_patches_for_development() is False
    assert xps.policy_get() == xps.policy_default()  # the bad calls above changed nothing
    with pytest.raises(xps.InvalidInputError):
        xps.fips_approved("no-such-alg")
    major, minor, patch = (int(p) for p in xps.version().split(".")[:3])
    assert xps.version_number() == major * 10000 + minor * 100 + patch
    assert {c: n for c, n, _ in xps.statuses() if c in NAMES} == NAMES  # the C header's numbers
    assert {"aes-256-gcm", "ml-kem-768", "ed25519", "x-wing"} <= set(xps.algorithms())


@pytest.mark.parametrize("cls", [xps.AES128GCM, xps.AES256GCM, xps.ChaCha20Poly1305, xps.XChaCha20Poly1305])
def test_typed_aead_classes(cls):
    k1, k2 = cls.generate_key(), cls.generate_key()
    assert len(k1) == len(k2) == cls.KEY_SIZE == xps.aead_keybytes(cls.ALG) and k1 != k2
    box = cls(k1)
    assert isinstance(box, xps.AeadKey) and box.alg == cls.ALG and cls.__name__ in repr(box)
    assert cls.NONCE_SIZE == xps.aead_noncebytes(cls.ALG) and cls.TAG_SIZE == xps.aead_tagbytes(cls.ALG) == 16
    with pytest.raises(TypeError):
        cls(cls.ALG, k1)  # the algorithm is fixed by the class
    with pytest.raises(TypeError, match="encode"):
        cls("k" * cls.KEY_SIZE)
