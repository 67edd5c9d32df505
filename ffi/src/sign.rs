//! Signatures (brief §6–§7): key generation (random or from a seed), public-key derivation,
//! sign / verify with an optional context string and deterministic mode, and signing-key handles
//! (`xps_sign_key`). Every call is generic over the algorithm id and runs on the dispatch table
//! through `xpscrypto_core::sign`; an algorithm whose kernel is not in this build reports
//! `XPS_E_UNKNOWN_ALGORITHM` and size 0 from the size functions.
//!
//! Key generation runs into zeroizing temporaries and is copied out only on success. Signing
//! writes at most `xps_sign_bytes(alg)` bytes (the exact size, or the maximum for variable-length
//! signatures: Falcon, RSA) and sets `*sig_len` to the real length. `xps_verify` returns `XPS_OK`,
//! `XPS_E_BAD_SIGNATURE` for a well-formed signature that does not verify, and an invalid-input
//! status only for malformed lengths, keys or contexts.

use crate::boundary::*;
use crate::pk_io::{check_io, need_len_ptrs, put, In, Out};
use xpscrypto_core::sign::{self, SignOptions, SignSizes, SigningKey, MAX_VARIABLE_KEY};
use xpscrypto_core::{Alg, Error, Status};
use zeroize::Zeroizing;

/// `flags` of `xps_sign_ex`: deterministic signing (ML-DSA, SLH-DSA: no fresh randomness).
/// Ed25519 is deterministic anyway and accepts it; algorithms that cannot sign deterministically
/// (Falcon, RSA-PSS) refuse it with `XPS_E_INVALID_PARAMETER`.
pub const XPS_SIGN_DETERMINISTIC: u32 = 1;

