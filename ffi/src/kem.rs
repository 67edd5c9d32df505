//! KEMs and key agreement (brief §6–§7): key generation (random or from a seed), encapsulation
//! (random or derandomized from a seed, for KATs), decapsulation, and decapsulation-key handles
//! (`xps_kem_key`). Generic over the algorithm id through `xpscrypto_core::kem`; an algorithm
//! without a kernel in this build reports `XPS_E_UNKNOWN_ALGORITHM` and size 0.
//!
//! `x25519`: the ciphertext is the ephemeral public key and the shared secret the raw RFC 7748
//! output, so `xps_kem_decapsulate(sk, peer_public)` is plain Diffie–Hellman; a low-order peer key
//! (all-zero result) is refused with `XPS_E_WEAK_PUBLIC_KEY`. ML-KEM decapsulation uses implicit
//! rejection: a modified ciphertext gives a different (pseudo-random) shared secret, not an error.
//!
//! Secret outputs (secret keys, shared secrets) are produced in zeroizing temporaries and copied
//! out only on success.

use crate::boundary::*;
use crate::pk_io::{check_io, need_len_ptrs, put, In, Out};
use xpscrypto_core::kem::{self, DecapsulationKey, KemSizes};
use xpscrypto_core::{Alg, Error, Status};
use zeroize::Zeroizing;

/// Size in bytes: x25519 public key.
pub const XPS_KEM_X25519_PUBLICKEYBYTES: usize = 32;
/// Size in bytes: x25519 secret key (the scalar).
pub const XPS_KEM_X25519_SECRETKEYBYTES: usize = 32;
/// Size in bytes: x25519 "ciphertext" (the ephemeral public key).
pub const XPS_KEM_X25519_CIPHERTEXTBYTES: usize = 32;
/// Size in bytes: x25519 shared secret.
pub const XPS_KEM_X25519_SHAREDSECRETBYTES: usize = 32;
/// Size in bytes: x25519 key-generation seed (= the secret key).
pub const XPS_KEM_X25519_SEEDBYTES: usize = 32;
/// Size in bytes: x25519 encapsulation seed (the ephemeral scalar).
pub const XPS_KEM_X25519_ENCAPSSEEDBYTES: usize = 32;
/// Size in bytes: ml-kem-512 encapsulation key (FIPS 203 Table 3).
pub const XPS_KEM_MLKEM512_PUBLICKEYBYTES: usize = 800;
/// Size in bytes: ml-kem-512 decapsulation key.
pub const XPS_KEM_MLKEM512_SECRETKEYBYTES: usize = 1632;
/// Size in bytes: ml-kem-512 ciphertext.
pub const XPS_KEM_MLKEM512_CIPHERTEXTBYTES: usize = 768;
/// Size in bytes: ml-kem-512 shared secret.
pub const XPS_KEM_MLKEM512_SHAREDSECRETBYTES: usize = 32;
/// Size in bytes: ml-kem-512 key-generation seed (d ‖ z).
pub const XPS_KEM_MLKEM512_SEEDBYTES: usize = 64;
/// Size in bytes: ml-kem-512 encapsulation seed (m).
pub const XPS_KEM_MLKEM512_ENCAPSSEEDBYTES: usize = 32;
/// Size in bytes: ml-kem-768 encapsulation key (FIPS 203 Table 3).
pub const XPS_KEM_MLKEM768_PUBLICKEYBYTES: usize = 1184;
/// Size in bytes: ml-kem-768 decapsulation key.
pub const XPS_KEM_MLKEM768_SECRETKEYBYTES: usize = 2400;
/// Size in bytes: ml-kem-768 ciphertext.
pub const XPS_KEM_MLKEM768_CIPHERTEXTBYTES: usize = 1088;
/// Size in bytes: ml-kem-768 shared secret.
pub const XPS_KEM_MLKEM768_SHAREDSECRETBYTES: usize = 32;
/// Size in bytes: ml-kem-768 key-generation seed (d ‖ z).
pub const XPS_KEM_MLKEM768_SEEDBYTES: usize = 64;
/// Size in bytes: ml-kem-768 encapsulation seed (m).
pub const XPS_KEM_MLKEM768_ENCAPSSEEDBYTES: usize = 32;
/// Size in bytes: ml-kem-1024 encapsulation key (FIPS 203 Table 3).
pub const XPS_KEM_MLKEM1024_PUBLICKEYBYTES: usize = 1568;
/// Size in bytes: ml-kem-1024 decapsulation key.
pub const XPS_KEM_MLKEM1024_SECRETKEYBYTES: usize = 3168;
/// Size in bytes: ml-kem-1024 ciphertext.
pub const XPS_KEM_MLKEM1024_CIPHERTEXTBYTES: usize = 1568;
/// Size in bytes: ml-kem-1024 shared secret.
pub const XPS_KEM_MLKEM1024_SHAREDSECRETBYTES: usize = 32;
/// Size in bytes: ml-kem-1024 key-generation seed (d ‖ z).
pub const XPS_KEM_MLKEM1024_SEEDBYTES: usize = 64;
/// Size in bytes: ml-kem-1024 encapsulation seed (m).
pub const XPS_KEM_MLKEM1024_ENCAPSSEEDBYTES: usize = 32;
/// Size in bytes: x-wing encapsulation key (ML-KEM-768 ek ‖ X25519 public key).
pub const XPS_KEM_XWING_PUBLICKEYBYTES: usize = 1216;
/// Size in bytes: x-wing decapsulation key (the 32-byte seed).
pub const XPS_KEM_XWING_SECRETKEYBYTES: usize = 32;
/// Size in bytes: x-wing ciphertext (ML-KEM-768 ct ‖ X25519 ephemeral public key).
pub const XPS_KEM_XWING_CIPHERTEXTBYTES: usize = 1120;
/// Size in bytes: x-wing shared secret.
pub const XPS_KEM_XWING_SHAREDSECRETBYTES: usize = 32;
/// Size in bytes: x-wing key-generation seed.
pub const XPS_KEM_XWING_SEEDBYTES: usize = 32;
/// Size in bytes: x-wing encapsulation seed (ML-KEM m ‖ X25519 ephemeral scalar).
pub const XPS_KEM_XWING_ENCAPSSEEDBYTES: usize = 64;

