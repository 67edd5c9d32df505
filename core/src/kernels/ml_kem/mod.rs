//! ML-KEM-512/768/1024 (FIPS 203), two kernels per parameter set.
//!
//! - `ml-kem-N/rustcrypto` (portable reference): the pure-Rust `ml-kem` 0.3.4 crate. Seeded key
//!   generation from d‖z (64 bytes, `KeyGen_internal`) and derandomized encapsulation from m
//!   (32 bytes, `Encaps_internal`): caps `CAP_SEEDED_KEYPAIR | CAP_SEEDED_ENCAPS`.
//! - `ml-kem-N/pqclean-avx2` (accelerated, x86-64 Linux/BSD only): PQClean's AVX2 code as compiled
//!   by `pqcrypto-mlkem` 0.1.1. That crate builds both the `clean` and the `avx2` C code and picks
//!   one per call with `is_x86_feature_detected!("avx2")`; this kernel calls the `…_AVX2_…`
//!   symbols directly (the table only selects it when the CPU has AVX2 and BMI2: the C code is
//!   compiled with `-mavx2 -mbmi -mbmi2 -mpopcnt`, so AVX2 alone is not a sufficient promise).
//!   The crate does not declare PQClean's derandomized entry points (`crypto_kem_keypair_derand`
//!   with coins = d‖z, `crypto_kem_enc_derand` with coins = m), but they are compiled into its
//!   static library next to the randomized ones: this kernel declares and uses them, so seeded
//!   key generation and derandomized encapsulation (ACVP KATs, X-Wing key expansion) also run on
//!   AVX2 (caps `CAP_SEEDED_KEYPAIR | CAP_SEEDED_ENCAPS`; the ACVP tests run on every seeded
//!   kernel). Its unseeded randomness comes from `pqcrypto-internals`
//!   (`getrandom`), which aborts the process if the OS RNG fails, and its stack copies of coins
//!   are not wiped by the C code.
//!
//! Keys are the FIPS 203 encodings: encapsulation key `ek` (384k+32 bytes) and the *expanded*
//! decapsulation key `dk = dk_PKE ‖ ek ‖ H(ek) ‖ z` (768k+96 bytes), not the 64-byte seed.
//!
//! Input validation (lengths are checked by the caller), identical in both kernels so they
//! accept and reject the same keys:
//! - encapsulation: the §7.2 modulus check (every 12-bit coefficient of `ek` below q = 3329),
//!   else `InvalidKey`;
//! - decapsulation: the §7.3 hash check (`H(dk[384k:768k+32]) == dk[768k+32:768k+64]`, compared
//!   in constant time), and in addition the §7.2 modulus check of the embedded `ek` (the
//!   `ml-kem` crate refuses such keys when parsing, so the AVX2 kernel does the same), else
//!   `InvalidKey`. A well-formed key with a bad ciphertext is never an error: implicit rejection
//!   returns the pseudo-random `J(z‖c)`.

mod kat;

use crate::dispatch::abi::{KemKernel, KernelDesc, CAP_SEEDED_ENCAPS, CAP_SEEDED_KEYPAIR};
use crate::error::Status;
use crate::kernels::pk_util::{code, seed_or_random, OK};
use crate::secure::ct::ct_equal;
use sha3::{Digest, Sha3_256};
use zeroize::Zeroize;

pub(crate) use kat::kat;

pub const SEED_LEN: usize = 64;
pub const ENC_SEED_LEN: usize = 32;
pub const SS_LEN: usize = 32;
const Q: u16 = 3329;

/// Sizes of one parameter set (k = module rank; du/dv = ciphertext compression).
#[derive(Clone, Copy)]
pub(crate) struct Params {
    pub k: usize,
    pub du: usize,
    pub dv: usize,
}

impl Params {
    pub const fn ek_len(self) -> usize {
        384 * self.k + 32
    }
    pub const fn dk_len(self) -> usize {
        768 * self.k + 96
    }
    pub const fn ct_len(self) -> usize {
        32 * (self.du * self.k + self.dv)
    }
}