/// Size in bytes: ed25519 public key (RFC 8032).
pub const XPS_SIGN_ED25519_PUBLICKEYBYTES: usize = 32;
/// Size in bytes: ed25519 secret key (the 32-byte RFC 8032 private key).
pub const XPS_SIGN_ED25519_SECRETKEYBYTES: usize = 32;
/// Size in bytes: ed25519 signature.
pub const XPS_SIGN_ED25519_BYTES: usize = 64;
/// Size in bytes: ed25519 key-generation seed (= the secret key).
pub const XPS_SIGN_ED25519_SEEDBYTES: usize = 32;
/// Size in bytes: ml-dsa-44 public key (FIPS 204 Table 2).
pub const XPS_SIGN_MLDSA44_PUBLICKEYBYTES: usize = 1312;
/// Size in bytes: ml-dsa-44 secret key (FIPS 204 private-key encoding).
pub const XPS_SIGN_MLDSA44_SECRETKEYBYTES: usize = 2560;
/// Size in bytes: ml-dsa-44 signature.
pub const XPS_SIGN_MLDSA44_BYTES: usize = 2420;
/// Size in bytes: ml-dsa-44 key-generation seed (ξ).
pub const XPS_SIGN_MLDSA44_SEEDBYTES: usize = 32;
/// Size in bytes: ml-dsa-65 public key (FIPS 204 Table 2).
pub const XPS_SIGN_MLDSA65_PUBLICKEYBYTES: usize = 1952;
/// Size in bytes: ml-dsa-65 secret key.
pub const XPS_SIGN_MLDSA65_SECRETKEYBYTES: usize = 4032;
/// Size in bytes: ml-dsa-65 signature.
pub const XPS_SIGN_MLDSA65_BYTES: usize = 3309;
/// Size in bytes: ml-dsa-65 key-generation seed (ξ).
pub const XPS_SIGN_MLDSA65_SEEDBYTES: usize = 32;
/// Size in bytes: ml-dsa-87 public key (FIPS 204 Table 2).
pub const XPS_SIGN_MLDSA87_PUBLICKEYBYTES: usize = 2592;
/// Size in bytes: ml-dsa-87 secret key.
pub const XPS_SIGN_MLDSA87_SECRETKEYBYTES: usize = 4896;
/// Size in bytes: ml-dsa-87 signature.
pub const XPS_SIGN_MLDSA87_BYTES: usize = 4627;
/// Size in bytes: ml-dsa-87 key-generation seed (ξ).
pub const XPS_SIGN_MLDSA87_SEEDBYTES: usize = 32;
/// Size in bytes: ML-DSA (and hybrid) maximum context string.
pub const XPS_SIGN_MLDSA_CONTEXTBYTES: usize = 255;
/// Size in bytes: falcon-512 public key (round-3 Falcon, PQClean CRYPTO_PUBLICKEYBYTES).
pub const XPS_SIGN_FALCON512_PUBLICKEYBYTES: usize = 897;
/// Size in bytes: falcon-512 secret key.
pub const XPS_SIGN_FALCON512_SECRETKEYBYTES: usize = 1281;
/// Size in bytes: falcon-512 maximum signature (variable length; PQClean CRYPTO_BYTES).
pub const XPS_SIGN_FALCON512_BYTES: usize = 752;
/// Size in bytes: falcon-512 seed (0: no seeded key generation).
pub const XPS_SIGN_FALCON512_SEEDBYTES: usize = 0;
/// Size in bytes: falcon-1024 public key.
pub const XPS_SIGN_FALCON1024_PUBLICKEYBYTES: usize = 1793;
/// Size in bytes: falcon-1024 secret key.
pub const XPS_SIGN_FALCON1024_SECRETKEYBYTES: usize = 2305;
/// Size in bytes: falcon-1024 maximum signature (variable length).
pub const XPS_SIGN_FALCON1024_BYTES: usize = 1462;
/// Size in bytes: falcon-1024 seed (0: no seeded key generation).
pub const XPS_SIGN_FALCON1024_SEEDBYTES: usize = 0;
/// Size in bytes: slh-dsa-sha2-128s public key (FIPS 205 Table 2: 2n, n = 16).
pub const XPS_SIGN_SLHDSASHA2128S_PUBLICKEYBYTES: usize = 32;
/// Size in bytes: slh-dsa-sha2-128s secret key (4n).
pub const XPS_SIGN_SLHDSASHA2128S_SECRETKEYBYTES: usize = 64;
/// Size in bytes: slh-dsa-sha2-128s signature.
pub const XPS_SIGN_SLHDSASHA2128S_BYTES: usize = 7856;
/// Size in bytes: slh-dsa-sha2-128s seed (SK.seed ‖ SK.prf ‖ PK.seed, 3n; FIPS 205 Alg. 18).
pub const XPS_SIGN_SLHDSASHA2128S_SEEDBYTES: usize = 48;
/// Size in bytes: rsa-pss-sha256 public key buffer (variable-length SPKI DER: this is the
/// largest accepted, the real length comes back in `*pk_len`).
pub const XPS_SIGN_RSAPSSSHA256_PUBLICKEYBYTES: usize = 4096;
/// Size in bytes: rsa-pss-sha256 secret key buffer (variable-length DER; largest accepted).
pub const XPS_SIGN_RSAPSSSHA256_SECRETKEYBYTES: usize = 4096;
/// Size in bytes: rsa-pss-sha256 maximum signature (RSA-4096; the modulus length in general).
pub const XPS_SIGN_RSAPSSSHA256_BYTES: usize = 512;
/// Size in bytes: rsa-pss-sha256 seed (0: no seeded key generation).
pub const XPS_SIGN_RSAPSSSHA256_SEEDBYTES: usize = 0;
/// Size in bytes: ed25519+ml-dsa-65 public key (ML-DSA-65 pk ‖ Ed25519 pk).
pub const XPS_SIGN_ED25519MLDSA65_PUBLICKEYBYTES: usize = 1984;
/// Size in bytes: ed25519+ml-dsa-65 secret key (ML-DSA-65 ξ ‖ Ed25519 private key).
pub const XPS_SIGN_ED25519MLDSA65_SECRETKEYBYTES: usize = 64;
/// Size in bytes: ed25519+ml-dsa-65 signature (ML-DSA-65 sig ‖ Ed25519 sig).
pub const XPS_SIGN_ED25519MLDSA65_BYTES: usize = 3373;
/// Size in bytes: ed25519+ml-dsa-65 key-generation seed (= the secret key).
pub const XPS_SIGN_ED25519MLDSA65_SEEDBYTES: usize = 64;
/// Size in bytes: largest signature of any algorithm above (slh-dsa-sha2-128s).
pub const XPS_SIGN_MAX_BYTES: usize = 7856;

/// Opaque signing-key handle: the secret key in secure memory (guard pages, mlock, wiped on
/// free). Thread-safe for concurrent signing. Free with `xps_sign_key_free`.
pub struct xps_sign_key {
    inner: SigningKey,
}

/// Buffer size for a key: the fixed size, or the largest accepted for variable encodings (RSA).
fn key_cap(n: usize) -> usize {
    if n == 0 { MAX_VARIABLE_KEY } else { n }
}

fn size_of(alg: u32, f: impl FnOnce(SignSizes) -> usize) -> usize {
    guard_value(0, || crate::boundary::alg(alg).ok().and_then(|a| sign::sizes(a).ok()).map_or(0, f))
}

