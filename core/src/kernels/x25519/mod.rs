//! X25519 (RFC 7748) on `x25519-dalek`, as a KEM-shaped key agreement (brief §7): the
//! "ciphertext" of encapsulation is an ephemeral public key and the shared secret is the raw
//! X25519 output, so decapsulation with a peer's public key is plain Diffie–Hellman.
//!
//! All-zero shared secrets (a low-order peer key, RFC 7748 §6.1) are refused with
//! `WeakPublicKey`. The secret key is the 32-byte scalar (clamped on use, per RFC 7748), which is
//! also the seed; the encapsulation seed is the 32-byte ephemeral scalar.

use crate::dispatch::abi::{KemKernel, KernelDesc, CAP_SEEDED_ENCAPS, CAP_SEEDED_KEYPAIR};
use crate::error::Status;
use crate::kernels::pk_util::{arr, code, put_fixed, seed_or_random, OK};
use crate::secure::ct::Wiped;
use x25519_dalek::{PublicKey, StaticSecret};

pub const LEN: usize = 32;

/// Raw X25519 of a secret scalar and a peer u-coordinate; `Err` for an all-zero result.
pub(crate) fn dh(sk: &[u8; LEN], peer: &[u8; LEN]) -> Result<Wiped<LEN>, Status> {
    let ss = StaticSecret::from(*sk).diffie_hellman(&PublicKey::from(*peer));
    if !ss.was_contributory() {
        return Err(Status::WeakPublicKey);
    }
    Ok(Wiped(ss.to_bytes()))
}

pub(crate) fn public(sk: &[u8; LEN]) -> [u8; LEN] {
    PublicKey::from(&StaticSecret::from(*sk)).to_bytes()
}

unsafe extern "C" fn keypair(seed: *const u8, seed_len: usize, pk: *mut u8, sk: *mut u8) -> i32 {
    // SAFETY: kernel-ABI contract.
    let s = match unsafe { seed_or_random::<LEN>(seed, seed_len) } {
        Ok(s) => s,
        Err(c) => return c,
    };
    // SAFETY: `pk` and `sk` hold LEN writable bytes (caller contract).
    unsafe {
        put_fixed(pk, &public(&s));
        put_fixed(sk, &s);
    }
    OK
}

unsafe extern "C" fn encaps(pk: *const u8, seed: *const u8, seed_len: usize, ct: *mut u8, ss: *mut u8) -> i32 {
    // SAFETY: kernel-ABI contract.
    let (peer, eph) = match unsafe { (arr::<LEN>(pk), seed_or_random::<LEN>(seed, seed_len)) } {
        (p, Ok(e)) => (p, e),
        (_, Err(c)) => return c,
    };
    match dh(&eph, &peer) {
        Ok(shared) => {
            // SAFETY: `ct` and `ss` hold LEN writable bytes (caller contract).
            unsafe {
                put_fixed(ct, &public(&eph));
                put_fixed(ss, &shared);
            }
            OK
        }
        Err(s) => code(s),
    }
}

unsafe extern "C" fn decaps(sk: *const u8, ct: *const u8, ss: *mut u8) -> i32 {
    // SAFETY: kernel-ABI contract (LEN bytes each).
    let (s, peer) = unsafe { (Wiped(arr::<LEN>(sk)), arr::<LEN>(ct)) };
    match dh(&s, &peer) {
        Ok(shared) => {
            // SAFETY: `ss` holds LEN writable bytes.
            unsafe { put_fixed(ss, &shared) };
            OK
        }
        Err(e) => code(e),
    }
}

static DESC: KernelDesc = KernelDesc { name: c"x25519/dalek".as_ptr(), requires: 0, constant_time: true, priority: 0 };

pub static CANDIDATES: [KemKernel; 1] = [KemKernel {
    desc: &DESC,
    pk_len: LEN,
    sk_len: LEN,
    ct_len: LEN,
    ss_len: LEN,
    seed_len: LEN,
    enc_seed_len: LEN,
    caps: CAP_SEEDED_KEYPAIR | CAP_SEEDED_ENCAPS,
    keypair,
    encaps,
    decaps,
}];
