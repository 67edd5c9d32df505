//! Falcon-512 and Falcon-1024: **round-3 Falcon** (the NIST PQC round-3 submission, v1.2) through
//! the PQClean C code vendored by `pqcrypto-falcon` 0.4.1.
//!
//! **FIPS 206 (FN-DSA) is not final.** These kernels implement round-3 Falcon, not FN-DSA: the
//! final standard is expected to differ (domain separation / context strings, pre-hashing, possibly
//! encodings), so keys and signatures made here may not interoperate with FIPS 206 FN-DSA.
//!
//! Encodings (PQClean = round-3 NIST API, detached form):
//! - public key `0x00+logn ‖ h` (14 bits per coefficient): 897 / 1793 bytes;
//! - secret key `0x50+logn ‖ f ‖ g ‖ F` (f, g: 6 bits (512) / 5 bits (1024); F: 8 bits per
//!   coefficient): 1281 / 2305 bytes;
//! - signature `0x30+logn ‖ nonce (40) ‖ compressed s2`, **variable length**: `sig_len` is the
//!   PQClean maximum (752 / 1462); actual signatures are ~655 / ~1270 bytes. Verification also
//!   accepts the zero-padded fixed-length form (PQClean behaviour). The round-3 *attached* KAT
//!   format (`sm = len ‖ nonce ‖ msg ‖ 0x20+logn ‖ s2`) converts to this one by moving the nonce
//!   and changing the header byte (see `core/tests/pk_pqsig.rs`).
//!
//! Kernels (`requires`/priority as in `dispatch`): `falcon-*/pqclean-clean` (portable, the
//! integer-emulated floating point of the reference code) and `falcon-*/pqclean-avx2` (x86-64
//! only; PQClean's AVX2 code, compiled by `pqcrypto-falcon` with `-mavx2 -mbmi -mbmi2 -maes
//! -mpopcnt -mpclmul`, so it requires AVX2, BMI2, AES-NI and PCLMULQDQ). We call PQClean's two
//! implementations directly instead of `pqcrypto-falcon`'s wrapper (which picks AVX2 at run time
//! on the AVX2 bit alone), so the dispatch table and the ISA policy decide.
//!
//! Capabilities: no seeded key generation (PQClean draws its 48-byte keygen seed from the OS
//! internally; `seed_len` 0), no deterministic signing (the 40-byte nonce and the sampler seed are
//! always fresh), no context string (round-3 Falcon has none).
//!
//! Public key from secret key: the secret key holds (f, g, F) but not h; we recompute
//! h = g·f⁻¹ mod (q, xⁿ+1) with PQClean's own `compute_public` (the function its key generation
//! uses), after decoding f, g (and F, to validate the whole encoding) with PQClean's decoder.
//! These are internal (non-API) but exported symbols of the same static library.
//!
//! Randomness: PQClean calls `pqcrypto-internals`' `randombytes`, which **panics** if the OS RNG
//! fails; the panic cannot unwind through the C frames, so the process aborts. On Linux
//! `getrandom(2)` does not fail once the pool is initialised.
//!
//! Secrets: decoded f, g, F are wiped here; PQClean's own stack temporaries (signing tree, G) are
//! not wiped by PQClean.

use crate::dispatch::abi::{slice, KernelDesc, SignKernel, SIGN_FLAG_DETERMINISTIC};
use crate::error::Status;
use crate::kernels::pk_util::{code, put, OK};
use pqcrypto_falcon::ffi;
use zeroize::Zeroize;

/// Falcon q.
const Q: u16 = 12289;