pub(crate) const P512: Params = Params { k: 2, du: 10, dv: 4 };
pub(crate) const P768: Params = Params { k: 3, du: 10, dv: 4 };
pub(crate) const P1024: Params = Params { k: 4, du: 11, dv: 5 };

/// FIPS 203 §7.2 modulus check: `ByteEncode12(ByteDecode12(t̂)) == t̂`, i.e. every 12-bit value
/// of the first 384k bytes is below q. `ek` is public, so early exit is fine.
pub(crate) fn ek_modulus_ok(p: Params, ek: &[u8]) -> bool {
    ek.len() == p.ek_len()
        && ek[..384 * p.k].chunks_exact(3).all(|b| {
            let (b0, b1, b2) = (u16::from(b[0]), u16::from(b[1]), u16::from(b[2]));
            (b0 | ((b1 & 0x0f) << 8)) < Q && ((b1 >> 4) | (b2 << 4)) < Q
        })
}

/// FIPS 203 §7.3 hash check (constant-time comparison) plus the §7.2 check of the embedded `ek`.
pub(crate) fn dk_ok(p: Params, dk: &[u8]) -> bool {
    if dk.len() != p.dk_len() {
        return false;
    }
    public_part_ok(p, &dk[384 * p.k..768 * p.k + 64])
}

/// Per-thread memory of public key material that passed its checks: a few entries,
/// round-robin, no locks. The checks are pure functions of public bytes (ek for §7.2; ek ‖ H(ek)
/// inside dk for §7.3), so those bytes are what is kept and compared (plain comparison: public
/// data), and using the same key again skips the modulus scan and the SHA3-256 over ek.
struct Passed {
    entries: [Vec<u8>; 4],
    next: usize,
}

thread_local! {
    static EK_PASSED: std::cell::RefCell<Passed> = const { std::cell::RefCell::new(Passed { entries: [const { Vec::new() }; 4], next: 0 }) };
    static DK_PASSED: std::cell::RefCell<Passed> = const { std::cell::RefCell::new(Passed { entries: [const { Vec::new() }; 4], next: 0 }) };
}

/// Whether `public` passed `check` before on this thread; else runs `check` on a private copy
/// of `public` (so the bytes checked are the bytes remembered, whatever the caller's buffer does
/// meanwhile) and remembers the copy if it passes.
fn remembered(memory: &'static std::thread::LocalKey<std::cell::RefCell<Passed>>, public: &[u8], check: impl FnOnce(&[u8]) -> bool) -> bool {
    // `try_with`: during thread teardown the memory may be gone; then just check.
    if memory.try_with(|m| m.borrow().entries.iter().any(|e| e.as_slice() == public)).unwrap_or(false) {
        return true;
    }
    let copy = public.to_vec();
    if !check(&copy) {
        return false;
    }
    let _ = memory.try_with(|m| {
        let mut m = m.borrow_mut();
        let i = m.next;
        m.entries[i] = copy;
        m.next = (i + 1) % m.entries.len();
    });
    true
}

/// [`ek_modulus_ok`], remembered per thread.
pub(crate) fn ek_modulus_ok_cached(p: Params, ek: &[u8]) -> bool {
    ek.len() == p.ek_len() && remembered(&EK_PASSED, ek, |e| ek_modulus_ok(p, e))
}

/// [`dk_ok`], remembered per thread (by the public part of dk, ek ‖ H(ek), which is all the
/// checks read).
pub(crate) fn dk_ok_cached(p: Params, dk: &[u8]) -> bool {
    dk.len() == p.dk_len() && remembered(&DK_PASSED, &dk[384 * p.k..768 * p.k + 64], |public| public_part_ok(p, public))
}

/// The §7.3 hash check and the §7.2 check of the embedded ek, on ek ‖ H(ek).
fn public_part_ok(p: Params, public: &[u8]) -> bool {
    let (ek, h) = public.split_at(384 * p.k + 32);
    ct_equal(&Sha3_256::digest(ek)[..], h) && ek_modulus_ok(p, ek)
}

