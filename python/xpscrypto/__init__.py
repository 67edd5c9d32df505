"""xpscrypto: runtime-dispatched cryptography with a Rust core.

The flat API mirrors the C ABI (``xps_hash`` → ``hash``, ``xps_aead_seal`` → ``aead_seal``, …)
with canonical algorithm names (``"aes-256-gcm"``, ``"ml-kem-768"``, …). Any bytes-like object
is accepted as input; results are ``bytes``. Failures raise the exceptions of
:mod:`xpscrypto.errors` (``InvalidInputError`` is also a ``ValueError``); ``verify`` and
``hmac_verify`` return ``False`` for a wrong signature or tag.

Heavy calls (Argon2id, PBKDF2, public-key operations, and hashes/MACs/AEADs of at least
``DETACH_THRESHOLD`` bytes) release the GIL, so threads run them in parallel.
"""

from __future__ import annotations

from typing import ClassVar

from . import errors
from ._native import (
    DETACH_THRESHOLD,
    HPKE_AEAD_AES_128_GCM,
    HPKE_AEAD_AES_256_GCM,
    HPKE_AEAD_CHACHA20_POLY1305,
    HPKE_AEAD_EXPORT_ONLY,
    HPKE_KDF_HKDF_SHA256,
    HPKE_KDF_HKDF_SHA384,
    HPKE_KDF_HKDF_SHA512,
    HPKE_KEM_ML_KEM_512,
    HPKE_KEM_ML_KEM_768,
    HPKE_KEM_ML_KEM_1024,
    HPKE_KEM_X25519_HKDF_SHA256,
    HPKE_KEM_X_WING,
    HPKE_MODE_AUTH,
    HPKE_MODE_AUTH_PSK,
    HPKE_MODE_BASE,
    HPKE_MODE_PSK,
    AeadKey,
    DecapsulationKey,
    Hash,
    HpkeRecipient,
    HpkeSender,
    Keyring,
    Mac,
    SecureBuffer,
    SigningKey,
    __version__,
    aead_keybytes,
    aead_noncebytes,
    aead_open,
    aead_open_detached,
    aead_seal,
    aead_seal_detached,
    aead_tagbytes,
    alg_from_name,
    alg_name,
    algorithms,
    argon2id,
    blake3_derive_key,
    blake3_keyed,
    cpu_feature_bits,
    cpu_feature_name,
    cpu_features,
    cpu_hardware_features,
    ct_equal,
    ct_is_zero,
    dispatch_active_kernel,
    dispatch_autotune_enabled,
    dispatch_force,
    dispatch_generation,
    dispatch_info,
    dispatch_kernel_for_size,
    dispatch_reset,
    dispatch_set_autotune,
    fips_approved,
    hash,
    hash_outbytes,
    hazmat_sign_internal,
    hazmat_verify_internal,
    hkdf,
    hkdf_expand,
    hkdf_extract,
    hmac,
    hmac_verify,
    hmac_verify_truncated,
    hpke_derive_keypair,
    hpke_encbytes,
    hpke_keypair,
    hpke_open,
    hpke_pkbytes,
    hpke_seal,
    hpke_skbytes,
    init,
    kem_ciphertextbytes,
    kem_decapsulate,
    kem_encapsseedbytes,
    kem_encapsulate,
    kem_keypair,
    kem_publickeybytes,
    kem_secretkeybytes,
    kem_seedbytes,
    kem_sharedsecretbytes,
    kernel_abi_version,
    mac_keybytes,
    mac_tagbytes,
    metrics,
    metrics_enabled,
    metrics_prometheus,
    metrics_reset,
    metrics_set_enabled,
    patch_applied,
    patch_apply,
    patch_history,
    patch_rollback,
    patch_set_audit_log,
    patch_sign_manifest,
    patch_step_name,
    patch_verify,
    pbkdf2,
    policy_algorithm_allowed,
    policy_allow_algorithm,
    policy_allow_unsigned_patches_for_development,
    policy_ct_only,
    policy_default,
    policy_fips_mode,
    policy_get,
    policy_hot_patch_allowed,
    policy_isa_mask,
    policy_replace,
    policy_require_mlock,
    policy_rsa_private_ops,
    policy_set_allow_unsigned_patches_for_development,
    policy_set_ct_only,
    policy_set_fips_mode,
    policy_set_hot_patch_allowed,
    policy_set_isa_mask,
    policy_set_require_mlock,
    policy_set_rsa_private_ops,
    random_bytes,
    secure_lock_failures,
    secure_zero,
    sign,
    sign_bytes,
    sign_contextbytes,
    sign_keypair,
    sign_public_from_secret,
    sign_publickeybytes,
    sign_secretkeybytes,
    sign_seedbytes,
    status_category,
    status_message,
    status_name,
    statuses,
    verify,
    version,
    version_number,
    xof,
)
from .errors import (
    AuthenticationError,
    Error,
    InternalError,
    InvalidInputError,
    PatchError,
    PolicyError,
    ResourceError,
    SelfTestError,
)


class _TypedAead(AeadKey):
    """An :class:`AeadKey` whose algorithm is fixed by the class."""

    ALG: ClassVar[str]
    KEY_SIZE: ClassVar[int]
    NONCE_SIZE: ClassVar[int]
    TAG_SIZE: ClassVar[int] = 16

    def __new__(cls, key: bytes | bytearray | memoryview) -> "_TypedAead":
        return AeadKey.__new__(cls, cls.ALG, key)

    @classmethod
    def generate_key(cls) -> bytes:
        """A fresh random key of ``KEY_SIZE`` bytes."""
        return random_bytes(cls.KEY_SIZE)