mod internal {
    //! PQClean internal functions (exported by the same static libraries `pqcrypto-falcon` links).
    extern "C" {
        pub fn PQCLEAN_FALCON512_CLEAN_trim_i8_decode(x: *mut i8, logn: u32, bits: u32, input: *const u8, max_in_len: usize) -> usize;
        pub fn PQCLEAN_FALCON512_CLEAN_compute_public(h: *mut u16, f: *const i8, g: *const i8, logn: u32, tmp: *mut u8) -> i32;
        pub fn PQCLEAN_FALCON512_CLEAN_modq_encode(out: *mut u8, max_out_len: usize, x: *const u16, logn: u32) -> usize;
        pub fn PQCLEAN_FALCON512_CLEAN_modq_decode(x: *mut u16, logn: u32, input: *const u8, max_in_len: usize) -> usize;
        pub fn PQCLEAN_FALCON1024_CLEAN_trim_i8_decode(x: *mut i8, logn: u32, bits: u32, input: *const u8, max_in_len: usize) -> usize;
        pub fn PQCLEAN_FALCON1024_CLEAN_compute_public(h: *mut u16, f: *const i8, g: *const i8, logn: u32, tmp: *mut u8) -> i32;
        pub fn PQCLEAN_FALCON1024_CLEAN_modq_encode(out: *mut u8, max_out_len: usize, x: *const u16, logn: u32) -> usize;
        pub fn PQCLEAN_FALCON1024_CLEAN_modq_decode(x: *mut u16, logn: u32, input: *const u8, max_in_len: usize) -> usize;
    }
}

type KeypairC = unsafe extern "C" fn(pk: *mut u8, sk: *mut u8) -> libc::c_int;
type SignC = unsafe extern "C" fn(sig: *mut u8, siglen: *mut usize, m: *const u8, mlen: usize, sk: *const u8) -> libc::c_int;
type VerifyC = unsafe extern "C" fn(sig: *const u8, siglen: usize, m: *const u8, mlen: usize, pk: *const u8) -> libc::c_int;
type TrimDecodeC = unsafe extern "C" fn(*mut i8, u32, u32, *const u8, usize) -> usize;
type ComputePublicC = unsafe extern "C" fn(*mut u16, *const i8, *const i8, u32, *mut u8) -> i32;
type ModqEncodeC = unsafe extern "C" fn(*mut u8, usize, *const u16, u32) -> usize;
type ModqDecodeC = unsafe extern "C" fn(*mut u16, u32, *const u8, usize) -> usize;

/// One parameter set: sizes and the (clean) codec functions used for key checks/derivation.
struct Params {
    logn: u32,
    pk_len: usize,
    sk_len: usize,
    sig_len: usize,
    /// Bits per coefficient of f and g in the secret key (F always takes 8).
    fg_bits: u32,
    trim_i8_decode: TrimDecodeC,
    compute_public: ComputePublicC,
    modq_encode: ModqEncodeC,
    modq_decode: ModqDecodeC,
}

impl Params {
    fn n(&self) -> usize {
        1 << self.logn
    }
}

const P512: Params = Params {
    logn: 9,
    pk_len: ffi::PQCLEAN_FALCON512_CLEAN_CRYPTO_PUBLICKEYBYTES,
    sk_len: ffi::PQCLEAN_FALCON512_CLEAN_CRYPTO_SECRETKEYBYTES,
    sig_len: ffi::PQCLEAN_FALCON512_CLEAN_CRYPTO_BYTES,
    fg_bits: 6,
    trim_i8_decode: internal::PQCLEAN_FALCON512_CLEAN_trim_i8_decode,
    compute_public: internal::PQCLEAN_FALCON512_CLEAN_compute_public,
    modq_encode: internal::PQCLEAN_FALCON512_CLEAN_modq_encode,
    modq_decode: internal::PQCLEAN_FALCON512_CLEAN_modq_decode,
};

const P1024: Params = Params {
    logn: 10,
    pk_len: ffi::PQCLEAN_FALCON1024_CLEAN_CRYPTO_PUBLICKEYBYTES,
    sk_len: ffi::PQCLEAN_FALCON1024_CLEAN_CRYPTO_SECRETKEYBYTES,
    sig_len: ffi::PQCLEAN_FALCON1024_CLEAN_CRYPTO_BYTES,
    fg_bits: 5,
    trim_i8_decode: internal::PQCLEAN_FALCON1024_CLEAN_trim_i8_decode,
    compute_public: internal::PQCLEAN_FALCON1024_CLEAN_compute_public,
    modq_encode: internal::PQCLEAN_FALCON1024_CLEAN_modq_encode,
    modq_decode: internal::PQCLEAN_FALCON1024_CLEAN_modq_decode,
};