/// Runs a kernel body, turning a panic into `Status::Panic` (nothing may unwind through the
/// `extern "C"` kernel ABI). Bodies write their outputs last, so a panic leaves them untouched.
pub(crate) fn guard(f: impl FnOnce() -> i32) -> i32 {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| code(Status::Panic))
}

/// # Safety
/// `p` valid for reads of `n` bytes.
unsafe fn input<'a>(p: *const u8, n: usize) -> &'a [u8] {
    // SAFETY: caller contract.
    unsafe { std::slice::from_raw_parts(p, n) }
}

/// # Safety
/// `dst` valid for writes of `src.len()` bytes, not overlapping `src`.
unsafe fn output(dst: *mut u8, src: &[u8]) {
    // SAFETY: caller contract.
    unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), dst, src.len()) };
}

/// The reference kernels on the `ml-kem` crate, one module per parameter set.
macro_rules! rustcrypto_kernel {
    ($modname:ident, $ty:ty, $p:expr, $name:literal) => {
        pub(crate) mod $modname {
            #![allow(deprecated)] // the expanded dk encoding is what FIPS 203 and our API use
            use super::*;
            use ml_kem::array::Array;
            use ml_kem::{Decapsulate, DecapsulationKey, EncapsulationKey, ExpandedKeyEncoding, KeyExport, B32};

            const P: Params = $p;

            pub(crate) unsafe extern "C" fn keypair(seed: *const u8, seed_len: usize, pk: *mut u8, sk: *mut u8) -> i32 {
                guard(|| {
                    // SAFETY: kernel-ABI contract (seed NULL/0 or `seed_len` readable bytes).
                    let s = match unsafe { seed_or_random::<SEED_LEN>(seed, seed_len) } {
                        Ok(s) => s,
                        Err(c) => return c,
                    };
                    let dk = DecapsulationKey::<$ty>::from_seed(Array::from(*s));
                    let ek = dk.encapsulation_key().to_bytes();
                    let mut expanded = dk.to_expanded_bytes();
                    // SAFETY: `pk`/`sk` hold the kernel's ek/dk sizes (caller contract).
                    unsafe {
                        output(pk, &ek[..]);
                        output(sk, &expanded[..]);
                    }
                    expanded.as_mut_slice().zeroize();
                    OK
                })
            }

            pub(crate) unsafe extern "C" fn encaps(pk: *const u8, seed: *const u8, seed_len: usize, ct: *mut u8, ss: *mut u8) -> i32 {
                guard(|| {
                    // SAFETY: `pk` holds the kernel's ek size (caller contract).
                    let ek_bytes = unsafe { input(pk, P.ek_len()) };
                    let Ok(ek_arr) = <&Array<u8, _>>::try_from(ek_bytes) else { return code(Status::Internal) };
                    // `EncapsulationKey::new` performs the FIPS 203 §7.2 modulus check.
                    let Ok(ek) = EncapsulationKey::<$ty>::new(ek_arr) else { return code(Status::InvalidKey) };
                    // SAFETY: kernel-ABI contract.
                    let m = match unsafe { seed_or_random::<ENC_SEED_LEN>(seed, seed_len) } {
                        Ok(m) => m,
                        Err(c) => return c,
                    };
                    let (c, mut k) = ek.encapsulate_deterministic(&B32::from(*m));
                    // SAFETY: `ct`/`ss` hold the kernel's sizes.
                    unsafe {
                        output(ct, &c[..]);
                        output(ss, &k[..]);
                    }
                    k.as_mut_slice().zeroize();
                    OK
                })
            }

            pub(crate) unsafe extern "C" fn decaps(sk: *const u8, ct: *const u8, ss: *mut u8) -> i32 {
                guard(|| {
                    // SAFETY: `sk`/`ct` hold the kernel's dk/ct sizes (caller contract).
                    let (dk_bytes, c_bytes) = unsafe { (input(sk, P.dk_len()), input(ct, P.ct_len())) };
                    let (Ok(dk_arr), Ok(c)) = (<&Array<u8, _>>::try_from(dk_bytes), <&Array<u8, _>>::try_from(c_bytes)) else {
                        return code(Status::Internal);
                    };
                    // `from_expanded` performs the §7.3 hash check and parses the embedded ek
                    // with the §7.2 modulus check.
                    let Ok(dk) = DecapsulationKey::<$ty>::from_expanded(dk_arr) else { return code(Status::InvalidKey) };
                    let mut k = dk.decapsulate(c);
                    // SAFETY: `ss` holds SS_LEN bytes.
                    unsafe { output(ss, &k[..]) };
                    k.as_mut_slice().zeroize();
                    OK
                })
            }

            static DESC: KernelDesc = KernelDesc { name: $name.as_ptr(), requires: 0, constant_time: true, priority: 0 };

            pub(crate) const KERNEL: KemKernel = KemKernel {
                desc: &DESC,
                pk_len: P.ek_len(),
                sk_len: P.dk_len(),
                ct_len: P.ct_len(),
                ss_len: SS_LEN,
                seed_len: SEED_LEN,
                enc_seed_len: ENC_SEED_LEN,
                caps: CAP_SEEDED_KEYPAIR | CAP_SEEDED_ENCAPS,
                keypair,
                encaps,
                decaps,
            };
        }
    };
}

