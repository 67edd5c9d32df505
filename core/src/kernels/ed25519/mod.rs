//! Ed25519 (RFC 8032) on `ed25519-dalek`.
//!
//! Verification is strict: `S` must be canonical (`S < L`), and a public key or `R` of small
//! order is rejected (`VerifyingKey::verify_strict`). The cofactorless equation is used. The
//! secret key is the 32-byte RFC 8032 private key, which is also the key-generation seed.
//! Decoded public keys are kept in small per-thread caches (`cache`), so signing and verifying
//! again with the same key skips the public-key derivation or decompression.
//! Signing is deterministic by definition (RFC 8032); there is no context (plain Ed25519).

use crate::dispatch::abi::{slice, KernelDesc, SignKernel, CAP_DETERMINISTIC, CAP_SEEDED_KEYPAIR};
use crate::error::Status;
use crate::kernels::pk_util::{arr, code, put, seed_or_random, OK};
use ed25519_dalek::{Signature, SigningKey, VerifyingKey};

mod cache;

pub const PK_LEN: usize = 32;
pub const SK_LEN: usize = 32;
pub const SIG_LEN: usize = 64;

unsafe extern "C" fn keypair(seed: *const u8, seed_len: usize, pk: *mut u8, pk_cap: usize, pk_len: *mut usize, sk: *mut u8, sk_cap: usize, sk_len: *mut usize) -> i32 {
    // SAFETY: kernel-ABI contract (valid pointers for their lengths).
    let s = match unsafe { seed_or_random::<SK_LEN>(seed, seed_len) } {
        Ok(s) => s,
        Err(c) => return c,
    };
    let key = SigningKey::from_bytes(&s);
    let vk = key.verifying_key().to_bytes();
    // SAFETY: kernel-ABI contract for the two outputs.
    unsafe {
        if pk_cap < PK_LEN || sk_cap < SK_LEN {
            *pk_len = PK_LEN;
            *sk_len = SK_LEN;
            return code(Status::BufferTooSmall);
        }
        put(pk, pk_cap, pk_len, &vk);
        put(sk, sk_cap, sk_len, &s[..])
    }
}

unsafe extern "C" fn public_from_secret(sk: *const u8, sk_len: usize, pk: *mut u8, pk_cap: usize, pk_len: *mut usize) -> i32 {
    if sk_len != SK_LEN {
        return code(Status::BadKeyLength);
    }
    // SAFETY: `sk` holds SK_LEN readable bytes (caller-checked length).
    let s = crate::secure::ct::Wiped(unsafe { arr::<SK_LEN>(sk) });
    let vk = SigningKey::from_bytes(&s).verifying_key().to_bytes();
    // SAFETY: kernel-ABI output contract.
    unsafe { put(pk, pk_cap, pk_len, &vk) }
}

unsafe extern "C" fn sign(
    sk: *const u8,
    sk_len: usize,
    msg: *const u8,
    msg_len: usize,
    _ctx: *const u8,
    ctx_len: usize,
    _flags: u32,
    sig: *mut u8,
    sig_cap: usize,
    sig_len: *mut usize,
) -> i32 {
    if sk_len != SK_LEN {
        return code(Status::BadKeyLength);
    }
    if ctx_len != 0 {
        return code(Status::InvalidParameter);
    }
    // SAFETY: lengths checked; pointers valid per the kernel-ABI contract.
    let (s, m) = unsafe { (crate::secure::ct::Wiped(arr::<SK_LEN>(sk)), slice(msg, msg_len)) };
    let esk = ed25519_dalek::hazmat::ExpandedSecretKey::from(&s.0); // wiped on drop
    // The public key from the per-thread cache when this secret signed recently (see `cache`).
    let vk = cache::public_of(&s.0, &esk);
    let signature = ed25519_dalek::hazmat::raw_sign::<sha2::Sha512>(&esk, m, &vk).to_bytes();
    // SAFETY: kernel-ABI output contract.
    unsafe { put(sig, sig_cap, sig_len, &signature) }
}

unsafe extern "C" fn verify(pk: *const u8, pk_len: usize, msg: *const u8, msg_len: usize, _ctx: *const u8, ctx_len: usize, sig: *const u8, sig_len: usize) -> i32 {
    if pk_len != PK_LEN {
        return code(Status::BadKeyLength);
    }
    if sig_len != SIG_LEN {
        return code(Status::InvalidLength);
    }
    if ctx_len != 0 {
        return code(Status::InvalidParameter);
    }
    // SAFETY: lengths checked; pointers valid per the kernel-ABI contract.
    let (p, m, s) = unsafe { (arr::<PK_LEN>(pk), slice(msg, msg_len), arr::<SIG_LEN>(sig)) };
    // A public key that does not decode to a curve point cannot have signed anything: the
    // signature is rejected (the key bytes are well-formed in length, so not `InvalidKey`).
    let Some(vk) = cache::verifying_key(&p) else { return code(Status::BadSignature) };
    match vk.verify_strict(m, &Signature::from_bytes(&s)) {
        Ok(()) => OK,
        Err(_) => code(Status::BadSignature),
    }
}

pub(crate) static DESC: KernelDesc = KernelDesc { name: c"ed25519/dalek".as_ptr(), requires: 0, constant_time: true, priority: 0 };

/// The public key of a key handle (`sign::SigningKey`), derived once from its secret. Signing
/// with it costs one base-point multiplication, as with dalek's own `SigningKey`. Deliberately
/// neither `Copy` nor `Clone`: it belongs next to the one secret it was made from.
pub(crate) struct Prepared(VerifyingKey);

impl Prepared {
    pub(crate) fn new(sk: &[u8; SK_LEN]) -> Self {
        Prepared(SigningKey::from_bytes(sk).verifying_key())
    }
    pub(crate) fn public_key(&self) -> [u8; PK_LEN] {
        self.0.to_bytes()
    }
    /// Signs under `sk`, which must be the secret this was made from: a signature over a
    /// mismatched public key leaks the secret scalar (the reason `raw_sign` is hazmat). The
    /// handle keeps the two together and never changes either.
    pub(crate) fn sign(&self, sk: &[u8; SK_LEN], msg: &[u8]) -> [u8; SIG_LEN] {
        let esk = ed25519_dalek::hazmat::ExpandedSecretKey::from(sk); // wiped on drop
        ed25519_dalek::hazmat::raw_sign::<sha2::Sha512>(&esk, msg, &self.0).to_bytes()
    }
}

pub static CANDIDATES: [SignKernel; 1] = [SignKernel {
    desc: &DESC,
    pk_len: PK_LEN,
    sk_len: SK_LEN,
    sig_len: SIG_LEN,
    seed_len: SK_LEN,
    max_ctx_len: 0,
    // Always deterministic (RFC 8032), so the deterministic flag is honoured trivially.
    caps: CAP_SEEDED_KEYPAIR | CAP_DETERMINISTIC,
    keypair,
    public_from_secret,
    sign,
    verify,
}];