/// Opaque decapsulation-key handle: the secret key in secure memory (wiped on free).
/// Thread-safe for concurrent decapsulation. Free with `xps_kem_key_free`.
pub struct xps_kem_key {
    inner: DecapsulationKey,
}

fn size_of(alg: u32, f: impl FnOnce(KemSizes) -> usize) -> usize {
    guard_value(0, || crate::boundary::alg(alg).ok().and_then(|a| kem::sizes(a).ok()).map_or(0, f))
}

/// Public (encapsulation) key length; 0 if `alg` is not a KEM or has no kernel in this build.
#[no_mangle]
pub extern "C" fn xps_kem_publickeybytes(alg: u32) -> usize {
    size_of(alg, |s| s.public_key)
}

/// Secret (decapsulation) key length; 0 if not a KEM or no kernel.
#[no_mangle]
pub extern "C" fn xps_kem_secretkeybytes(alg: u32) -> usize {
    size_of(alg, |s| s.secret_key)
}

/// Ciphertext length (x25519: the ephemeral public key); 0 if not a KEM or no kernel.
#[no_mangle]
pub extern "C" fn xps_kem_ciphertextbytes(alg: u32) -> usize {
    size_of(alg, |s| s.ciphertext)
}

/// Shared-secret length; 0 if not a KEM or no kernel.
#[no_mangle]
pub extern "C" fn xps_kem_sharedsecretbytes(alg: u32) -> usize {
    size_of(alg, |s| s.shared_secret)
}

/// Key-generation seed length (ML-KEM: d ‖ z = 64); 0 if none, not a KEM or no kernel.
#[no_mangle]
pub extern "C" fn xps_kem_seedbytes(alg: u32) -> usize {
    size_of(alg, |s| s.seed)
}