rustcrypto_kernel!(rc512, ml_kem::MlKem512, P512, c"ml-kem-512/rustcrypto");
rustcrypto_kernel!(rc768, ml_kem::MlKem768, P768, c"ml-kem-768/rustcrypto");
rustcrypto_kernel!(rc1024, ml_kem::MlKem1024, P1024, c"ml-kem-1024/rustcrypto");

/// The PQClean AVX2 kernels (`pqcrypto-mlkem` compiles them only for x86-64 outside Windows and
/// macOS, see its build script).
#[cfg(all(target_arch = "x86_64", not(target_os = "windows"), not(target_os = "macos")))]
macro_rules! pqclean_kernel {
    ($modname:ident, $p:expr, $name:literal, $kp:ident, $enc:ident, $dec:ident, $kpd:ident, $encd:ident) => {
        pub(crate) mod $modname {
            use super::*;
            use crate::cpu::bits as feature;
            use pqcrypto_mlkem::ffi;

            // PQClean's derandomized entry points: compiled into `pqcrypto-mlkem`'s static library
            // (same object as the randomized ones) but not declared by its `ffi` module.
            // `coins` = d‖z (64 bytes) for key generation, m (32 bytes) for encapsulation.
            unsafe extern "C" {
                fn $kpd(pk: *mut u8, sk: *mut u8, coins: *const u8) -> std::ffi::c_int;
                fn $encd(ct: *mut u8, ss: *mut u8, pk: *const u8, coins: *const u8) -> std::ffi::c_int;
            }

            const P: Params = $p;
            const EK: usize = P.ek_len();
            const DK: usize = P.dk_len();
            const CT: usize = P.ct_len();

            pub(crate) unsafe extern "C" fn keypair(seed: *const u8, seed_len: usize, pk: *mut u8, sk: *mut u8) -> i32 {
                let seeded = !seed.is_null() && seed_len != 0;
                if seeded && seed_len != SEED_LEN {
                    return code(Status::InvalidLength);
                }
                guard(|| {
                    // `e` is the public key; only `d` needs wiping.
                    let (mut e, mut d) = ([0u8; EK], crate::secure::ct::Wiped::<DK>::new());
                    // SAFETY: local buffers of exactly the sizes PQClean writes; when seeded,
                    // `seed` holds SEED_LEN (64) readable bytes.
                    let rc = unsafe {
                        if seeded {
                            $kpd(e.as_mut_ptr(), d.0.as_mut_ptr(), seed)
                        } else {
                            ffi::$kp(e.as_mut_ptr(), d.0.as_mut_ptr())
                        }
                    };
                    if rc != 0 {
                        return code(Status::Internal);
                    }
                    // SAFETY: `pk`/`sk` hold EK/DK bytes (caller contract).
                    unsafe {
                        output(pk, &e);
                        output(sk, &d.0);
                    }
                    OK
                })
            }

            pub(crate) unsafe extern "C" fn encaps(pk: *const u8, seed: *const u8, seed_len: usize, ct: *mut u8, ss: *mut u8) -> i32 {
                let seeded = !seed.is_null() && seed_len != 0;
                if seeded && seed_len != ENC_SEED_LEN {
                    return code(Status::InvalidLength);
                }
                guard(|| {
                    // SAFETY: `pk` holds EK bytes (caller contract).
                    let ek = unsafe { input(pk, EK) };
                    if !ek_modulus_ok_cached(P, ek) {
                        return code(Status::InvalidKey);
                    }
                    let (mut c, mut k) = ([0u8; CT], crate::secure::ct::Wiped::<SS_LEN>::new());
                    // SAFETY: local outputs of the sizes PQClean writes; `ek` has EK bytes; when
                    // seeded, `seed` holds ENC_SEED_LEN (32) readable bytes.
                    let rc = unsafe {
                        if seeded {
                            $encd(c.as_mut_ptr(), k.0.as_mut_ptr(), ek.as_ptr(), seed)
                        } else {
                            ffi::$enc(c.as_mut_ptr(), k.0.as_mut_ptr(), ek.as_ptr())
                        }
                    };
                    if rc != 0 {
                        return code(Status::Internal);
                    }
                    // SAFETY: `ct`/`ss` hold CT/SS_LEN bytes.
                    unsafe {
                        output(ct, &c);
                        output(ss, &k.0);
                    }
                    OK
                })
            }

            pub(crate) unsafe extern "C" fn decaps(sk: *const u8, ct: *const u8, ss: *mut u8) -> i32 {
                guard(|| {
                    // SAFETY: `sk` holds DK bytes (caller contract).
                    if !dk_ok_cached(P, unsafe { input(sk, DK) }) {
                        return code(Status::InvalidKey);
                    }
                    // SAFETY: caller contract, and the key has just passed its checks.
                    unsafe { decaps_prechecked(sk, ct, ss) }
                })
            }

            /// Decapsulation under a key that already passed [`dk_ok`] (a `kem::DecapsulationKey`
            /// checks once on import).
            ///
            /// # Safety
            /// `sk`/`ct` valid for DK/CT bytes, `ss` for SS_LEN; `sk` passed `dk_ok`.
            pub(crate) unsafe fn decaps_prechecked(sk: *const u8, ct: *const u8, ss: *mut u8) -> i32 {
                guard(|| {
                    // SAFETY: `sk`/`ct` hold DK/CT bytes (caller contract).
                    let (dk, c) = unsafe { (input(sk, DK), input(ct, CT)) };
                    let mut k = crate::secure::ct::Wiped::<SS_LEN>::new();
                    // SAFETY: `dk`/`c` have DK/CT bytes; `k` has SS_LEN.
                    if unsafe { ffi::$dec(k.0.as_mut_ptr(), c.as_ptr(), dk.as_ptr()) } != 0 {
                        return code(Status::Internal);
                    }
                    // SAFETY: `ss` holds SS_LEN bytes.
                    unsafe { output(ss, &k.0) };
                    OK
                })
            }

            pub(crate) static DESC: KernelDesc = KernelDesc { name: $name.as_ptr(), requires: feature::AVX2 | feature::BMI2, constant_time: true, priority: 10 };

            pub(crate) const KERNEL: KemKernel = KemKernel {
                desc: &DESC,
                pk_len: EK,
                sk_len: DK,
                ct_len: CT,
                ss_len: SS_LEN,
                seed_len: SEED_LEN,
                enc_seed_len: ENC_SEED_LEN,
                caps: CAP_SEEDED_KEYPAIR | CAP_SEEDED_ENCAPS,
                keypair,
                encaps,
                decaps,
            };
        }
    };
}

