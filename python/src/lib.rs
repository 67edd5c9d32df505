//! `xpscrypto._native`: the pyo3 layer under the `xpscrypto` Python package. It converts
//! arguments, releases the GIL for heavy work and maps statuses to exceptions; every
//! cryptographic operation is a call into `xpscrypto-core` (invariant I-8).

use pyo3::prelude::*;

mod aead;
mod buf;
mod errors;
mod hash;
mod hpke;
mod kdf;
mod kem;
mod keyring;
mod mac;
mod observe;
mod patch;
mod secure;
mod sign;
mod system;
mod util;



#[pymodule]
mod _native {
    use pyo3::prelude::*;

    #[pymodule_export]
    use crate::aead::{aead_keybytes, aead_noncebytes, aead_open, aead_open_detached, aead_seal, aead_seal_detached, aead_tagbytes, AeadKey};
    #[pymodule_export]
    use crate::hash::{blake3_derive_key, blake3_keyed, hash, hash_outbytes, xof, Hash};
    #[pymodule_export]
    use crate::hpke::{hpke_derive_keypair, hpke_encbytes, hpke_keypair, hpke_open, hpke_pkbytes, hpke_seal, hpke_skbytes, HpkeRecipient, HpkeSender};
    #[pymodule_export]
    use crate::kdf::{argon2id, hkdf, hkdf_expand, hkdf_extract, pbkdf2};
    #[pymodule_export]
    use crate::kem::{
        kem_ciphertextbytes, kem_decapsulate, kem_encapsseedbytes, kem_encapsulate, kem_keypair, kem_publickeybytes, kem_secretkeybytes, kem_seedbytes,
        kem_sharedsecretbytes, DecapsulationKey,
    };
    #[pymodule_export]
    use crate::keyring::Keyring;
    #[pymodule_export]
    use crate::mac::{hmac, hmac_verify, hmac_verify_truncated, mac_keybytes, mac_tagbytes, Mac};
    #[pymodule_export]
    use crate::observe::{
        fips_approved, metrics, metrics_enabled, metrics_prometheus, metrics_reset, metrics_set_enabled, policy_algorithm_allowed, policy_allow_algorithm,
        policy_default, policy_fips_mode, policy_get, policy_hot_patch_allowed, policy_replace, policy_set_fips_mode, policy_set_hot_patch_allowed,
    };
    #[pymodule_export]
    use crate::patch::{
        kernel_abi_version, patch_applied, patch_apply, patch_history, patch_rollback, patch_set_audit_log, patch_sign_manifest, patch_step_name, patch_verify,
        policy_allow_unsigned_patches_for_development, policy_set_allow_unsigned_patches_for_development,
    };
    #[pymodule_export]
    use crate::secure::SecureBuffer;
    #[pymodule_export]
    use crate::sign::{
        hazmat_sign_internal, hazmat_verify_internal, sign, sign_bytes, sign_contextbytes, sign_keypair, sign_public_from_secret, sign_publickeybytes, sign_secretkeybytes, sign_seedbytes, verify,
        SigningKey,
    };
    #[pymodule_export]
    use crate::system::{
        alg_from_name, alg_name, algorithms, cpu_feature_bits, cpu_feature_name, cpu_features, cpu_hardware_features, ct_equal, ct_is_zero,
        dispatch_active_kernel, dispatch_autotune_enabled, dispatch_force, dispatch_generation, dispatch_info, dispatch_kernel_for_size, dispatch_reset,
        dispatch_set_autotune, init, policy_ct_only, policy_isa_mask,
        policy_require_mlock, policy_rsa_private_ops, policy_set_ct_only, policy_set_isa_mask, policy_set_require_mlock, policy_set_rsa_private_ops,
        random_bytes, secure_lock_failures, secure_zero, status_category, status_message, status_name, statuses, version, version_number, _bench_core,
    };

    #[pymodule_init]
    fn init_consts(m: &Bound<'_, PyModule>) -> PyResult<()> {
        for (name, v) in crate::hpke::CONSTANTS {
            m.add(*name, *v)?;
        }
        m.add("DETACH_THRESHOLD", crate::buf::DETACH_AT)?;
        m.add("__version__", xpscrypto_core::VERSION)?;
        Ok(())
    }
}