/// Encapsulation seed length (ML-KEM: m = 32; X-Wing: 64); 0 if none, not a KEM or no kernel.
#[no_mangle]
pub extern "C" fn xps_kem_encapsseedbytes(alg: u32) -> usize {
    size_of(alg, |s| s.encaps_seed)
}

/// Key generation: `seed` NULL/0 for fresh OS randomness, else exactly `xps_kem_seedbytes(alg)`
/// bytes. Both capacities are checked first; on `XPS_E_BUFFER_TOO_SMALL` both `*pk_len` and
/// `*sk_len` receive the required sizes.
#[no_mangle]
pub unsafe extern "C" fn xps_kem_keypair(
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
        let s = kem::sizes(a)?;
        po.need = s.public_key;
        so.need = s.secret_key;
        check_io(a.name(), &[&po, &so], &[In { p: seed, len: seed_len, what: "seed" }])?;
        // SAFETY: validated by check_io.
        let sd = unsafe { input(seed, seed_len, "seed")? };
        let mut pt = vec![0u8; po.need];
        let mut st = Zeroizing::new(vec![0u8; so.need]);
        kem::keypair_into(a, (!sd.is_empty()).then_some(sd), &mut pt, &mut st)?;
        // SAFETY: outputs validated by check_io for exactly these lengths.
        unsafe {
            put(&po, &pt)?;
            put(&so, &st)
        }
    })
}

/// Encapsulation to `pk`: ciphertext and shared secret. `seed` NULL/0 for fresh randomness, else
/// exactly `xps_kem_encapsseedbytes(alg)` bytes (KATs only: a repeated seed repeats the secret).
/// `XPS_E_INVALID_KEY` when `pk` fails its checks (ML-KEM: FIPS 203 modulus check);
/// `XPS_E_WEAK_PUBLIC_KEY` for a low-order x25519 key. On `XPS_E_BUFFER_TOO_SMALL` both
/// `*ct_len` and `*ss_len` receive the required sizes.
#[no_mangle]
pub unsafe extern "C" fn xps_kem_encapsulate(
    alg: u32,
    pk: *const u8,
    pk_len: usize,
    seed: *const u8,
    seed_len: usize,
    ct: *mut u8,
    ct_cap: usize,
    ct_len: *mut usize,
    ss: *mut u8,
    ss_cap: usize,
    ss_len: *mut usize,
) -> xps_status {
    guard(|| {
        let mut co = Out { p: ct, cap: ct_cap, len: ct_len, need: 0, what: "ciphertext" };
        let mut so = Out { p: ss, cap: ss_cap, len: ss_len, need: 0, what: "shared secret" };
        need_len_ptrs(&[&co, &so])?;
        let a = crate::boundary::alg(alg)?;
        let s = kem::sizes(a)?;
        co.need = s.ciphertext;
        so.need = s.shared_secret;
        check_io(a.name(), &[&co, &so], &[In { p: pk, len: pk_len, what: "public key" }, In { p: seed, len: seed_len, what: "seed" }])?;
        // SAFETY: validated by check_io.
        let (p, sd) = unsafe { (input(pk, pk_len, "public key")?, input(seed, seed_len, "seed")?) };
        let mut ctt = vec![0u8; co.need];
        let mut sst = Zeroizing::new(vec![0u8; so.need]);
        kem::encapsulate_into(a, p, (!sd.is_empty()).then_some(sd), &mut ctt, &mut sst)?;
        // SAFETY: outputs validated by check_io for exactly these lengths.
        unsafe {
            put(&co, &ctt)?;
            put(&so, &sst)
        }
    })
}

/// Who decapsulates: a key given with the call, or a handle.
enum Decapsulator<'a> {
    OneShot(Alg, *const u8, usize),
    Handle(&'a DecapsulationKey),
}