/// Public-key length of a signature algorithm (for RSA the largest accepted DER encoding), 0 if
/// `alg` is not a signature algorithm or has no kernel in this build.
#[no_mangle]
pub extern "C" fn xps_sign_publickeybytes(alg: u32) -> usize {
    size_of(alg, |s| key_cap(s.public_key))
}

/// Secret-key length of a signature algorithm (for RSA the largest accepted DER encoding), 0 if
/// not a signature algorithm or no kernel.
#[no_mangle]
pub extern "C" fn xps_sign_secretkeybytes(alg: u32) -> usize {
    size_of(alg, |s| key_cap(s.secret_key))
}

/// Signature length (the maximum for Falcon and RSA), 0 if not a signature algorithm or no kernel.
#[no_mangle]
pub extern "C" fn xps_sign_bytes(alg: u32) -> usize {
    size_of(alg, |s| s.signature)
}

/// Key-generation seed length (0: no seeded key generation, or not a signature algorithm).
#[no_mangle]
pub extern "C" fn xps_sign_seedbytes(alg: u32) -> usize {
    size_of(alg, |s| s.seed)
}

/// Longest context string (255 for ML-DSA and the hybrid; 0: no context).
#[no_mangle]
pub extern "C" fn xps_sign_contextbytes(alg: u32) -> usize {
    size_of(alg, |s| s.max_context)
}

/// Key generation: `seed` NULL/0 for fresh OS randomness, else exactly `xps_sign_seedbytes(alg)`
/// bytes (for KATs and deterministic derivation). Both capacities are checked first; on
/// `XPS_E_BUFFER_TOO_SMALL` both `*pk_len` and `*sk_len` receive the required sizes.
#[no_mangle]
pub unsafe extern "C" fn xps_sign_keypair(
    alg: u32,
    seed: *const u8,
    seed_len: usize,
    pk: *mut u8,
    pk_cap: usize,
    pk_len: *mut usize,
    sk: *mut u8,
    sk_cap: usize,
    sk_len: *mut usize,
) -> xps_status {
    guard(|| {
        let mut po = Out { p: pk, cap: pk_cap, len: pk_len, need: 0, what: "public key" };
        let mut so = Out { p: sk, cap: sk_cap, len: sk_len, need: 0, what: "secret key" };
        need_len_ptrs(&[&po, &so])?;
        let a = crate::boundary::alg(alg)?;
        let s = sign::sizes(a)?;
        po.need = key_cap(s.public_key);
        so.need = key_cap(s.secret_key);
        check_io(a.name(), &[&po, &so], &[In { p: seed, len: seed_len, what: "seed" }])?;
        // SAFETY: validated by check_io.
        let sd = unsafe { input(seed, seed_len, "seed")? };
        let mut pt = vec![0u8; po.need];
        let mut st = Zeroizing::new(vec![0u8; so.need]);
        let (pl, sl) = sign::keypair_into(a, (!sd.is_empty()).then_some(sd), &mut pt, &mut st)?;
        if pl > po.need || sl > so.need {
            return Err(e(Status::Internal, "kernel reported key lengths beyond its buffers"));
        }
        // SAFETY: outputs validated by check_io; lengths checked just above.
        unsafe {
            put(&po, &pt[..pl])?;
            put(&so, &st[..sl])
        }
    })
}

/// The public key of a secret key (`*pk_len` = its length).
#[no_mangle]
pub unsafe extern "C" fn xps_sign_public_from_secret(
    alg: u32,
    sk: *const u8,
    sk_len: usize,
    pk: *mut u8,
    pk_cap: usize,
    pk_len: *mut usize,
) -> xps_status {
    guard(|| {
        let mut po = Out { p: pk, cap: pk_cap, len: pk_len, need: 0, what: "public key" };
        need_len_ptrs(&[&po])?;
        let a = crate::boundary::alg(alg)?;
        po.need = key_cap(sign::sizes(a)?.public_key);
        check_io(a.name(), &[&po], &[In { p: sk, len: sk_len, what: "secret key" }])?;
        // SAFETY: validated by check_io.
        let k = unsafe { input(sk, sk_len, "secret key")? };
        let p = sign::public_from_secret(a, k)?;
        // SAFETY: output validated by check_io; `put` checks the length against `need`.
        unsafe { put(&po, &p) }
    })
}

/// Who signs: a key given with the call, or a handle.
enum Signer<'a> {
    OneShot(Alg, *const u8, usize),
    Handle(&'a SigningKey),
}