/// `InvalidKey` unless `pk` is a well-formed public key (header byte, every coefficient < q).
///
/// # Safety
/// `pk` valid for reads of `p.pk_len` bytes.
unsafe fn check_public(p: &Params, pk: *const u8) -> Result<(), i32> {
    // SAFETY: caller contract (`pk_len` bytes readable).
    let pkb = unsafe { slice(pk, p.pk_len) };
    if pkb[0] != p.logn as u8 {
        return Err(code(Status::InvalidKey));
    }
    let mut h = [0u16; 1024];
    // SAFETY: `h` holds n ≤ 1024 coefficients; the input has `pk_len - 1` readable bytes.
    let used = unsafe { (p.modq_decode)(h.as_mut_ptr(), p.logn, pkb[1..].as_ptr(), p.pk_len - 1) };
    if used != p.pk_len - 1 {
        return Err(code(Status::InvalidKey));
    }
    Ok(())
}

/// Decoded secret key (f, g, F), wiped on drop.
struct SecretPolys {
    f: [i8; 1024],
    g: [i8; 1024],
    big_f: [i8; 1024],
}

impl Drop for SecretPolys {
    fn drop(&mut self) {
        self.f.zeroize();
        self.g.zeroize();
        self.big_f.zeroize();
    }
}

/// Decodes and validates a secret key (header, three trimmed polynomials, exact length).
///
/// # Safety
/// `sk` valid for reads of `p.sk_len` bytes.
unsafe fn decode_secret(p: &Params, sk: *const u8) -> Result<Box<SecretPolys>, i32> {
    // SAFETY: caller contract.
    let skb = unsafe { slice(sk, p.sk_len) };
    if skb[0] != 0x50 + p.logn as u8 {
        return Err(code(Status::InvalidKey));
    }
    let mut s = Box::new(SecretPolys { f: [0; 1024], g: [0; 1024], big_f: [0; 1024] });
    let mut u = 1usize;
    for (dst, bits) in [(s.f.as_mut_ptr(), p.fg_bits), (s.g.as_mut_ptr(), p.fg_bits), (s.big_f.as_mut_ptr(), 8)] {
        // SAFETY: `dst` holds n ≤ 1024 entries; `skb[u..]` is in bounds (u < sk_len, checked below).
        let v = unsafe { (p.trim_i8_decode)(dst, p.logn, bits, skb[u..].as_ptr(), p.sk_len - u) };
        if v == 0 {
            return Err(code(Status::InvalidKey));
        }
        u += v;
        if u > p.sk_len || (u == p.sk_len && bits != 8) {
            return Err(code(Status::InvalidKey));
        }
    }
    if u != p.sk_len {
        return Err(code(Status::InvalidKey));
    }
    Ok(s)
}

/// h = g/f mod q, encoded as a public key.
///
/// # Safety
/// `sk` valid for reads of `p.sk_len` bytes.
unsafe fn derive_public(p: &Params, sk: *const u8) -> Result<Vec<u8>, i32> {
    // SAFETY: caller contract.
    let s = unsafe { decode_secret(p, sk) }?;
    let mut h = [0u16; 1024];
    let mut tmp = [0u16; 1024];
    // SAFETY: h and tmp hold n u16 each (compute_public needs 2n bytes of 2-aligned tmp); f, g hold n.
    let ok = unsafe { (p.compute_public)(h.as_mut_ptr(), s.f.as_ptr(), s.g.as_ptr(), p.logn, tmp.as_mut_ptr().cast()) };
    tmp.zeroize();
    if ok == 0 {
        // f not invertible mod q: no valid key has this f.
        return Err(code(Status::InvalidKey));
    }
    let mut pk = vec![0u8; p.pk_len];
    pk[0] = p.logn as u8;
    // SAFETY: `pk[1..]` has pk_len - 1 writable bytes; h holds n coefficients < q.
    let v = unsafe { (p.modq_encode)(pk[1..].as_mut_ptr(), p.pk_len - 1, h.as_ptr(), p.logn) };
    if v != p.pk_len - 1 || h[..p.n()].iter().any(|&c| c >= Q) {
        return Err(code(Status::Internal));
    }
    Ok(pk)
}

