//! RSASSA-PSS with SHA-256 (RFC 8017 §8.1), MGF1-SHA-256, salt length 32 (the hash length), on
//! the RustCrypto `rsa` crate (=0.10.0-rc.20).
//!
//! Keys (DER, variable length: the kernel's `pk_len`/`sk_len` are 0):
//! - secret key: PKCS#1 `RSAPrivateKey` DER (RFC 8017 A.1.2; two-prime keys);
//! - public key: X.509 `SubjectPublicKeyInfo` DER with the `rsaEncryption` OID (what
//!   `public_from_secret` and key generation produce); for verification a bare PKCS#1
//!   `RSAPublicKey` DER is accepted too.
//!
//! Moduli of exactly 2048, 3072 or 4096 bits are accepted; anything else (and any DER that does
//! not parse, or a private key whose components are inconsistent) is `InvalidKey`. Key
//! generation takes no seed and makes **3072-bit** keys (e = 65537); it is slow (hundreds of ms to
//! seconds). Signatures are exactly the modulus length (256/384/512 bytes; `sig_len` = 512 is the
//! maximum); a signature of another length does not verify (`BadSignature`).
//!
//! Private-key operations (signing, key generation) are refused with `PolicyDenied` while
//! `policy::rsa_private_ops_allowed()` is off. Signing is always randomised (fresh salt), so
//! there is no deterministic mode, and there is no context string.
//!
//! Side channels (RUSTSEC-2023-0071, see SECURITY.md): signing goes through
//! `rsa::pss::SigningKey::try_sign_with_rng`, which always passes `blind = true` to the crate's
//! private operation (`rsa_decrypt_and_check`: base blinding with a fresh random r, then a check of
//! the result against the public key). The Marvin attack targets PKCS#1 v1.5 *decryption*, which
//! this library does not offer; the residual risk is the non-constant-time big-integer code of the
//! blinded exponentiation.

use crate::dispatch::abi::{slice, KernelDesc, SignKernel};
use crate::error::Status;
use crate::kernels::pk_util::{code, put, OK};
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey, EncodeRsaPrivateKey};
use rsa::pkcs8::{DecodePublicKey, EncodePublicKey};
use rsa::signature::{RandomizedSigner, SignatureEncoding, Verifier};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Largest signature (4096-bit modulus).
pub const SIG_MAX: usize = 512;
/// Modulus size of generated keys.
pub const KEYGEN_BITS: usize = 3072;
/// Accepted modulus sizes.
pub const ALLOWED_BITS: [u32; 3] = [2048, 3072, 4096];

/// OS randomness for the crate's salt, blinding and prime generation.
struct OsRng;

#[derive(Debug)]
struct RngFailed;
impl std::fmt::Display for RngFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OS random number generator failed")
    }
}
impl std::error::Error for RngFailed {}

impl rsa::rand_core::TryRng for OsRng {
    type Error = RngFailed;
    fn try_next_u32(&mut self) -> Result<u32, RngFailed> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, RngFailed> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), RngFailed> {
        crate::rand::random_bytes(dst).map_err(|_| RngFailed)
    }
}
impl rsa::rand_core::TryCryptoRng for OsRng {}

fn size_ok(k: &impl PublicKeyParts) -> bool {
    ALLOWED_BITS.contains(&k.n().bits_vartime())
}

/// Parses a PKCS#1 `RSAPrivateKey` DER of an accepted size.
fn parse_private(der: &[u8]) -> Result<RsaPrivateKey, i32> {
    let key = catch_unwind(|| RsaPrivateKey::from_pkcs1_der(der)).map_err(|_| code(Status::InvalidKey))?.map_err(|_| code(Status::InvalidKey))?;
    if !size_ok(&key) {
        return Err(code(Status::InvalidKey));
    }
    Ok(key)
}

/// Parses an SPKI (or bare PKCS#1 `RSAPublicKey`) DER of an accepted size.
fn parse_public(der: &[u8]) -> Result<RsaPublicKey, i32> {
    let key = catch_unwind(|| RsaPublicKey::from_public_key_der(der).or_else(|_| RsaPublicKey::from_pkcs1_der(der)))
        .map_err(|_| code(Status::InvalidKey))?
        .map_err(|_| code(Status::InvalidKey))?;
    if !size_ok(&key) {
        return Err(code(Status::InvalidKey));
    }
    Ok(key)
}

/// Modulus size in bits of a secret key (PKCS#1 DER) or public key (SPKI or PKCS#1 DER) as the
/// kernel would accept it; `None` if it does not parse (the kernel then reports `InvalidKey`).
/// For the policy's `min_rsa_bits` rule.
pub(crate) fn modulus_bits(der: &[u8], secret: bool) -> Option<u32> {
    if secret {
        parse_private(der).ok().map(|k| k.n().bits_vartime())
    } else {
        parse_public(der).ok().map(|k| k.n().bits_vartime())
    }
}

fn spki_der(pk: &RsaPublicKey) -> Result<Vec<u8>, i32> {
    pk.to_public_key_der().map(|d| d.as_bytes().to_vec()).map_err(|_| code(Status::Internal))
}

