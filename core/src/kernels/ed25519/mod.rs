//! Ed25519 (RFC 8032) on `ed25519-dalek`.
//!
//! Verification is strict: `S` must be canonical (`S < L`), and a public key or `R` of small
//! order is rejected (`VerifyingKey::verify_strict`). The cofactorless equation is used. The
//! secret key is the 32-byte RFC 8032 private key, which is also the key-generation seed.
//! Signing is deterministic by definition (RFC 8032); there is no context (plain Ed25519).

use crate::dispatch::abi::{slice, KernelDesc, SignKernel, CAP_DETERMINISTIC, CAP_SEEDED_KEYPAIR};
use crate::error::Status;
use crate::kernels::pk_util::{arr, code, put, seed_or_random, OK};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

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
    let key = SigningKey::from_bytes(&s);
    let signature = key.sign(m).to_bytes();
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
    let Ok(vk) = VerifyingKey::from_bytes(&p) else { return code(Status::BadSignature) };
    match vk.verify_strict(m, &Signature::from_bytes(&s)) {
        Ok(()) => OK,
        Err(_) => code(Status::BadSignature),
    }
}

static DESC: KernelDesc = KernelDesc { name: c"ed25519/dalek".as_ptr(), requires: 0, constant_time: true, priority: 0 };

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