fn sign_flags(flags: u32) -> Result<bool, Error> {
    if flags & !XPS_SIGN_DETERMINISTIC != 0 {
        return Err(e(Status::InvalidParameter, format!("unknown signing flags {flags:#x}")));
    }
    Ok(flags & XPS_SIGN_DETERMINISTIC != 0)
}

/// The shared body of every signing export.
#[allow(clippy::too_many_arguments)]
unsafe fn sign_body(
    who: Signer,
    msg: *const u8,
    msg_len: usize,
    ctx: *const u8,
    ctx_len: usize,
    flags: u32,
    sig: *mut u8,
    sig_cap: usize,
    sig_len: *mut usize,
) -> Result<(), Error> {
    let mut so = Out { p: sig, cap: sig_cap, len: sig_len, need: 0, what: "signature" };
    need_len_ptrs(&[&so])?;
    let a = match &who {
        Signer::OneShot(a, _, _) => *a,
        Signer::Handle(k) => k.alg(),
    };
    so.need = sign::sizes(a)?.signature;
    let deterministic = sign_flags(flags)?;
    let (kp, kl) = match &who {
        Signer::OneShot(_, p, n) => (*p, *n),
        Signer::Handle(_) => (std::ptr::null(), 0),
    };
    check_io(
        a.name(),
        &[&so],
        &[In { p: kp, len: kl, what: "secret key" }, In { p: msg, len: msg_len, what: "message" }, In { p: ctx, len: ctx_len, what: "context" }],
    )?;
    // SAFETY: inputs validated by check_io.
    let (m, c) = unsafe { (input(msg, msg_len, "message")?, input(ctx, ctx_len, "context")?) };
    let opts = SignOptions { context: c, deterministic };
    // SAFETY: the output was validated for `need` bytes and overlaps no input (check_io).
    let out = unsafe { output(sig, so.need, "signature")? };
    let n = match who {
        // SAFETY: validated by check_io.
        Signer::OneShot(a, p, l) => sign::sign_into(a, unsafe { input(p, l, "secret key")? }, m, &opts, out)?,
        Signer::Handle(k) => k.sign_into(m, &opts, out)?,
    };
    set_len(sig_len, n);
    Ok(())
}

/// Signs `msg` (no context; the algorithm's default randomness: hedged for ML-DSA/SLH-DSA).
/// Writes at most `xps_sign_bytes(alg)` bytes; `*sig_len` gets the signature length.
#[no_mangle]
pub unsafe extern "C" fn xps_sign(
    alg: u32,
    sk: *const u8,
    sk_len: usize,
    msg: *const u8,
    msg_len: usize,
    sig: *mut u8,
    sig_cap: usize,
    sig_len: *mut usize,
) -> xps_status {
    // SAFETY: pointers validated inside.
    guard(|| unsafe { sign_body(Signer::OneShot(crate::boundary::alg(alg)?, sk, sk_len), msg, msg_len, std::ptr::null(), 0, 0, sig, sig_cap, sig_len) })
}

/// `xps_sign` with a context string (ML-DSA and the hybrid: ≤ 255 bytes; other algorithms take
/// none) and `flags` (`XPS_SIGN_DETERMINISTIC` or 0).
#[no_mangle]
pub unsafe extern "C" fn xps_sign_ex(
    alg: u32,
    sk: *const u8,
    sk_len: usize,
    msg: *const u8,
    msg_len: usize,
    ctx: *const u8,
    ctx_len: usize,
    flags: u32,
    sig: *mut u8,
    sig_cap: usize,
    sig_len: *mut usize,
) -> xps_status {
    // SAFETY: pointers validated inside.
    guard(|| unsafe { sign_body(Signer::OneShot(crate::boundary::alg(alg)?, sk, sk_len), msg, msg_len, ctx, ctx_len, flags, sig, sig_cap, sig_len) })
}

/// Verifies with a context string. `XPS_OK` if valid; `XPS_E_BAD_SIGNATURE` if well-formed (right
/// lengths) but not valid; `XPS_E_INVALID_LENGTH` (signature length), `XPS_E_BAD_KEY_LENGTH`,
/// `XPS_E_INVALID_KEY` (undecodable key, where the algorithm tells them apart) or
/// `XPS_E_INVALID_PARAMETER` (a context for an algorithm without one) for malformed input.
#[no_mangle]
pub unsafe extern "C" fn xps_verify_ex(
    alg: u32,
    pk: *const u8,
    pk_len: usize,
    msg: *const u8,
    msg_len: usize,
    ctx: *const u8,
    ctx_len: usize,
    sig: *const u8,
    sig_len: usize,
) -> xps_status {
    guard(|| {
        let a = crate::boundary::alg(alg)?;
        // SAFETY: validated pointer/length pairs (caller contract for validity).
        let (p, m, c, s) = unsafe {
            (input(pk, pk_len, "public key")?, input(msg, msg_len, "message")?, input(ctx, ctx_len, "context")?, input(sig, sig_len, "signature")?)
        };
        sign::verify_with(a, p, m, s, &SignOptions { context: c, deterministic: false })
    })
}