class AES128GCM(_TypedAead):
    """AES-128-GCM: 16-byte key, 12-byte nonce (never reuse one under a key), 16-byte tag."""

    ALG = "aes-128-gcm"
    KEY_SIZE = 16
    NONCE_SIZE = 12


class AES256GCM(_TypedAead):
    """AES-256-GCM: 32-byte key, 12-byte nonce (never reuse one under a key), 16-byte tag."""

    ALG = "aes-256-gcm"
    KEY_SIZE = 32
    NONCE_SIZE = 12


class ChaCha20Poly1305(_TypedAead):
    """ChaCha20-Poly1305 (RFC 8439): 32-byte key, 12-byte nonce, 16-byte tag."""

    ALG = "chacha20-poly1305"
    KEY_SIZE = 32
    NONCE_SIZE = 12


class XChaCha20Poly1305(_TypedAead):
    """XChaCha20-Poly1305: 32-byte key, 24-byte nonce (safe to pick at random), 16-byte tag."""

    ALG = "xchacha20-poly1305"
    KEY_SIZE = 32
    NONCE_SIZE = 24


__all__ = [
    "AES128GCM",
    "AES256GCM",
    "AeadKey",
    "AuthenticationError",
    "ChaCha20Poly1305",
    "DETACH_THRESHOLD",
    "DecapsulationKey",
    "Error",
    "HPKE_AEAD_AES_128_GCM",
    "HPKE_AEAD_AES_256_GCM",
    "HPKE_AEAD_CHACHA20_POLY1305",
    "HPKE_AEAD_EXPORT_ONLY",
    "HPKE_KDF_HKDF_SHA256",
    "HPKE_KDF_HKDF_SHA384",
    "HPKE_KDF_HKDF_SHA512",
    "HPKE_KEM_ML_KEM_1024",
    "HPKE_KEM_ML_KEM_512",
    "HPKE_KEM_ML_KEM_768",
    "HPKE_KEM_X25519_HKDF_SHA256",
    "HPKE_KEM_X_WING",
    "HPKE_MODE_AUTH",
    "HPKE_MODE_AUTH_PSK",
    "HPKE_MODE_BASE",
    "HPKE_MODE_PSK",
    "Hash",
    "HpkeRecipient",
    "HpkeSender",
    "InternalError",
    "InvalidInputError",
    "Keyring",
    "Mac",
    "PatchError",
    "PolicyError",
    "ResourceError",
    "SecureBuffer",
    "SelfTestError",
    "SigningKey",
    "XChaCha20Poly1305",
    "aead_keybytes",
    "aead_noncebytes",
    "aead_open",
    "aead_open_detached",
    "aead_seal",
    "aead_seal_detached",
    "aead_tagbytes",
    "alg_from_name",
    "alg_name",
    "algorithms",
    "argon2id",
    "blake3_derive_key",
    "blake3_keyed",
    "cpu_feature_bits",
    "cpu_feature_name",
    "cpu_features",
    "cpu_hardware_features",
    "ct_equal",
    "ct_is_zero",
    "dispatch_active_kernel",
    "dispatch_autotune_enabled",
    "dispatch_force",
    "dispatch_generation",
    "dispatch_info",
    "dispatch_kernel_for_size",
    "dispatch_reset",
    "dispatch_set_autotune",
    "errors",
    "fips_approved",
    "hash",
    "hash_outbytes",
    "hazmat_sign_internal",
    "hazmat_verify_internal",
    "hkdf",
    "hkdf_expand",
    "hkdf_extract",
    "hmac",
    "hmac_verify",
    "hmac_verify_truncated",
    "hpke_derive_keypair",
    "hpke_encbytes",
    "hpke_keypair",
    "hpke_open",
    "hpke_pkbytes",
    "hpke_seal",
    "hpke_skbytes",
    "init",
    "kem_ciphertextbytes",
    "kem_decapsulate",
    "kem_encapsseedbytes",
    "kem_encapsulate",
    "kem_keypair",
    "kem_publickeybytes",
    "kem_secretkeybytes",
    "kem_seedbytes",
    "kem_sharedsecretbytes",
    "kernel_abi_version",
    "mac_keybytes",
    "mac_tagbytes",
    "metrics",
    "metrics_enabled",
    "metrics_prometheus",
    "metrics_reset",
    "metrics_set_enabled",
    "patch_applied",
    "patch_apply",
    "patch_history",
    "patch_rollback",
    "patch_set_audit_log",
    "patch_sign_manifest",
    "patch_step_name",
    "patch_verify",
    "pbkdf2",
    "policy_algorithm_allowed",
    "policy_allow_algorithm",
    "policy_allow_unsigned_patches_for_development",
    "policy_ct_only",
    "policy_default",
    "policy_fips_mode",
    "policy_get",
    "policy_hot_patch_allowed",
    "policy_isa_mask",
    "policy_replace",
    "policy_require_mlock",
    "policy_rsa_private_ops",
    "policy_set_allow_unsigned_patches_for_development",
    "policy_set_ct_only",
    "policy_set_fips_mode",
    "policy_set_hot_patch_allowed",
    "policy_set_isa_mask",
    "policy_set_require_mlock",
    "policy_set_rsa_private_ops",
    "random_bytes",
    "secure_lock_failures",
    "secure_zero",
    "sign",
    "sign_bytes",
    "sign_contextbytes",
    "sign_keypair",
    "sign_public_from_secret",
    "sign_publickeybytes",
    "sign_secretkeybytes",
    "sign_seedbytes",
    "status_category",
    "status_message",
    "status_name",
    "statuses",
    "verify",
    "version",
    "version_number",
    "xof",
]