/// The shared body of both decapsulation exports.
unsafe fn decaps_body(who: Decapsulator, ct: *const u8, ct_len: usize, ss: *mut u8, ss_cap: usize, ss_len: *mut usize) -> Result<(), Error> {
    let mut so = Out { p: ss, cap: ss_cap, len: ss_len, need: 0, what: "shared secret" };
    need_len_ptrs(&[&so])?;
    let (a, kp, kl) = match &who {
        Decapsulator::OneShot(a, p, n) => (*a, *p, *n),
        Decapsulator::Handle(k) => (k.alg(), std::ptr::null(), 0),
    };
    so.need = kem::sizes(a)?.shared_secret;
    check_io(a.name(), &[&so], &[In { p: kp, len: kl, what: "secret key" }, In { p: ct, len: ct_len, what: "ciphertext" }])?;
    // SAFETY: validated by check_io.
    let c = unsafe { input(ct, ct_len, "ciphertext")? };
    let mut sst = Zeroizing::new(vec![0u8; so.need]);
    match who {
        // SAFETY: validated by check_io.
        Decapsulator::OneShot(a, p, n) => kem::decapsulate_into(a, unsafe { input(p, n, "secret key")? }, c, &mut sst)?,
        Decapsulator::Handle(k) => k.decapsulate_into(c, &mut sst)?,
    }
    // SAFETY: output validated by check_io for exactly this length.
    unsafe { put(&so, &sst) }
}

/// Decapsulation of `ct` under `sk` (x25519: `ct` is the peer's public key). `XPS_E_INVALID_KEY`
/// when `sk` fails its checks (ML-KEM: FIPS 203 hash check); `XPS_E_WEAK_PUBLIC_KEY` for a
/// low-order x25519 peer key.
#[no_mangle]
pub unsafe extern "C" fn xps_kem_decapsulate(
    alg: u32,
    sk: *const u8,
    sk_len: usize,
    ct: *const u8,
    ct_len: usize,
    ss: *mut u8,
    ss_cap: usize,
    ss_len: *mut usize,
) -> xps_status {
    // SAFETY: pointers validated inside.
    guard(|| unsafe { decaps_body(Decapsulator::OneShot(crate::boundary::alg(alg)?, sk, sk_len), ct, ct_len, ss, ss_cap, ss_len) })
}

/// Creates a decapsulation-key handle (secret key copied into secure memory after its length is
/// checked). `*out` is written only on success.
#[no_mangle]
pub unsafe extern "C" fn xps_kem_key_new(alg: u32, sk: *const u8, sk_len: usize, out: *mut *mut xps_kem_key) -> xps_status {
    guard(|| {
        let a = crate::boundary::alg(alg)?;
        if out.is_null() {
            return Err(e(Status::NullPointer, "out (handle pointer) is NULL"));
        }
        // SAFETY: validated pointer/length pair.
        let k = unsafe { input(sk, sk_len, "secret key")? };
        put_handle(out, xps_kem_key { inner: DecapsulationKey::new(a, k)? })
    })
}

/// The algorithm id of a decapsulation-key handle (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn xps_kem_key_alg(k: *const xps_kem_key) -> u32 {
    // SAFETY: NULL or a live handle (caller contract).
    guard_value(0, || unsafe { handle(k, "kem key") }.map(|k| k.inner.alg().id()).unwrap_or(0))
}

/// `xps_kem_decapsulate` with a handle.
#[no_mangle]
pub unsafe extern "C" fn xps_kem_key_decapsulate(
    k: *const xps_kem_key,
    ct: *const u8,
    ct_len: usize,
    ss: *mut u8,
    ss_cap: usize,
    ss_len: *mut usize,
) -> xps_status {
    // SAFETY: live handle (caller contract); other pointers validated inside.
    guard(|| unsafe { decaps_body(Decapsulator::Handle(&handle(k, "kem key")?.inner), ct, ct_len, ss, ss_cap, ss_len) })
}

/// Frees a decapsulation-key handle (NULL accepted); the secret key is wiped.
#[no_mangle]
pub unsafe extern "C" fn xps_kem_key_free(k: *mut xps_kem_key) {
    guard_value((), || {
        if !k.is_null() {
            // SAFETY: a handle from `xps_kem_key_new`, freed once.
            drop(unsafe { Box::from_raw(k) });
        }
    })
}
