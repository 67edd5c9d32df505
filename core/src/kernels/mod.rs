//! One folder per algorithm; each exposes `CANDIDATES` (portable first) with the same signatures
//! (see `dispatch::abi`). Accelerated kernels are tested against the portable one in
//! `core/tests/differential.rs`.

pub mod aes_gcm;
pub mod argon2id;
pub mod blake2;
pub mod blake3;
pub mod chacha20;
pub mod ed25519;
pub mod ml_kem;
pub mod ed25519_ml_dsa65;
pub mod ml_dsa;
pub mod falcon;
pub(crate) mod pk_util;
pub mod poly1305;
pub mod rsa_pss;
mod md;
pub mod sha256;
pub mod sha3;
pub mod sha512;
pub mod slh_dsa;
mod state;
pub mod unavailable;
pub mod x25519;
pub mod x_wing;

use crate::dispatch::{AeadKernel, HashKernel, KemKernel, SignKernel};
use crate::Alg;

pub(crate) use state::{digest_kernel, xof_kernel};

/// Candidates of a hash op (first = portable).
pub fn hash_candidates(alg: Alg) -> &'static [HashKernel] {
    match alg {
        Alg::Sha256 => &sha256::CANDIDATES,
        Alg::Sha384 => &sha512::SHA384,
        Alg::Sha512 => &sha512::SHA512,
        Alg::Sha3_256 => &sha3::SHA3_256,
        Alg::Sha3_512 => &sha3::SHA3_512,
        Alg::Shake128 => &sha3::SHAKE128,
        Alg::Shake256 => &sha3::SHAKE256,
        Alg::Blake2b512 => &blake2::BLAKE2B_512,
        Alg::Blake2s256 => &blake2::BLAKE2S_256,
        Alg::Blake3 => &blake3::CANDIDATES,
        _ => &[],
    }
}

/// Candidates of an AEAD op (first = portable).
pub fn aead_candidates(alg: Alg) -> &'static [AeadKernel] {
    match alg {
        Alg::Aes128Gcm | Alg::Aes256Gcm => &aes_gcm::CANDIDATES,
        Alg::ChaCha20Poly1305 => &chacha20::CHACHA20_POLY1305,
        Alg::XChaCha20Poly1305 => &chacha20::XCHACHA20_POLY1305,
        _ => &[],
    }
}

/// Candidates of a signature op (first = portable); empty if this build has none.
pub fn sign_candidates(alg: Alg) -> &'static [SignKernel] {
    match alg {
        Alg::Ed25519 => &ed25519::CANDIDATES,
        Alg::MlDsa44 => ml_dsa::ML_DSA_44,
        Alg::MlDsa65 => ml_dsa::ML_DSA_65,
        Alg::MlDsa87 => ml_dsa::ML_DSA_87,
        Alg::Ed25519MlDsa65 => &ed25519_ml_dsa65::CANDIDATES,
        Alg::Falcon512 => &falcon::FALCON_512,
        Alg::Falcon1024 => &falcon::FALCON_1024,
        Alg::SlhDsaSha2_128s => &slh_dsa::SHA2_128S,
        Alg::RsaPssSha256 => &rsa_pss::CANDIDATES,
        _ => &[],
    }
}

/// Candidates of a KEM / key-agreement op (first = portable); empty if this build has none.
pub fn kem_candidates(alg: Alg) -> &'static [KemKernel] {
    match alg {
        Alg::X25519 => &x25519::CANDIDATES,
        Alg::MlKem512 => &ml_kem::ML_KEM_512,
        Alg::MlKem768 => &ml_kem::ML_KEM_768,
        Alg::MlKem1024 => &ml_kem::ML_KEM_1024,
        Alg::XWing => &x_wing::CANDIDATES,
        _ => &[],
    }
}