/// # Safety
/// Kernel-ABI contract of `SignKeypairFn`.
#[allow(clippy::too_many_arguments)]
unsafe fn keypair_with(p: &Params, f: KeypairC, pk: *mut u8, pk_cap: usize, pk_len: *mut usize, sk: *mut u8, sk_cap: usize, sk_len: *mut usize) -> i32 {
    if pk_cap < p.pk_len || sk_cap < p.sk_len {
        // SAFETY: `pk_len`/`sk_len` are valid pointers (kernel-ABI contract).
        unsafe {
            *pk_len = p.pk_len;
            *sk_len = p.sk_len;
        }
        return code(Status::BufferTooSmall);
    }
    let mut pkb = vec![0u8; p.pk_len];
    let mut skb = match crate::SecureBuffer::new(p.sk_len) {
        Ok(b) => b,
        Err(e) => return code(e.status),
    };
    // SAFETY: buffers of exactly the PQClean sizes.
    if unsafe { f(pkb.as_mut_ptr(), skb.as_mut_slice().as_mut_ptr()) } != 0 {
        return code(Status::Internal);
    }
    // SAFETY: capacities checked above; outputs valid per the kernel-ABI contract.
    unsafe {
        put(pk, pk_cap, pk_len, &pkb);
        put(sk, sk_cap, sk_len, skb.as_slice())
    }
}

/// # Safety
/// Kernel-ABI contract of `SignFn`.
#[allow(clippy::too_many_arguments)]
unsafe fn sign_with(p: &Params, f: SignC, sk: *const u8, sk_len: usize, msg: *const u8, msg_len: usize, ctx_len: usize, flags: u32, sig: *mut u8, sig_cap: usize, sig_len: *mut usize) -> i32 {
    if sk_len != p.sk_len {
        return code(Status::BadKeyLength);
    }
    if ctx_len != 0 || flags & SIGN_FLAG_DETERMINISTIC != 0 {
        return code(Status::InvalidParameter);
    }
    // Validates the whole encoding (PQClean would only say -1).
    // SAFETY: `sk` holds sk_len bytes.
    if let Err(c) = unsafe { decode_secret(p, sk) } {
        return c;
    }
    let mut out = vec![0u8; p.sig_len];
    let mut n = 0usize;
    // SAFETY: `out` has the PQClean maximum signature size; message/key valid per the ABI contract.
    let rc = unsafe { f(out.as_mut_ptr(), &mut n, slice(msg, msg_len).as_ptr(), msg_len, sk) };
    if rc != 0 || n == 0 || n > p.sig_len {
        return code(Status::Internal);
    }
    // SAFETY: kernel-ABI output contract.
    unsafe { put(sig, sig_cap, sig_len, &out[..n]) }
}

/// # Safety
/// Kernel-ABI contract of `VerifyFn`.
#[allow(clippy::too_many_arguments)]
unsafe fn verify_with(p: &Params, f: VerifyC, pk: *const u8, pk_len: usize, msg: *const u8, msg_len: usize, ctx_len: usize, sig: *const u8, sig_len: usize) -> i32 {
    if pk_len != p.pk_len {
        return code(Status::BadKeyLength);
    }
    if sig_len == 0 || sig_len > p.sig_len {
        return code(Status::InvalidLength);
    }
    if ctx_len != 0 {
        return code(Status::InvalidParameter);
    }
    // SAFETY: `pk` holds pk_len bytes.
    if let Err(c) = unsafe { check_public(p, pk) } {
        return c;
    }
    // SAFETY: lengths checked; pointers valid per the ABI contract (empty message: dangling ok).
    let rc = unsafe { f(sig, sig_len, slice(msg, msg_len).as_ptr(), msg_len, pk) };
    if rc == 0 {
        OK
    } else {
        code(Status::BadSignature)
    }
}

/// # Safety
/// Kernel-ABI contract of `SignPublicFn`.
unsafe fn public_with(p: &Params, sk: *const u8, sk_len: usize, pk: *mut u8, pk_cap: usize, pk_len: *mut usize) -> i32 {
    if sk_len != p.sk_len {
        return code(Status::BadKeyLength);
    }
    // SAFETY: `sk` holds sk_len bytes.
    match unsafe { derive_public(p, sk) } {
        // SAFETY: kernel-ABI output contract.
        Ok(v) => unsafe { put(pk, pk_cap, pk_len, &v) },
        Err(c) => c,
    }
}

