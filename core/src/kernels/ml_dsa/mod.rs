//! ML-DSA-44/65/87 (FIPS 204), two kernels per parameter set.
//!
//! - **Reference** (`ml-dsa-NN/rustcrypto`, portable, first candidate): the pure-Rust `ml-dsa`
//!   0.1.2 crate. Pure ML-DSA with a context string of at most 255 bytes, seeded key generation
//!   (seed = the 32-byte ξ of `ML-DSA.KeyGen_internal`), deterministic (`rnd = 0³²`) and hedged
//!   signing (`rnd` = 32 fresh bytes from [`crate::rand`]). Caps: seeded keypair, deterministic,
//!   context.
//! - **Accelerated** (`ml-dsa-NN/pqclean-avx2`, x86-64 only, needs AVX2 + BMI2): PQClean's AVX2
//!   code through `pqcrypto-mldsa` 0.1.2, called at its AVX2 symbols directly (the crate's safe
//!   wrappers would pick the code path themselves). PQClean exposes key generation from its own
//!   randomness only (no ξ input), hedged signing only (its `randombytes`), and context-string
//!   signing/verification. So its caps are **context only**: seeded key generation and
//!   deterministic signing run on the reference kernel (`sign.rs` falls back per call). PQClean
//!   has no public-key derivation either: that entry uses the reference code. Its randomness
//!   comes from `getrandom` through `pqcrypto-internals`, which panics (and, across the C
//!   frames, aborts) if the OS generator fails instead of returning a status.
//!
//! Keys are the FIPS 204 encodings: public key `pkEncode(ρ, t1)`, secret key `skEncode(ρ, K, tr,
//! s1, s2, t0)` (the expanded key, not the seed). Both kernels check a secret key's contents
//! before use: every s1/s2 coefficient must decode into [−η, η] (FIPS 204 §7.2 notes that
//! `skDecode` output is only in range for well-formed input), else `InvalidKey`; public-key
//! derivation additionally checks `tr == H(pk)` (this catches a corrupted ρ/s1/s2; a corrupted
//! K or t0 cannot be detected from the key alone and yields signatures that fail to verify).
//! Public keys need no check (every 10-bit t1 value is valid). Every crate call that documents
//! a panic is wrapped in `catch_unwind` and reported as `Internal`.

pub(crate) mod reference;
pub(crate) mod sig_shape;
#[cfg(all(target_arch = "x86_64", not(windows)))]
mod pqclean;

use crate::dispatch::abi::SignKernel;
use ml_dsa::{MlDsa44, MlDsa65, MlDsa87, MlDsaParams};

/// Sizes and secret-key layout of one parameter set (FIPS 204 Table 1 / Table 2).
pub(crate) trait Params: MlDsaParams {
    const PK: usize;
    const SK: usize;
    const SIG: usize;
    /// η (2 or 4).
    const ETA: u8;
    const K: usize;
    const L: usize;
    /// Bytes of the commitment hash c̃ (λ/4).
    const CTILDE: usize;
    /// log2 γ1 (z is packed in this many bits plus one).
    const GAMMA1_BITS: u32;
    /// β = τ·η.
    const Z_BETA: u32;
    /// ω, the most hint bits a signature may carry.
    const OMEGA: usize;
}

impl Params for MlDsa44 {
    const PK: usize = 1312;
    const SK: usize = 2560;
    const SIG: usize = 2420;
    const ETA: u8 = 2;
    const K: usize = 4;
    const L: usize = 4;
    const CTILDE: usize = 32;
    const GAMMA1_BITS: u32 = 17;
    const Z_BETA: u32 = 78;
    const OMEGA: usize = 80;
}
impl Params for MlDsa65 {
    const PK: usize = 1952;
    const SK: usize = 4032;
    const SIG: usize = 3309;
    const ETA: u8 = 4;
    const K: usize = 6;
    const L: usize = 5;
    const CTILDE: usize = 48;
    const GAMMA1_BITS: u32 = 19;
    const Z_BETA: u32 = 196;
    const OMEGA: usize = 55;
}
impl Params for MlDsa87 {
    const PK: usize = 2592;
    const SK: usize = 4896;
    const SIG: usize = 4627;
    const ETA: u8 = 2;
    const K: usize = 8;
    const L: usize = 7;
    const CTILDE: usize = 64;
    const GAMMA1_BITS: u32 = 19;
    const Z_BETA: u32 = 120;
    const OMEGA: usize = 75;
}

/// ξ, the key-generation seed.
pub const SEED_LEN: usize = 32;
/// FIPS 204: contexts are at most 255 bytes.
pub const MAX_CTX_LEN: usize = 255;

/// Whether every s1/s2 coefficient of an encoded secret key lies in [−η, η] (branch-free over
/// the secret bytes; only the final verdict is observable). `sk.len() == P::SK` is the
/// caller's.
pub(crate) fn sk_in_range<P: Params>(sk: &[u8]) -> bool {
    let bits = if P::ETA == 2 { 3 } else { 4 };
    let start = 32 + 32 + 64;
    let len = (P::L + P::K) * 256 * bits / 8;
    let region = &sk[start..start + len];
    let eta = u32::from(P::ETA);
    let mut bad = 0u32;
    if bits == 4 {
        for &b in region {
            bad |= u32::from((u32::from(b & 15)) > 2 * eta) | u32::from((u32::from(b >> 4)) > 2 * eta);
        }
    } else {
        for c in region.chunks_exact(3) {
            let w = u32::from(c[0]) | u32::from(c[1]) << 8 | u32::from(c[2]) << 16;
            for j in 0..8 {
                bad |= u32::from(((w >> (3 * j)) & 7) > 2 * eta);
            }
        }
    }
    bad == 0
}

pub static ML_DSA_44: &[SignKernel] = &CANDIDATES_44;
pub static ML_DSA_65: &[SignKernel] = &CANDIDATES_65;
pub static ML_DSA_87: &[SignKernel] = &CANDIDATES_87;

#[cfg(all(target_arch = "x86_64", not(windows)))]
static CANDIDATES_44: [SignKernel; 2] = [reference::KERNEL_44, pqclean::KERNEL_44];
#[cfg(all(target_arch = "x86_64", not(windows)))]
static CANDIDATES_65: [SignKernel; 2] = [reference::KERNEL_65, pqclean::KERNEL_65];
#[cfg(all(target_arch = "x86_64", not(windows)))]
static CANDIDATES_87: [SignKernel; 2] = [reference::KERNEL_87, pqclean::KERNEL_87];

#[cfg(not(all(target_arch = "x86_64", not(windows))))]
static CANDIDATES_44: [SignKernel; 1] = [reference::KERNEL_44];
#[cfg(not(all(target_arch = "x86_64", not(windows))))]
static CANDIDATES_65: [SignKernel; 1] = [reference::KERNEL_65];
#[cfg(not(all(target_arch = "x86_64", not(windows))))]
static CANDIDATES_87: [SignKernel; 1] = [reference::KERNEL_87];