/// Verifies `sig` over `msg` (no context): `XPS_OK` or `XPS_E_BAD_SIGNATURE`; an invalid-input
/// status only for malformed lengths or keys.
#[no_mangle]
pub unsafe extern "C" fn xps_verify(
    alg: u32,
    pk: *const u8,
    pk_len: usize,
    msg: *const u8,
    msg_len: usize,
    sig: *const u8,
    sig_len: usize,
) -> xps_status {
    // SAFETY: forwarded; validated inside.
    unsafe { xps_verify_ex(alg, pk, pk_len, msg, msg_len, std::ptr::null(), 0, sig, sig_len) }
}

/// Creates a signing-key handle: the secret key is validated (its public key derived) and
/// copied into secure memory. `*out` is written only on success.
#[no_mangle]
pub unsafe extern "C" fn xps_sign_key_new(alg: u32, sk: *const u8, sk_len: usize, out: *mut *mut xps_sign_key) -> xps_status {
    guard(|| {
        let a = crate::boundary::alg(alg)?;
        if out.is_null() {
            return Err(e(Status::NullPointer, "out (handle pointer) is NULL"));
        }
        // SAFETY: validated pointer/length pair.
        let k = unsafe { input(sk, sk_len, "secret key")? };
        put_handle(out, xps_sign_key { inner: SigningKey::new(a, k)? })
    })
}

/// The algorithm id of a signing-key handle (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn xps_sign_key_alg(k: *const xps_sign_key) -> u32 {
    // SAFETY: NULL or a live handle (caller contract).
    guard_value(0, || unsafe { handle(k, "sign key") }.map(|k| k.inner.alg().id()).unwrap_or(0))
}

/// `xps_sign` with a handle.
#[no_mangle]
pub unsafe extern "C" fn xps_sign_key_sign(
    k: *const xps_sign_key,
    msg: *const u8,
    msg_len: usize,
    sig: *mut u8,
    sig_cap: usize,
    sig_len: *mut usize,
) -> xps_status {
    // SAFETY: live handle (caller contract); other pointers validated inside.
    guard(|| unsafe { sign_body(Signer::Handle(&handle(k, "sign key")?.inner), msg, msg_len, std::ptr::null(), 0, 0, sig, sig_cap, sig_len) })
}

/// `xps_sign_ex` with a handle.
#[no_mangle]
pub unsafe extern "C" fn xps_sign_key_sign_ex(
    k: *const xps_sign_key,
    msg: *const u8,
    msg_len: usize,
    ctx: *const u8,
    ctx_len: usize,
    flags: u32,
    sig: *mut u8,
    sig_cap: usize,
    sig_len: *mut usize,
) -> xps_status {
    // SAFETY: live handle (caller contract); other pointers validated inside.
    guard(|| unsafe { sign_body(Signer::Handle(&handle(k, "sign key")?.inner), msg, msg_len, ctx, ctx_len, flags, sig, sig_cap, sig_len) })
}

/// The public key of a signing-key handle.
#[no_mangle]
pub unsafe extern "C" fn xps_sign_key_public(k: *const xps_sign_key, pk: *mut u8, pk_cap: usize, pk_len: *mut usize) -> xps_status {
    guard(|| {
        let mut po = Out { p: pk, cap: pk_cap, len: pk_len, need: 0, what: "public key" };
        need_len_ptrs(&[&po])?;
        // SAFETY: NULL or a live handle (caller contract).
        let h = unsafe { handle(k, "sign key")? };
        po.need = key_cap(sign::sizes(h.inner.alg())?.public_key);
        check_io(h.inner.alg().name(), &[&po], &[])?;
        let p = h.inner.public_key()?;
        // SAFETY: output validated by check_io.
        unsafe { put(&po, &p) }
    })
}

/// Frees a signing-key handle (NULL accepted); the secret key is wiped.
#[no_mangle]
pub unsafe extern "C" fn xps_sign_key_free(k: *mut xps_sign_key) {
    guard_value((), || {
        if !k.is_null() {
            // SAFETY: a handle from `xps_sign_key_new`, freed once.
            drop(unsafe { Box::from_raw(k) });
        }
    })
}