#[cfg(all(target_arch = "x86_64", not(target_os = "windows"), not(target_os = "macos")))]
mod avx2 {
    use super::*;
    pqclean_kernel!(k512, P512, c"ml-kem-512/pqclean-avx2", PQCLEAN_MLKEM512_AVX2_crypto_kem_keypair, PQCLEAN_MLKEM512_AVX2_crypto_kem_enc, PQCLEAN_MLKEM512_AVX2_crypto_kem_dec, PQCLEAN_MLKEM512_AVX2_crypto_kem_keypair_derand, PQCLEAN_MLKEM512_AVX2_crypto_kem_enc_derand);
    pqclean_kernel!(k768, P768, c"ml-kem-768/pqclean-avx2", PQCLEAN_MLKEM768_AVX2_crypto_kem_keypair, PQCLEAN_MLKEM768_AVX2_crypto_kem_enc, PQCLEAN_MLKEM768_AVX2_crypto_kem_dec, PQCLEAN_MLKEM768_AVX2_crypto_kem_keypair_derand, PQCLEAN_MLKEM768_AVX2_crypto_kem_enc_derand);
    pqclean_kernel!(k1024, P1024, c"ml-kem-1024/pqclean-avx2", PQCLEAN_MLKEM1024_AVX2_crypto_kem_keypair, PQCLEAN_MLKEM1024_AVX2_crypto_kem_enc, PQCLEAN_MLKEM1024_AVX2_crypto_kem_dec, PQCLEAN_MLKEM1024_AVX2_crypto_kem_keypair_derand, PQCLEAN_MLKEM1024_AVX2_crypto_kem_enc_derand);
}