macro_rules! falcon_kernel {
    ($m:ident, $p:expr, $name:literal, $requires:expr, $prio:expr, $kp:path, $sg:path, $vf:path) => {
        mod $m {
            use super::*;

            unsafe extern "C" fn keypair(seed: *const u8, seed_len: usize, pk: *mut u8, pk_cap: usize, pk_len: *mut usize, sk: *mut u8, sk_cap: usize, sk_len: *mut usize) -> i32 {
                if !seed.is_null() || seed_len != 0 {
                    return code(Status::InvalidParameter);
                }
                // SAFETY: kernel-ABI contract passed through.
                unsafe { keypair_with(&$p, $kp, pk, pk_cap, pk_len, sk, sk_cap, sk_len) }
            }

            unsafe extern "C" fn public_from_secret(sk: *const u8, sk_len: usize, pk: *mut u8, pk_cap: usize, pk_len: *mut usize) -> i32 {
                // SAFETY: kernel-ABI contract passed through.
                unsafe { public_with(&$p, sk, sk_len, pk, pk_cap, pk_len) }
            }

            unsafe extern "C" fn sign(sk: *const u8, sk_len: usize, msg: *const u8, msg_len: usize, _ctx: *const u8, ctx_len: usize, flags: u32, sig: *mut u8, sig_cap: usize, sig_len: *mut usize) -> i32 {
                // SAFETY: kernel-ABI contract passed through.
                unsafe { sign_with(&$p, $sg, sk, sk_len, msg, msg_len, ctx_len, flags, sig, sig_cap, sig_len) }
            }

            unsafe extern "C" fn verify(pk: *const u8, pk_len: usize, msg: *const u8, msg_len: usize, _ctx: *const u8, ctx_len: usize, sig: *const u8, sig_len: usize) -> i32 {
                // SAFETY: kernel-ABI contract passed through.
                unsafe { verify_with(&$p, $vf, pk, pk_len, msg, msg_len, ctx_len, sig, sig_len) }
            }

            static DESC: KernelDesc = KernelDesc { name: $name.as_ptr(), requires: $requires, constant_time: true, priority: $prio };

            pub(super) static KERNEL: SignKernel = SignKernel {
                desc: &DESC,
                pk_len: $p.pk_len,
                sk_len: $p.sk_len,
                sig_len: $p.sig_len,
                seed_len: 0,
                max_ctx_len: 0,
                caps: 0,
                keypair,
                public_from_secret,
                sign,
                verify,
            };
        }
    };
}

#[cfg(target_arch = "x86_64")]
const AVX2_REQ: u64 = crate::cpu::bits::AVX2 | crate::cpu::bits::BMI2 | crate::cpu::bits::AESNI | crate::cpu::bits::PCLMULQDQ;

falcon_kernel!(
    f512_clean,
    P512,
    c"falcon-512/pqclean-clean",
    0,
    0,
    ffi::PQCLEAN_FALCON512_CLEAN_crypto_sign_keypair,
    ffi::PQCLEAN_FALCON512_CLEAN_crypto_sign_signature,
    ffi::PQCLEAN_FALCON512_CLEAN_crypto_sign_verify
);
falcon_kernel!(
    f1024_clean,
    P1024,
    c"falcon-1024/pqclean-clean",
    0,
    0,
    ffi::PQCLEAN_FALCON1024_CLEAN_crypto_sign_keypair,
    ffi::PQCLEAN_FALCON1024_CLEAN_crypto_sign_signature,
    ffi::PQCLEAN_FALCON1024_CLEAN_crypto_sign_verify
);
#[cfg(target_arch = "x86_64")]
falcon_kernel!(
    f512_avx2,
    P512,
    c"falcon-512/pqclean-avx2",
    AVX2_REQ,
    10,
    ffi::PQCLEAN_FALCON512_AVX2_crypto_sign_keypair,
    ffi::PQCLEAN_FALCON512_AVX2_crypto_sign_signature,
    ffi::PQCLEAN_FALCON512_AVX2_crypto_sign_verify
);
#[cfg(target_arch = "x86_64")]
falcon_kernel!(
    f1024_avx2,
    P1024,
    c"falcon-1024/pqclean-avx2",
    AVX2_REQ,
    10,
    ffi::PQCLEAN_FALCON1024_AVX2_crypto_sign_keypair,
    ffi::PQCLEAN_FALCON1024_AVX2_crypto_sign_signature,
    ffi::PQCLEAN_FALCON1024_AVX2_crypto_sign_verify
);