unsafe extern "C" fn keypair(seed: *const u8, seed_len: usize, pk: *mut u8, pk_cap: usize, pk_len: *mut usize, sk: *mut u8, sk_cap: usize, sk_len: *mut usize) -> i32 {
    if !seed.is_null() || seed_len != 0 {
        return code(Status::InvalidParameter);
    }
    if !crate::policy::rsa_private_ops_allowed() {
        return code(Status::PolicyDenied);
    }
    let gen = catch_unwind(|| {
        let key = RsaPrivateKey::new(&mut rsa::rand_core::UnwrapErr(OsRng), KEYGEN_BITS).map_err(|_| code(Status::Internal))?;
        let skd = key.to_pkcs1_der().map_err(|_| code(Status::Internal))?;
        let pkd = spki_der(&key.to_public_key())?;
        Ok::<_, i32>((pkd, skd))
    });
    // A panic here is the RNG adapter failing (`UnwrapErr`) or a crate bug.
    let (pkd, skd) = match gen {
        Ok(Ok(v)) => v,
        Ok(Err(c)) => return c,
        Err(_) => return code(Status::RandomFailed),
    };
    let skb = skd.as_bytes();
    if pk_cap < pkd.len() || sk_cap < skb.len() {
        // SAFETY: valid length pointers (kernel-ABI contract).
        unsafe {
            *pk_len = pkd.len();
            *sk_len = skb.len();
        }
        return code(Status::BufferTooSmall);
    }
    // SAFETY: capacities checked; outputs valid per the kernel-ABI contract. `skd` is a
    // `SecretDocument` (zeroized on drop).
    unsafe {
        put(pk, pk_cap, pk_len, &pkd);
        put(sk, sk_cap, sk_len, skb)
    }
}

unsafe extern "C" fn public_from_secret(sk: *const u8, sk_len: usize, pk: *mut u8, pk_cap: usize, pk_len: *mut usize) -> i32 {
    // SAFETY: `sk` holds `sk_len` bytes (kernel-ABI contract).
    let key = match parse_private(unsafe { slice(sk, sk_len) }) {
        Ok(k) => k,
        Err(c) => return c,
    };
    match spki_der(&key.to_public_key()) {
        // SAFETY: kernel-ABI output contract.
        Ok(d) => unsafe { put(pk, pk_cap, pk_len, &d) },
        Err(c) => c,
    }
}

unsafe extern "C" fn sign(
    sk: *const u8,
    sk_len: usize,
    msg: *const u8,
    msg_len: usize,
    _ctx: *const u8,
    ctx_len: usize,
    flags: u32,
    sig: *mut u8,
    sig_cap: usize,
    sig_len: *mut usize,
) -> i32 {
    if ctx_len != 0 || flags != 0 {
        return code(Status::InvalidParameter);
    }
    if !crate::policy::rsa_private_ops_allowed() {
        return code(Status::PolicyDenied);
    }
    // SAFETY: pointers valid for their lengths (kernel-ABI contract).
    let (skb, m) = unsafe { (slice(sk, sk_len), slice(msg, msg_len)) };
    let key = match parse_private(skb) {
        Ok(k) => k,
        Err(c) => return c,
    };
    // Salt length = 32 (SHA-256 output size); blinded (see module docs).
    let signer = rsa::pss::SigningKey::<Sha256>::new(key);
    let s = match catch_unwind(AssertUnwindSafe(|| signer.try_sign_with_rng(&mut OsRng, m))) {
        Ok(Ok(s)) => s.to_vec(),
        Ok(Err(_)) | Err(_) => return code(Status::Internal),
    };
    // SAFETY: kernel-ABI output contract.
    unsafe { put(sig, sig_cap, sig_len, &s) }
}

unsafe extern "C" fn verify(pk: *const u8, pk_len: usize, msg: *const u8, msg_len: usize, _ctx: *const u8, ctx_len: usize, sig: *const u8, sig_len: usize) -> i32 {
    if ctx_len != 0 {
        return code(Status::InvalidParameter);
    }
    if sig_len == 0 || sig_len > SIG_MAX {
        return code(Status::InvalidLength);
    }
    // SAFETY: pointers valid for their lengths (kernel-ABI contract).
    let (pkb, m, s) = unsafe { (slice(pk, pk_len), slice(msg, msg_len), slice(sig, sig_len)) };
    let key = match parse_public(pkb) {
        Ok(k) => k,
        Err(c) => return c,
    };
    if s.len() != key.size() {
        return code(Status::BadSignature);
    }
    let ok = catch_unwind(AssertUnwindSafe(|| {
        let vk = rsa::pss::VerifyingKey::<Sha256>::new(key);
        let Ok(signature) = rsa::pss::Signature::try_from(s) else { return false };
        vk.verify(m, &signature).is_ok()
    }));
    match ok {
        Ok(true) => OK,
        _ => code(Status::BadSignature),
    }
}

static DESC: KernelDesc = KernelDesc { name: c"rsa-pss-sha256/rustcrypto".as_ptr(), requires: 0, constant_time: false, priority: 0 };

pub static CANDIDATES: [SignKernel; 1] = [SignKernel {
    desc: &DESC,
    pk_len: 0,
    sk_len: 0,
    sig_len: SIG_MAX,
    seed_len: 0,
    max_ctx_len: 0,
    caps: 0,
    keypair,
    public_from_secret,
    sign,
    verify,
}];

mod kat;

/// Power-on known answer (verify-only: signing is randomised and slow): Wycheproof tcId 1
/// verifies and a one-bit change of it does not.
pub(crate) fn selftest_kat(k: &SignKernel) -> bool {
    let (pk, msg, mut sig) = (crate::selftest::hx(kat::PK_SPKI), crate::selftest::hx(kat::MSG), crate::selftest::hx(kat::SIG));
    // SAFETY: live buffers with their lengths.
    let good = unsafe { (k.verify)(pk.as_ptr(), pk.len(), msg.as_ptr(), msg.len(), std::ptr::null(), 0, sig.as_ptr(), sig.len()) } == OK;
    sig[100] ^= 0x80;
    // SAFETY: as above.
    let bad = unsafe { (k.verify)(pk.as_ptr(), pk.len(), msg.as_ptr(), msg.len(), std::ptr::null(), 0, sig.as_ptr(), sig.len()) } == code(Status::BadSignature);
    good && bad
}