#[cfg(all(target_arch = "x86_64", not(target_os = "windows"), not(target_os = "macos")))]
mod lists {
    use super::*;
    pub static ML_KEM_512: [KemKernel; 2] = [rc512::KERNEL, avx2::k512::KERNEL];
    pub static ML_KEM_768: [KemKernel; 2] = [rc768::KERNEL, avx2::k768::KERNEL];
    pub static ML_KEM_1024: [KemKernel; 2] = [rc1024::KERNEL, avx2::k1024::KERNEL];
}

#[cfg(not(all(target_arch = "x86_64", not(target_os = "windows"), not(target_os = "macos"))))]
mod lists {
    use super::*;
    pub static ML_KEM_512: [KemKernel; 1] = [rc512::KERNEL];
    pub static ML_KEM_768: [KemKernel; 1] = [rc768::KERNEL];
    pub static ML_KEM_1024: [KemKernel; 1] = [rc1024::KERNEL];
}

/// Candidates per parameter set (first = portable reference).
pub use lists::{ML_KEM_1024, ML_KEM_512, ML_KEM_768};

/// The parameter set of an ML-KEM algorithm.
pub(crate) fn params(alg: crate::Alg) -> Option<Params> {
    match alg {
        crate::Alg::MlKem512 => Some(P512),
        crate::Alg::MlKem768 => Some(P768),
        crate::Alg::MlKem1024 => Some(P1024),
        _ => None,
    }
}

/// Decapsulation that skips the key checks, for a key that passed [`dk_ok`] once.
///
/// # Safety
/// As the kernel's decapsulation, and the key passed `dk_ok` for the kernel's parameter set.
pub(crate) type PrecheckedDecaps = unsafe fn(sk: *const u8, ct: *const u8, ss: *mut u8) -> i32;

/// The check-free decapsulation of the built-in kernel `desc` names, if it has one (PQClean's
/// does; the RustCrypto kernel parses and checks the key inside the crate on every call).
pub(crate) fn prechecked_decaps(desc: &KernelDesc) -> Option<PrecheckedDecaps> {
    #[cfg(all(target_arch = "x86_64", not(target_os = "windows"), not(target_os = "macos")))]
    {
        let ours: [(&KernelDesc, PrecheckedDecaps); 3] =
            [(&avx2::k512::DESC, avx2::k512::decaps_prechecked), (&avx2::k768::DESC, avx2::k768::decaps_prechecked), (&avx2::k1024::DESC, avx2::k1024::decaps_prechecked)];
        if let Some((_, f)) = ours.iter().find(|(d, _)| std::ptr::eq(*d, desc)) {
            return Some(*f);
        }
    }
    let _ = desc;
    None
}