/// Falcon-512 candidates (portable first).
#[cfg(target_arch = "x86_64")]
pub static FALCON_512: [SignKernel; 2] = [f512_clean::KERNEL, f512_avx2::KERNEL];
#[cfg(not(target_arch = "x86_64"))]
pub static FALCON_512: [SignKernel; 1] = [f512_clean::KERNEL];

/// Falcon-1024 candidates (portable first).
#[cfg(target_arch = "x86_64")]
pub static FALCON_1024: [SignKernel; 2] = [f1024_clean::KERNEL, f1024_avx2::KERNEL];
#[cfg(not(target_arch = "x86_64"))]
pub static FALCON_1024: [SignKernel; 1] = [f1024_clean::KERNEL];

mod kat;

/// Round-3 attached KAT form (`len(2) ‖ nonce ‖ msg ‖ 0x20+logn ‖ s2`, `len` counting the header
/// byte and s2) → the detached signature `0x30+logn ‖ nonce ‖ s2`.
fn detached_from_attached(logn: u32, msg_len: usize, sm: &[u8]) -> Option<Vec<u8>> {
    let n = usize::from(*sm.first()?) << 8 | usize::from(*sm.get(1)?);
    let body = sm.get(42 + msg_len..)?;
    if n < 2 || body.len() != n || body[0] != 0x20 + logn as u8 {
        return None;
    }
    let mut d = Vec::with_capacity(40 + n);
    d.push(0x30 + logn as u8);
    d.extend_from_slice(&sm[2..42]);
    d.extend_from_slice(&body[1..]);
    Some(d)
}

/// Power-on known answers (FIPS 140-3 style, without key generation, which costs 5–40 ms):
/// - the round-3 KAT record-0 signature verifies, and with one bit changed it does not (both
///   degrees; the record's message is the same for 512 and 1024);
/// - Falcon-512 only (the stored 1024 record has no secret key): the public key derived from the
///   record's secret key equals the record's public key, and a fresh signature made with that
///   secret key verifies under it (the pairwise sign → verify check, on a known key).
pub(crate) fn selftest_kat(k: &SignKernel) -> bool {
    use crate::selftest::hx;
    let (p, pk, sm) = if k.pk_len == P512.pk_len { (&P512, hx(kat::PK), hx(kat::SM)) } else { (&P1024, hx(kat::PK1024), hx(kat::SM1024)) };
    let msg = hx(kat::MSG);
    let verify = |sig: &[u8]| {
        // SAFETY: live buffers with their lengths.
        unsafe { (k.verify)(pk.as_ptr(), pk.len(), msg.as_ptr(), msg.len(), std::ptr::null(), 0, sig.as_ptr(), sig.len()) }
    };
    let Some(mut sig) = detached_from_attached(p.logn, msg.len(), &sm) else { return false };
    if verify(&sig) != OK {
        return false;
    }
    sig[60] ^= 1;
    if verify(&sig) != code(Status::BadSignature) {
        return false;
    }
    if p.logn != P512.logn {
        return true;
    }
    let mut sk = hx(kat::SK);
    let (mut pk2, mut fresh) = (vec![0u8; p.pk_len], vec![0u8; p.sig_len]);
    let (mut pl, mut sl) = (0usize, 0usize);
    // SAFETY: live buffers with their lengths.
    let ok = unsafe {
        (k.public_from_secret)(sk.as_ptr(), sk.len(), pk2.as_mut_ptr(), pk2.len(), &mut pl) == OK
            && (k.sign)(sk.as_ptr(), sk.len(), msg.as_ptr(), msg.len(), std::ptr::null(), 0, 0, fresh.as_mut_ptr(), fresh.len(), &mut sl) == OK
    };
    sk.zeroize();
    ok && pk2 == pk && verify(&fresh[..sl]) == OK
}
