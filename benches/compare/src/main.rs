//! `compare`: xpscrypto against its peers, in one run.
//!
//! For every operation and message size it measures xpscrypto through the Rust API (reusable key
//! handles where the API has them), xpscrypto through the C ABI (the `extern "C"` exports of the
//! `xpscrypto` rlib, called through an opaque function pointer like a C caller would), and every
//! peer that implements the algorithm: OpenSSL (system libcrypto through the `openssl` crate), ring,
//! the RustCrypto crates, and aws-lc-rs (feature `aws-lc`). Output is markdown.
//!
//! Method: each cell (implementation × size) is calibrated to a batch of ~`cell/batches` time,
//! then the batches of all implementations of a size run round-robin (so a load spike on this
//! shared machine hits every column alike) and the median batch is reported. A `~` marks a cell
//! whose interquartile spread exceeds 10% of its median (noisy; rerun with `--only`). Before timing,
//! every implementation's first output is compared with ours (`MISMATCH` if they differ).
//!
//! Conventions: MB/s = 10^6 bytes per second of message. AEAD seal runs in place (the one mode
//! every library has) with a 13-byte AAD; open runs out of place, except ring/aws-lc-rs, which only
//! open in place and so pay a copy of the sealed input per call (marked in the table). Hashes and
//! HMAC are one-shot calls (HMAC: key given per call, for every library). The nonce is fixed: this is
//! a benchmark, never do that with real data.

#![allow(clippy::type_complexity)]

mod pk;

use std::hint::black_box;
use std::time::{Duration, Instant};
use xpscrypto::{xps_aead_key, xps_status};
use xpscrypto_core::aead::{self, AeadKey, TAG_LEN};
use xpscrypto_core::dispatch::{self, AeadSchedule, Candidate, HASH_MODE_PLAIN};
use xpscrypto_core::kdf::{self, Argon2idParams};
use xpscrypto_core::{hash, hazmat, mac, Alg};

/// First 16 bytes of an implementation's result (compared across implementations; also keeps
/// the optimizer from discarding the work).
type Fp = [u8; 16];
type RunFn = Box<dyn FnMut() -> Fp>;

fn fp(b: &[u8]) -> Fp {
    let mut o = [0u8; 16];
    let n = b.len().min(16);
    o[..n].copy_from_slice(&b[..n]);
    o
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Ours,
    OursC,
    /// A peer; `wrapped` marks the RustCrypto crate built from the same primitives we use.
    Peer { wrapped: bool },
}

struct Imp {
    col: String,
    kind: Kind,
    f: RunFn,
}

fn imp(col: &str, kind: Kind, f: impl FnMut() -> Fp + 'static) -> Imp {
    Imp { col: col.to_string(), kind, f: Box::new(f) }
}

const PEER: Kind = Kind::Peer { wrapped: false };
const WRAPPED: Kind = Kind::Peer { wrapped: true };

// ---------------------------------------------------------------------------------------------
// Configuration and measurement
// ---------------------------------------------------------------------------------------------

struct Cfg {
    cell: Duration,
    batches: usize,
    kdf_runs: usize,
    kernels: bool,
    only: Vec<String>,
    sizes: Vec<usize>,
}

fn usage() -> ! {
    eprintln!(
        "usage: compare [--quick] [--kernels] [--only SUBSTR[,SUBSTR..]] [--cell-ms N] [--batches N] [--sizes 64,1024,..]\n\
         \n  --quick      ~40 ms per cell, 5 batches (default ~200 ms, 9 batches)\n\
         \n  --kernels    also measure every available candidate kernel of each op (portable vs accelerated)\n\
         \n  --only S     run only ops whose id contains S (ids: aes128-seal aes256-seal aes256-open chacha-seal\n\
         \x20              xchacha-seal sha256 sha512 sha3-256 blake3 hmac-sha256 pbkdf2 argon2id c-floor)"
    );
    std::process::exit(2)
}

fn parse_args() -> Cfg {
    let mut cfg = Cfg {
        cell: Duration::from_millis(200),
        batches: 9,
        kdf_runs: 7,
        kernels: false,
        only: Vec::new(),
        sizes: vec![64, 1024, 16 * 1024, 1 << 20],
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--quick" => {
                cfg.cell = Duration::from_millis(40);
                cfg.batches = 5;
                cfg.kdf_runs = 3;
            }
            "--kernels" => cfg.kernels = true,
            "--only" => cfg.only.extend(args.next().unwrap_or_else(|| usage()).split(',').map(str::to_string)),
            "--cell-ms" => cfg.cell = Duration::from_millis(args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| usage())),
            "--batches" => cfg.batches = args.next().and_then(|v| v.parse().ok()).filter(|b: &usize| *b >= 1).unwrap_or_else(|| usage()),
            "--sizes" => {
                cfg.sizes = args
                    .next()
                    .unwrap_or_else(|| usage())
                    .split(',')
                    .map(|s| s.parse().unwrap_or_else(|_| usage()))
                    .collect()
            }
            "-h" | "--help" => usage(),
            other => {
                eprintln!("unknown argument {other:?}");
                usage()
            }
        }
    }
    cfg
}

impl Cfg {
    fn wants(&self, id: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|o| id.contains(o.as_str()))
    }
}

/// Median ns per call and relative interquartile spread over the batches.
#[derive(Clone, Copy)]
struct Stat {
    ns: f64,
    spread: f64,
}

fn time_n(f: &mut RunFn, n: u64) -> Duration {
    let t = Instant::now();
    for _ in 0..n {
        black_box(f());
    }
    t.elapsed()
}

/// Calibrates each implementation to `batch` per batch, then runs the batches round-robin.
fn measure(imps: &mut [Imp], batch: Duration, batches: usize) -> Vec<Stat> {
    let iters: Vec<u64> = imps
        .iter_mut()
        .map(|imp| {
            let mut n = 1u64;
            loop {
                let t = time_n(&mut imp.f, n);
                if t >= batch / 10 || n >= 1 << 32 {
                    let per = t.as_nanos().max(1) as f64 / n as f64;
                    break ((batch.as_nanos() as f64 / per).round() as u64).max(1);
                }
                n *= if t < batch / 1000 { 8 } else { 2 };
            }
        })
        .collect();
    let mut samples = vec![Vec::with_capacity(batches); imps.len()];
    for _ in 0..batches {
        for (i, imp) in imps.iter_mut().enumerate() {
            let t = time_n(&mut imp.f, iters[i]);
            samples[i].push(t.as_nanos() as f64 / iters[i] as f64);
        }
    }
    samples
        .into_iter()
        .map(|mut s| {
            s.sort_by(|a, b| a.total_cmp(b));
            let n = s.len();
            let med = if n % 2 == 1 { s[n / 2] } else { (s[n / 2 - 1] + s[n / 2]) / 2.0 };
            let (q1, q3) = (s[n / 4], s[(3 * n) / 4].min(s[n - 1]));
            Stat { ns: med, spread: if med > 0.0 { (q3 - q1) / med } else { 0.0 } }
        })
        .collect()
}

/// Calls every implementation once and compares its first output with the first column's.
fn cross_check(title: &str, size: usize, imps: &mut [Imp]) -> Vec<bool> {
    let outs: Vec<Fp> = imps.iter_mut().map(|i| (i.f)()).collect();
    outs.iter()
        .zip(imps.iter())
        .map(|(o, i)| {
            let ok = *o == outs[0];
            if !ok {
                eprintln!("WARNING: {title} @ {size} B: {} disagrees with {} — its numbers are not comparable", i.col, imps[0].col);
            }
            ok
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

fn size_label(n: usize) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1024 && n.is_multiple_of(1024) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} B")
    }
}

fn mbps(size: usize, ns: f64) -> f64 {
    size as f64 / ns * 1e3
}

fn fmt_rate(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn noise(s: &Stat) -> &'static str {
    if s.spread > 0.10 {
        " ~"
    } else {
        ""
    }
}

fn fmt_ms(ns: f64) -> String {
    let ms = ns / 1e6;
    if ms >= 100.0 {
        format!("{ms:.0}")
    } else if ms >= 10.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.2}")
    }
}

// ---------------------------------------------------------------------------------------------
// Test data
// ---------------------------------------------------------------------------------------------

fn pattern(n: usize, seed: u8) -> Vec<u8> {
    (0..n).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

const AAD: [u8; 13] = *b"bench-aad-13b";

fn aead_key(alg: Alg) -> Vec<u8> {
    pattern(aead::key_len(alg).unwrap(), 0x5a)
}

fn aead_nonce(alg: Alg) -> Vec<u8> {
    pattern(aead::nonce_len(alg).unwrap(), 0xa5)
}

fn nonce12(n: &[u8]) -> [u8; 12] {
    n.try_into().expect("12-byte nonce")
}

// ---------------------------------------------------------------------------------------------
// xpscrypto through the C ABI
// ---------------------------------------------------------------------------------------------

/// The C exports, taken as opaque function pointers so the optimizer cannot inline them across
/// the boundary (a C program calls them through the PLT of libxpscrypto.so).
mod c_abi {
    use super::*;
    pub type AeadKeySeal =
        unsafe extern "C" fn(*const xps_aead_key, *const u8, usize, *const u8, usize, *const u8, usize, *mut u8, usize, *mut usize) -> xps_status;
    pub type Hash = unsafe extern "C" fn(u32, *const u8, usize, *mut u8, usize, *mut usize) -> xps_status;
    pub type Hmac = unsafe extern "C" fn(u32, *const u8, usize, *const u8, usize, *mut u8, usize, *mut usize) -> xps_status;
    pub type Pbkdf2 = unsafe extern "C" fn(u32, *const u8, usize, *const u8, usize, u32, *mut u8, usize) -> xps_status;
    pub type Argon2id = unsafe extern "C" fn(*const u8, usize, *const u8, usize, u32, u32, u32, *mut u8, usize) -> xps_status;

    pub fn key_seal() -> AeadKeySeal {
        black_box(xpscrypto::xps_aead_key_seal as AeadKeySeal)
    }
    pub fn key_open() -> AeadKeySeal {
        black_box(xpscrypto::xps_aead_key_open as AeadKeySeal)
    }
    pub fn hash() -> Hash {
        black_box(xpscrypto::xps_hash as Hash)
    }
    pub fn hmac() -> Hmac {
        black_box(xpscrypto::xps_hmac as Hmac)
    }
    pub fn pbkdf2() -> Pbkdf2 {
        black_box(xpscrypto::xps_pbkdf2 as Pbkdf2)
    }
    pub fn argon2id() -> Argon2id {
        black_box(xpscrypto::xps_argon2id as Argon2id)
    }

    /// An `xps_aead_key*` freed on drop.
    pub struct Key(pub *mut xps_aead_key);
    impl Key {
        pub fn new(alg: Alg, key: &[u8]) -> Key {
            let mut h = std::ptr::null_mut();
            // SAFETY: valid key slice and out-pointer.
            let rc = unsafe { xpscrypto::xps_aead_key_new(alg.id(), key.as_ptr(), key.len(), &mut h) };
            assert_eq!(rc, 0, "xps_aead_key_new failed");
            Key(h)
        }
        /// The raw handle. A method (not `.0`) so closures capture the whole `Key` — and so keep
        /// it alive — rather than copying the pointer out of it (edition-2021 disjoint capture).
        pub fn ptr(&self) -> *const xps_aead_key {
            self.0
        }
    }
    impl Drop for Key {
        fn drop(&mut self) {
            // SAFETY: a handle from xps_aead_key_new, freed once.
            unsafe { xpscrypto::xps_aead_key_free(self.0) }
        }
    }

    pub fn check(rc: xps_status, what: &str) {
        if rc != 0 {
            panic!("{what} failed with status {rc}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// ring and aws-lc-rs (same API)
// ---------------------------------------------------------------------------------------------

macro_rules! ring_like {
    ($m:ident, $krate:ident, $label:expr, sha3_256: $sha3:expr) => {
        mod $m {
            use super::*;
            use $krate::{aead as ra, digest, hmac as rh, pbkdf2 as rp};

            fn alg_of(alg: Alg) -> Option<&'static ra::Algorithm> {
                match alg {
                    Alg::Aes128Gcm => Some(&ra::AES_128_GCM),
                    Alg::Aes256Gcm => Some(&ra::AES_256_GCM),
                    Alg::ChaCha20Poly1305 => Some(&ra::CHACHA20_POLY1305),
                    _ => None,
                }
            }

            pub fn seal(alg: Alg, size: usize) -> Option<Imp> {
                let k = ra::LessSafeKey::new(ra::UnboundKey::new(alg_of(alg)?, &aead_key(alg)).ok()?);
                let n = nonce12(&aead_nonce(alg));
                let mut buf = pattern(size, 1);
                Some(imp($label, PEER, move || {
                    let tag = k
                        .seal_in_place_separate_tag(ra::Nonce::assume_unique_for_key(n), ra::Aad::from(&AAD[..]), &mut buf)
                        .expect("seal");
                    fp(tag.as_ref())
                }))
            }

            /// Open in place (the only way these libraries open): the sealed input is copied
            /// into the work buffer first.
            pub fn open(alg: Alg, sealed: &[u8]) -> Option<Imp> {
                let k = ra::LessSafeKey::new(ra::UnboundKey::new(alg_of(alg)?, &aead_key(alg)).ok()?);
                let n = nonce12(&aead_nonce(alg));
                let sealed = sealed.to_vec();
                let mut work = sealed.clone();
                Some(imp(concat!($label, " (+copy)"), PEER, move || {
                    work.copy_from_slice(&sealed);
                    let pt = k.open_in_place(ra::Nonce::assume_unique_for_key(n), ra::Aad::from(&AAD[..]), &mut work).expect("open");
                    fp(pt)
                }))
            }

            pub fn hash(alg: Alg, size: usize) -> Option<Imp> {
                let sha3: Option<&'static digest::Algorithm> = $sha3;
                let d: &'static digest::Algorithm = match alg {
                    Alg::Sha256 => &digest::SHA256,
                    Alg::Sha512 => &digest::SHA512,
                    Alg::Sha3_256 => sha3?,
                    _ => return None,
                };
                let data = pattern(size, 2);
                Some(imp($label, PEER, move || fp(digest::digest(d, &data).as_ref())))
            }

            pub fn hmac(size: usize) -> Imp {
                let key = pattern(32, 3);
                let data = pattern(size, 2);
                imp($label, PEER, move || fp(rh::sign(&rh::Key::new(rh::HMAC_SHA256, &key), &data).as_ref()))
            }

            pub fn pbkdf2(pwd: &'static [u8], salt: &'static [u8], iters: u32) -> Imp {
                let it = std::num::NonZeroU32::new(iters).unwrap();
                imp($label, PEER, move || {
                    let mut out = [0u8; 32];
                    rp::derive(rp::PBKDF2_HMAC_SHA256, it, salt, pwd, &mut out);
                    fp(&out)
                })
            }
        }
    };
}

ring_like!(ring_peer, ring, "ring", sha3_256: None);
#[cfg(feature = "aws-lc")]
ring_like!(awslc_peer, aws_lc_rs, "aws-lc-rs", sha3_256: Some(&aws_lc_rs::digest::SHA3_256));

// ---------------------------------------------------------------------------------------------
// OpenSSL
// ---------------------------------------------------------------------------------------------

#[cfg(feature = "openssl")]
mod ossl {
    use super::*;
    use openssl::cipher::{Cipher, CipherRef};
    use openssl::cipher_ctx::CipherCtx;
    use openssl::hash::MessageDigest;
    use openssl::symm;

    fn cipher(alg: Alg) -> Option<(&'static CipherRef, symm::Cipher)> {
        match alg {
            Alg::Aes128Gcm => Some((Cipher::aes_128_gcm(), symm::Cipher::aes_128_gcm())),
            Alg::Aes256Gcm => Some((Cipher::aes_256_gcm(), symm::Cipher::aes_256_gcm())),
            Alg::ChaCha20Poly1305 => Some((Cipher::chacha20_poly1305(), symm::Cipher::chacha20_poly1305())),
            _ => None,
        }
    }

    /// EVP with the key set once on a reusable context (only the nonce changes per call) — the
    /// equivalent of a key handle — plus `openssl::symm::encrypt_aead`, which sets up a fresh
    /// context and key schedule and allocates its output on every call.
    pub fn seal(alg: Alg, size: usize) -> Vec<Imp> {
        let Some((c, sc)) = cipher(alg) else { return vec![] };
        let (key, nonce) = (aead_key(alg), aead_nonce(alg));
        let mut ctx = CipherCtx::new().unwrap();
        ctx.encrypt_init(Some(c), Some(&key), None).unwrap();
        let mut buf = pattern(size, 1);
        let n2 = nonce.clone();
        let reuse = imp("OpenSSL", PEER, move || {
            ctx.encrypt_init(None, None, Some(&n2)).unwrap();
            ctx.cipher_update(&AAD, None).unwrap();
            ctx.cipher_update_inplace(&mut buf, size).unwrap();
            ctx.cipher_final(&mut []).unwrap();
            let mut tag = [0u8; 16];
            ctx.tag(&mut tag).unwrap();
            fp(&tag)
        });
        let pt = pattern(size, 1);
        let oneshot = imp("OpenSSL symm one-shot", PEER, move || {
            let mut tag = [0u8; 16];
            let ct = symm::encrypt_aead(sc, &key, Some(&nonce), &AAD, &pt, &mut tag).unwrap();
            black_box(ct);
            fp(&tag)
        });
        vec![reuse, oneshot]
    }

    pub fn open(alg: Alg, sealed: &[u8]) -> Vec<Imp> {
        let Some((c, sc)) = cipher(alg) else { return vec![] };
        let (key, nonce) = (aead_key(alg), aead_nonce(alg));
        let n = sealed.len() - TAG_LEN;
        let mut ctx = CipherCtx::new().unwrap();
        ctx.decrypt_init(Some(c), Some(&key), None).unwrap();
        let s1 = sealed.to_vec();
        let mut out = vec![0u8; n];
        let n2 = nonce.clone();
        let reuse = imp("OpenSSL", PEER, move || {
            ctx.decrypt_init(None, None, Some(&n2)).unwrap();
            ctx.cipher_update(&AAD, None).unwrap();
            ctx.cipher_update(&s1[..n], Some(&mut out)).unwrap();
            ctx.set_tag(&s1[n..]).unwrap();
            ctx.cipher_final(&mut []).expect("authentication");
            fp(&out)
        });
        let s2 = sealed.to_vec();
        let oneshot = imp("OpenSSL symm one-shot", PEER, move || {
            let pt = symm::decrypt_aead(sc, &key, Some(&nonce), &AAD, &s2[..n], &s2[n..]).expect("authentication");
            fp(&pt)
        });
        vec![reuse, oneshot]
    }

    pub fn hash(alg: Alg, size: usize) -> Option<Imp> {
        let md = match alg {
            Alg::Sha256 => MessageDigest::sha256(),
            Alg::Sha512 => MessageDigest::sha512(),
            Alg::Sha3_256 => MessageDigest::sha3_256(),
            _ => return None,
        };
        let data = pattern(size, 2);
        Some(imp("OpenSSL", PEER, move || fp(&openssl::hash::hash(md, &data).unwrap())))
    }

    extern "C" {
        /// libcrypto's one-shot HMAC (not wrapped by the `openssl` crate; libcrypto is linked
        /// through openssl-sys).
        fn HMAC(evp_md: *const openssl_sys::EVP_MD, key: *const std::ffi::c_void, key_len: i32, d: *const u8, n: usize, md: *mut u8, md_len: *mut u32) -> *mut u8;
    }

    pub fn hmac(size: usize) -> Imp {
        let key = pattern(32, 3);
        let data = pattern(size, 2);
        let md = MessageDigest::sha256();
        imp("OpenSSL", PEER, move || {
            let mut out = [0u8; 32];
            let mut len = 0u32;
            // SAFETY: valid digest, key/data slices and a 32-byte output for SHA-256.
            let r = unsafe { HMAC(md.as_ptr(), key.as_ptr().cast(), key.len() as i32, data.as_ptr(), data.len(), out.as_mut_ptr(), &mut len) };
            assert!(!r.is_null() && len == 32, "HMAC failed");
            fp(&out)
        })
    }

    pub fn pbkdf2(pwd: &'static [u8], salt: &'static [u8], iters: u32) -> Imp {
        imp("OpenSSL", PEER, move || {
            let mut out = [0u8; 32];
            openssl::pkcs5::pbkdf2_hmac(pwd, salt, iters as usize, MessageDigest::sha256(), &mut out).unwrap();
            fp(&out)
        })
    }
}

// ---------------------------------------------------------------------------------------------
// RustCrypto
// ---------------------------------------------------------------------------------------------

mod rustcrypto {
    use super::*;
    use aes_gcm::aead::inout::InOutBuf;
    use aes_gcm::aead::{AeadInOut, KeyInit, Nonce, Tag};

    pub fn seal<A: AeadInOut + KeyInit + 'static>(col: &str, alg: Alg, size: usize) -> Imp {
        let c = A::new_from_slice(&aead_key(alg)).unwrap();
        let n = Nonce::<A>::try_from(&aead_nonce(alg)[..]).unwrap();
        let mut buf = pattern(size, 1);
        imp(col, WRAPPED, move || {
            let tag = c.encrypt_inout_detached(&n, &AAD, InOutBuf::from(&mut buf[..])).unwrap();
            fp(&tag)
        })
    }

    pub fn open<A: AeadInOut + KeyInit + 'static>(col: &str, alg: Alg, sealed: &[u8]) -> Imp {
        let c = A::new_from_slice(&aead_key(alg)).unwrap();
        let n = Nonce::<A>::try_from(&aead_nonce(alg)[..]).unwrap();
        let sealed = sealed.to_vec();
        let len = sealed.len() - TAG_LEN;
        let mut out = vec![0u8; len];
        imp(col, WRAPPED, move || {
            let tag = Tag::<A>::try_from(&sealed[len..]).unwrap();
            c.decrypt_inout_detached(&n, &AAD, InOutBuf::new(&sealed[..len], &mut out).unwrap(), &tag).expect("authentication");
            fp(&out)
        })
    }

    pub fn hash(alg: Alg, size: usize) -> Option<Imp> {
        use sha2::Digest;
        let data = pattern(size, 2);
        Some(match alg {
            Alg::Sha256 => imp("sha2", WRAPPED, move || fp(&sha2::Sha256::digest(&data))),
            Alg::Sha512 => imp("sha2", WRAPPED, move || fp(&sha2::Sha512::digest(&data))),
            Alg::Sha3_256 => imp("sha3", WRAPPED, move || fp(&sha3::Sha3_256::digest(&data))),
            Alg::Blake3 => imp("blake3", WRAPPED, move || fp(blake3::hash(&data).as_bytes())),
            _ => return None,
        })
    }

    pub fn hmac(size: usize) -> Imp {
        use hmac::{KeyInit, Mac};
        let key = pattern(32, 3);
        let data = pattern(size, 2);
        imp("hmac", WRAPPED, move || {
            let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
            m.update(&data);
            fp(&m.finalize().into_bytes())
        })
    }

    pub fn pbkdf2(pwd: &'static [u8], salt: &'static [u8], iters: u32) -> Imp {
        imp("pbkdf2", WRAPPED, move || {
            let mut out = [0u8; 32];
            pbkdf2::pbkdf2_hmac::<sha2::Sha256>(pwd, salt, iters, &mut out);
            fp(&out)
        })
    }

    pub fn argon2id(pwd: &'static [u8], salt: &'static [u8], p: Argon2idParams) -> Imp {
        let params = argon2::Params::new(p.m_cost_kib, p.t_cost, p.parallelism, Some(32)).unwrap();
        let a = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        imp("argon2", WRAPPED, move || {
            let mut out = [0u8; 32];
            a.hash_password_into(pwd, salt, &mut out).unwrap();
            fp(&out)
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

fn ours_seal(alg: Alg, size: usize) -> Vec<Imp> {
    let (key, nonce) = (aead_key(alg), aead_nonce(alg));
    let k = AeadKey::new(alg, &key).unwrap();
    let n1 = nonce.clone();
    let mut buf = pattern(size, 1);
    buf.resize(size + TAG_LEN, 0);
    let rust = imp("ours", Kind::Ours, move || {
        let (m, t) = buf.split_at_mut(size);
        let tag = k.seal_in_place(&n1, &AAD, m).unwrap();
        t.copy_from_slice(&tag);
        fp(t)
    });
    let h = c_abi::Key::new(alg, &key);
    let seal = c_abi::key_seal();
    let mut cbuf = pattern(size, 1);
    cbuf.resize(size + TAG_LEN, 0);
    let c = imp("ours C-ABI", Kind::OursC, move || {
        let p = cbuf.as_mut_ptr();
        let mut len = 0usize;
        // SAFETY: live handle; `p` holds size + 16 bytes; in place (out == pt) is allowed.
        let rc = unsafe { seal(h.ptr(), nonce.as_ptr(), nonce.len(), AAD.as_ptr(), AAD.len(), p, size, p, size + TAG_LEN, &mut len) };
        c_abi::check(rc, "xps_aead_key_seal");
        fp(&cbuf[size..])
    });
    vec![rust, c]
}

fn ours_open(alg: Alg, sealed: &[u8]) -> Vec<Imp> {
    let (key, nonce) = (aead_key(alg), aead_nonce(alg));
    let n = sealed.len() - TAG_LEN;
    let k = AeadKey::new(alg, &key).unwrap();
    let (s1, n1) = (sealed.to_vec(), nonce.clone());
    let mut out = vec![0u8; n];
    let rust = imp("ours", Kind::Ours, move || {
        k.open(&n1, &AAD, &s1, &mut out).expect("authentication");
        fp(&out)
    });
    let h = c_abi::Key::new(alg, &key);
    let open = c_abi::key_open();
    let s2 = sealed.to_vec();
    let mut cout = vec![0u8; n];
    let c = imp("ours C-ABI", Kind::OursC, move || {
        let mut len = 0usize;
        // SAFETY: live handle; disjoint input (n + 16 bytes) and output (n bytes).
        let rc = unsafe { open(h.ptr(), nonce.as_ptr(), nonce.len(), AAD.as_ptr(), AAD.len(), s2.as_ptr(), s2.len(), cout.as_mut_ptr(), n, &mut len) };
        c_abi::check(rc, "xps_aead_key_open");
        fp(&cout)
    });
    vec![rust, c]
}

fn seal_imps(alg: Alg, size: usize) -> Vec<Imp> {
    let mut v = ours_seal(alg, size);
    #[cfg(feature = "openssl")]
    v.extend(ossl::seal(alg, size));
    v.extend(ring_peer::seal(alg, size));
    #[cfg(feature = "aws-lc")]
    v.extend(awslc_peer::seal(alg, size));
    v.push(match alg {
        Alg::Aes128Gcm => rustcrypto::seal::<aes_gcm::Aes128Gcm>("aes-gcm", alg, size),
        Alg::Aes256Gcm => rustcrypto::seal::<aes_gcm::Aes256Gcm>("aes-gcm", alg, size),
        Alg::ChaCha20Poly1305 => rustcrypto::seal::<chacha20poly1305::ChaCha20Poly1305>("chacha20poly1305", alg, size),
        Alg::XChaCha20Poly1305 => rustcrypto::seal::<chacha20poly1305::XChaCha20Poly1305>("chacha20poly1305", alg, size),
        _ => unreachable!(),
    });
    v
}

fn open_imps(alg: Alg, size: usize) -> Vec<Imp> {
    let sealed = aead::seal_to_vec(alg, &aead_key(alg), &aead_nonce(alg), &AAD, &pattern(size, 1)).unwrap();
    let mut v = ours_open(alg, &sealed);
    #[cfg(feature = "openssl")]
    v.extend(ossl::open(alg, &sealed));
    v.extend(ring_peer::open(alg, &sealed));
    #[cfg(feature = "aws-lc")]
    v.extend(awslc_peer::open(alg, &sealed));
    v.push(match alg {
        Alg::Aes128Gcm => rustcrypto::open::<aes_gcm::Aes128Gcm>("aes-gcm", alg, &sealed),
        Alg::Aes256Gcm => rustcrypto::open::<aes_gcm::Aes256Gcm>("aes-gcm", alg, &sealed),
        Alg::ChaCha20Poly1305 => rustcrypto::open::<chacha20poly1305::ChaCha20Poly1305>("chacha20poly1305", alg, &sealed),
        Alg::XChaCha20Poly1305 => rustcrypto::open::<chacha20poly1305::XChaCha20Poly1305>("chacha20poly1305", alg, &sealed),
        _ => unreachable!(),
    });
    v
}

fn hash_imps(alg: Alg, size: usize) -> Vec<Imp> {
    let data = pattern(size, 2);
    let mut out = [0u8; 64];
    let rust = imp("ours", Kind::Ours, move || {
        let n = hash::hash_into(alg, &data, &mut out).unwrap();
        fp(&out[..n])
    });
    let data = pattern(size, 2);
    let h = c_abi::hash();
    let mut cout = [0u8; 64];
    let c = imp("ours C-ABI", Kind::OursC, move || {
        let mut len = 0usize;
        // SAFETY: valid input slice and a 64-byte output buffer.
        let rc = unsafe { h(alg.id(), data.as_ptr(), data.len(), cout.as_mut_ptr(), cout.len(), &mut len) };
        c_abi::check(rc, "xps_hash");
        fp(&cout[..len])
    });
    let mut v = vec![rust, c];
    #[cfg(feature = "openssl")]
    v.extend(ossl::hash(alg, size));
    v.extend(ring_peer::hash(alg, size));
    #[cfg(feature = "aws-lc")]
    v.extend(awslc_peer::hash(alg, size));
    v.extend(rustcrypto::hash(alg, size));
    v
}

fn hmac_imps(size: usize) -> Vec<Imp> {
    let alg = Alg::HmacSha256;
    let (key, data) = (pattern(32, 3), pattern(size, 2));
    let mut out = [0u8; 32];
    let rust = imp("ours", Kind::Ours, move || {
        mac::mac_into(alg, &key, &data, &mut out).unwrap();
        fp(&out)
    });
    let (key, data) = (pattern(32, 3), pattern(size, 2));
    let h = c_abi::hmac();
    let mut cout = [0u8; 32];
    let c = imp("ours C-ABI", Kind::OursC, move || {
        let mut len = 0usize;
        // SAFETY: valid key/data slices and a 32-byte output buffer.
        let rc = unsafe { h(alg.id(), key.as_ptr(), key.len(), data.as_ptr(), data.len(), cout.as_mut_ptr(), cout.len(), &mut len) };
        c_abi::check(rc, "xps_hmac");
        fp(&cout)
    });
    let mut v = vec![rust, c];
    #[cfg(feature = "openssl")]
    v.push(ossl::hmac(size));
    v.push(ring_peer::hmac(size));
    #[cfg(feature = "aws-lc")]
    v.push(awslc_peer::hmac(size));
    v.push(rustcrypto::hmac(size));
    v
}

struct ThroughputOp {
    id: &'static str,
    title: &'static str,
    /// The dispatch op whose active kernel does the work.
    kernel_op: &'static str,
    build: Box<dyn Fn(usize) -> Vec<Imp>>,
}

fn throughput_ops() -> Vec<ThroughputOp> {
    let op = |id, title, kernel_op, build: Box<dyn Fn(usize) -> Vec<Imp>>| ThroughputOp { id, title, kernel_op, build };
    vec![
        op("aes128-seal", "AES-128-GCM seal", "aead.aes-128-gcm", Box::new(|n| seal_imps(Alg::Aes128Gcm, n))),
        op("aes256-seal", "AES-256-GCM seal", "aead.aes-256-gcm", Box::new(|n| seal_imps(Alg::Aes256Gcm, n))),
        op("aes256-open", "AES-256-GCM open", "aead.aes-256-gcm", Box::new(|n| open_imps(Alg::Aes256Gcm, n))),
        op("chacha-seal", "ChaCha20-Poly1305 seal", "aead.chacha20-poly1305", Box::new(|n| seal_imps(Alg::ChaCha20Poly1305, n))),
        op("xchacha-seal", "XChaCha20-Poly1305 seal", "aead.xchacha20-poly1305", Box::new(|n| seal_imps(Alg::XChaCha20Poly1305, n))),
        op("sha256", "SHA-256", "hash.sha256", Box::new(|n| hash_imps(Alg::Sha256, n))),
        op("sha512", "SHA-512", "hash.sha512", Box::new(|n| hash_imps(Alg::Sha512, n))),
        op("sha3-256", "SHA3-256", "hash.sha3-256", Box::new(|n| hash_imps(Alg::Sha3_256, n))),
        op("blake3", "BLAKE3", "hash.blake3", Box::new(|n| hash_imps(Alg::Blake3, n))),
        op("hmac-sha256", "HMAC-SHA256 (one-shot, key per call)", "hash.sha256", Box::new(hmac_imps)),
    ]
}

/// The "ours/best peer", "ours/wrapped crate" and "C-ABI/Rust" columns of one row.
fn ratio_cells(cols: &[(String, Kind)], stats: &[Stat], show_ns: bool) -> (String, String, String) {
    let ours = cols.iter().position(|c| c.1 == Kind::Ours).map(|i| stats[i].ns);
    let oursc = cols.iter().position(|c| c.1 == Kind::OursC).map(|i| stats[i].ns);
    let best = cols
        .iter()
        .zip(stats)
        .filter(|(c, _)| matches!(c.1, Kind::Peer { .. }))
        .min_by(|a, b| a.1.ns.total_cmp(&b.1.ns));
    let wrapped = cols.iter().zip(stats).find(|(c, _)| c.1 == Kind::Peer { wrapped: true });
    let r = |ours: f64, other: f64| format!("{:.2}", other / ours);
    let best_s = match (ours, best) {
        (Some(o), Some((c, s))) => format!("{} ({})", r(o, s.ns), c.0),
        _ => "–".into(),
    };
    let wr_s = match (ours, wrapped) {
        (Some(o), Some((_, s))) => r(o, s.ns),
        _ => "–".into(),
    };
    let c_s = match (ours, oursc) {
        (Some(o), Some(c)) if show_ns => format!("{} ({:+.0} ns)", r(c, o), c - o),
        (Some(o), Some(c)) => r(c, o),
        _ => "–".into(),
    };
    (best_s, wr_s, c_s)
}

fn run_throughput(cfg: &Cfg, op: &ThroughputOp) {
    let active = dispatch::active_kernel(op.kernel_op).unwrap_or("?");
    println!("\n### {}\n\nActive kernel: `{}` ({}). MB/s, higher is better.\n", op.title, active, op.kernel_op);
    let batch = cfg.cell / cfg.batches as u32;
    let mut header_done = false;
    for &size in &cfg.sizes {
        let mut imps = (op.build)(size);
        let ok = cross_check(op.title, size, &mut imps);
        let stats = measure(&mut imps, batch, cfg.batches);
        let cols: Vec<(String, Kind)> = imps.iter().map(|i| (i.col.clone(), i.kind)).collect();
        if !header_done {
            let wrapped_name = cols.iter().find(|c| c.1 == Kind::Peer { wrapped: true }).map(|c| c.0.clone()).unwrap_or_default();
            let names: Vec<&str> = cols.iter().map(|c| c.0.as_str()).collect();
            println!("| size | {} | ours/best peer | ours/{} | C-ABI/Rust |", names.join(" | "), wrapped_name);
            println!("|---:|{}---:|---:|---:|", "---:|".repeat(names.len()));
            header_done = true;
        }
        let cells: Vec<String> = stats
            .iter()
            .zip(&ok)
            .map(|(s, ok)| format!("{}{}{}", fmt_rate(mbps(size, s.ns)), noise(s), if *ok { "" } else { " MISMATCH" }))
            .collect();
        let (best, wr, c) = ratio_cells(&cols, &stats, size <= 1024);
        println!("| {} | {} | {} | {} | {} |", size_label(size), cells.join(" | "), best, wr, c);
    }
}

fn run_kdfs(cfg: &Cfg) {
    const PWD: &[u8] = b"correct horse battery staple";
    const SALT: &[u8] = b"bench-salt-16byt";
    if cfg.wants("pbkdf2") {
        let iters = 10_000u32;
        let mut imps = Vec::new();
        imps.push(imp("ours", Kind::Ours, move || {
            let mut out = [0u8; 32];
            kdf::pbkdf2(Alg::Pbkdf2Sha256, PWD, SALT, iters, &mut out).unwrap();
            fp(&out)
        }));
        let f = c_abi::pbkdf2();
        imps.push(imp("ours C-ABI", Kind::OursC, move || {
            let mut out = [0u8; 32];
            // SAFETY: valid slices and a 32-byte output.
            let rc = unsafe { f(Alg::Pbkdf2Sha256.id(), PWD.as_ptr(), PWD.len(), SALT.as_ptr(), SALT.len(), iters, out.as_mut_ptr(), out.len()) };
            c_abi::check(rc, "xps_pbkdf2");
            fp(&out)
        }));
        #[cfg(feature = "openssl")]
        imps.push(ossl::pbkdf2(PWD, SALT, iters));
        imps.push(ring_peer::pbkdf2(PWD, SALT, iters));
        #[cfg(feature = "aws-lc")]
        imps.push(awslc_peer::pbkdf2(PWD, SALT, iters));
        imps.push(rustcrypto::pbkdf2(PWD, SALT, iters));
        kdf_table(cfg, "PBKDF2-HMAC-SHA256, 10 000 iterations, 32-byte output", "hash.sha256", imps);
    }
    if cfg.wants("argon2id") {
        let p = Argon2idParams { t_cost: 2, m_cost_kib: 19 * 1024, parallelism: 1 };
        let mut imps = Vec::new();
        imps.push(imp("ours", Kind::Ours, move || {
            let mut out = [0u8; 32];
            kdf::argon2id(p, PWD, SALT, &[], &[], &mut out).unwrap();
            fp(&out)
        }));
        let f = c_abi::argon2id();
        imps.push(imp("ours C-ABI", Kind::OursC, move || {
            let mut out = [0u8; 32];
            // SAFETY: valid slices and a 32-byte output.
            let rc = unsafe { f(PWD.as_ptr(), PWD.len(), SALT.as_ptr(), SALT.len(), p.t_cost, p.m_cost_kib, p.parallelism, out.as_mut_ptr(), out.len()) };
            c_abi::check(rc, "xps_argon2id");
            fp(&out)
        }));
        imps.push(rustcrypto::argon2id(PWD, SALT, p));
        kdf_table(cfg, "Argon2id, m = 19 MiB, t = 2, p = 1, 32-byte output", "kdf.argon2id", imps);
    }
}

/// KDFs: one call per batch (they take milliseconds), `kdf_runs` batches round-robin.
fn kdf_table(cfg: &Cfg, title: &str, kernel_op: &str, mut imps: Vec<Imp>) {
    let active = dispatch::active_kernel(kernel_op).unwrap_or("?");
    println!("\n### {title}\n\nActive kernel: `{active}` ({kernel_op}). Milliseconds per derivation (median of {} runs), lower is better.\n", cfg.kdf_runs);
    let ok = cross_check(title, 0, &mut imps);
    let stats = measure(&mut imps, Duration::from_nanos(1), cfg.kdf_runs);
    let cols: Vec<(String, Kind)> = imps.iter().map(|i| (i.col.clone(), i.kind)).collect();
    let wrapped_name = cols.iter().find(|c| c.1 == Kind::Peer { wrapped: true }).map(|c| c.0.clone()).unwrap_or_default();
    let names: Vec<&str> = cols.iter().map(|c| c.0.as_str()).collect();
    println!("| {} | ours/best peer | ours/{} | C-ABI/Rust |", names.join(" | "), wrapped_name);
    println!("|{}---:|---:|---:|", "---:|".repeat(names.len()));
    let cells: Vec<String> = stats
        .iter()
        .zip(&ok)
        .map(|(s, ok)| format!("{}{}{}", fmt_ms(s.ns), noise(s), if *ok { "" } else { " MISMATCH" }))
        .collect();
    let (best, wr, c) = ratio_cells(&cols, &stats, false);
    println!("| {} | {} | {} | {} |", cells.join(" | "), best, wr, c);
}

/// The fixed cost of crossing the C boundary: the same trivial work through the Rust API and
/// through an export (`xps_init` = panic guard + status/last-error bookkeeping around
/// `xpscrypto_core::init`, which is one atomic load once initialized).
fn run_c_floor(cfg: &Cfg) {
    if !cfg.wants("c-floor") {
        return;
    }
    let init_c = black_box(xpscrypto::xps_init as extern "C" fn() -> xps_status);
    let keybytes_c = black_box(xpscrypto::xps_aead_keybytes as extern "C" fn(u32) -> usize);
    let id = black_box(Alg::Aes256Gcm.id());
    let mut imps = vec![
        imp("xpscrypto_core::init()", Kind::Ours, || fp(&[u8::from(xpscrypto_core::init().is_ok())])),
        imp("xps_init()", Kind::OursC, move || fp(&[u8::from(init_c() == 0)])),
        imp("aead::key_len(alg_from_id)", Kind::Ours, move || {
            fp(&[Alg::from_id(id).and_then(|a| aead::key_len(a).ok()).unwrap_or(0) as u8])
        }),
        imp("xps_aead_keybytes()", Kind::OursC, move || fp(&[keybytes_c(id) as u8])),
    ];
    let batch = cfg.cell / cfg.batches as u32;
    let stats = measure(&mut imps, batch, cfg.batches);
    println!("\n### C-ABI call floor\n");
    println!("The same trivial work through the Rust API and through an export; the difference is what every C call pays");
    println!("on top of its work (`xps_init`/every status-returning export: panic guard + status and last-error bookkeeping;");
    println!("`xps_aead_keybytes`: panic guard only). ns per call, lower is better.\n");
    println!("| call | ns | C-ABI extra |");
    println!("|---|---:|---:|");
    for (i, (imp, s)) in imps.iter().zip(&stats).enumerate() {
        let extra = if imp.kind == Kind::OursC { format!("{:+.1} ns", s.ns - stats[i - 1].ns) } else { String::new() };
        println!("| `{}` | {:.1}{} | {} |", imp.col, s.ns, noise(s), extra);
    }
}

// ---------------------------------------------------------------------------------------------
// --kernels: every available candidate kernel of each op
// ---------------------------------------------------------------------------------------------

fn kernel_imps(op: &dispatch::Op, alg: Alg, size: usize) -> Vec<(Imp, bool)> {
    op.candidates
        .iter()
        .map(|c| {
            let name = c.desc().name();
            let avail = dispatch::is_available(c.desc());
            let f: RunFn = match *c {
                Candidate::Hash(k) => {
                    let data = pattern(size, 2);
                    let mut out = [0u8; 64];
                    Box::new(move || {
                        let mut h = hazmat::hasher_on_kernel(alg, &k, HASH_MODE_PLAIN, &[]).unwrap();
                        h.update(&data);
                        let n = h.finalize_into(&mut out).unwrap();
                        fp(&out[..n])
                    })
                }
                Candidate::Aead(k) => {
                    // The kernel ABI called directly with a schedule expanded once: what
                    // `hazmat::aead_seal_on_kernel` does, minus its per-call key expansion and
                    // allocation (which would swamp the small sizes).
                    let (key, nonce) = (aead_key(alg), aead_nonce(alg));
                    let mut s = Box::new(AeadSchedule([0; dispatch::AEAD_SCHED_BYTES]));
                    if avail {
                        // SAFETY: fresh schedule blob; key length valid for `alg`.
                        assert_eq!(unsafe { (k.setup)(&mut *s, key.as_ptr(), key.len()) }, 0);
                    }
                    let mut buf = pattern(size, 1);
                    Box::new(move || {
                        let mut tag = [0u8; 16];
                        let p = buf.as_mut_ptr();
                        // SAFETY: schedule set up by this kernel; in place (allowed by the ABI);
                        // nonce length valid for `alg`; 16-byte tag buffer.
                        unsafe { (k.seal)(&*s, nonce.as_ptr(), nonce.len(), AAD.as_ptr(), AAD.len(), p, p, size, tag.as_mut_ptr()) };
                        fp(&tag)
                    })
                }
                // Not in the list below (public-key kernels have their own table in pk.rs).
                Candidate::Argon2(_) | Candidate::Sign(_) | Candidate::Kem(_) => Box::new(|| [0u8; 16]),
            };
            (Imp { col: name.to_string(), kind: Kind::Ours, f }, avail)
        })
        .collect()
}

fn run_kernels(cfg: &Cfg) {
    println!("\n## Candidate kernels (`--kernels`)\n");
    println!("Every candidate of each op, measured directly (hashes through `hazmat::hasher_on_kernel`, AEADs through");
    println!("the kernel ABI with a schedule expanded once). MB/s; the last column is the speedup over the portable kernel.");
    let list = [
        ("hash.sha256", Alg::Sha256),
        ("hash.sha512", Alg::Sha512),
        ("hash.sha3-256", Alg::Sha3_256),
        ("hash.blake3", Alg::Blake3),
        ("aead.aes-128-gcm", Alg::Aes128Gcm),
        ("aead.aes-256-gcm", Alg::Aes256Gcm),
        ("aead.chacha20-poly1305", Alg::ChaCha20Poly1305),
        ("aead.xchacha20-poly1305", Alg::XChaCha20Poly1305),
    ];
    let batch = cfg.cell / cfg.batches as u32;
    for (opname, alg) in list {
        let Some(op) = dispatch::ops().iter().find(|o| o.name == opname) else { continue };
        let active = dispatch::active_kernel(opname).unwrap_or("?");
        println!("\n### {opname} (active: `{active}`)\n");
        let sizes: Vec<String> = cfg.sizes.iter().map(|s| size_label(*s)).collect();
        println!("| kernel | {} | speedup @ {} |", sizes.join(" | "), sizes.last().cloned().unwrap_or_default());
        println!("|---|{}---:|", "---:|".repeat(sizes.len()));
        let names: Vec<(String, bool)> = op.candidates.iter().map(|c| (c.desc().name().to_string(), dispatch::is_available(c.desc()))).collect();
        let mut rows: Vec<Vec<String>> = vec![Vec::new(); names.len()];
        let mut last: Vec<f64> = vec![f64::NAN; names.len()];
        for &size in &cfg.sizes {
            let all = kernel_imps(op, alg, size);
            let mut idx = Vec::new();
            let mut imps = Vec::new();
            for (i, (imp, avail)) in all.into_iter().enumerate() {
                if avail {
                    idx.push(i);
                    imps.push(imp);
                } else {
                    rows[i].push("n/a".into());
                }
            }
            let ok = cross_check(opname, size, &mut imps);
            let stats = measure(&mut imps, batch, cfg.batches);
            for ((i, s), ok) in idx.iter().zip(&stats).zip(&ok) {
                rows[*i].push(format!("{}{}{}", fmt_rate(mbps(size, s.ns)), noise(s), if *ok { "" } else { " MISMATCH" }));
                last[*i] = mbps(size, s.ns);
            }
        }
        for (i, (name, avail)) in names.iter().enumerate() {
            let speed = if *avail && last[0].is_finite() { format!("{:.2}×", last[i] / last[0]) } else { "–".into() };
            let mark = if name == active { " (active)" } else { "" };
            println!("| `{name}`{mark} | {} | {speed} |", rows[i].join(" | "));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Header
// ---------------------------------------------------------------------------------------------

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string()))
        .unwrap_or_else(|| "unknown".into())
}

fn cpu_flags() -> String {
    const WANT: &[&str] = &["aes", "pclmulqdq", "avx2", "avx512f", "avx512bw", "avx512vl", "avx512ifma", "vaes", "vpclmulqdq", "sha_ni", "gfni", "bmi2"];
    let flags = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("flags")).map(|l| l.split(':').nth(1).unwrap_or("").to_string()))
        .unwrap_or_default();
    let have: Vec<&str> = flags.split_whitespace().collect();
    WANT.iter().map(|w| if have.contains(w) { w.to_string() } else { format!("no-{w}") }).collect::<Vec<_>>().join(" ")
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg").map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" ")).unwrap_or_default()
}

fn print_header(cfg: &Cfg) {
    println!("# xpscrypto peer comparison\n");
    println!("- CPU: {} ({} logical CPUs)", cpu_model(), std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0));
    println!("- CPU flags (relevant): {}", cpu_flags());
    println!("- xpscrypto sees: {}", xpscrypto_core::cpu::feature_names(xpscrypto_core::cpu::features()).join(" "));
    if let Ok(v) = std::env::var(xpscrypto_core::cpu::DISABLE_ENV) {
        println!("- {} = {v:?} (features masked)", xpscrypto_core::cpu::DISABLE_ENV);
    }
    println!("- rustc: {}", env!("BENCH_RUSTC_VERSION"));
    println!("- xpscrypto {} (profile: {})", xpscrypto_core::VERSION, if cfg!(debug_assertions) { "DEBUG — numbers meaningless" } else { "release" });
    #[cfg(feature = "openssl")]
    println!("- OpenSSL runtime: {}", openssl::version::version());
    #[cfg(not(feature = "openssl"))]
    println!("- OpenSSL: not built (feature `openssl` off)");
    #[cfg(not(feature = "aws-lc"))]
    println!("- aws-lc-rs: not built (feature `aws-lc` off)");
    println!("- Locked crate versions: {}", env!("BENCH_LOCKED_VERSIONS"));
    println!(
        "- Method: {} ms per cell in {} round-robin batches (median reported; `~` = interquartile spread > 10%); KDFs: median of {} runs",
        cfg.cell.as_millis(),
        cfg.batches,
        cfg.kdf_runs
    );
    println!("- Load average at start: {}", loadavg());
    println!("\n## Active kernels (`xpscrypto_core::dispatch::info()`)\n");
    println!("| op | active | available candidates |");
    println!("|---|---|---|");
    for o in dispatch::info().expect("xpscrypto init") {
        let avail: Vec<&str> = o.candidates.iter().filter(|c| c.available).map(|c| c.name).collect();
        println!("| {} | `{}`{} | {} |", o.op, o.active, if o.forced { " (forced)" } else { "" }, avail.join(", "));
    }
}

fn main() {
    let cfg = parse_args();
    let t0 = Instant::now();
    xpscrypto_core::init().expect("xpscrypto init");
    print_header(&cfg);
    println!("\n## Throughput\n");
    println!("Columns: ours = Rust API (`AeadKey::seal_in_place` / `open`, `hash::hash_into`, `mac::mac_into`); ours C-ABI =");
    println!("`xps_aead_key_seal` / `xps_aead_key_open` / `xps_hash` / `xps_hmac` through an opaque function pointer.");
    println!("Ratios: ours/best peer and ours/<RustCrypto crate> > 1 means we are faster; C-ABI/Rust < 1 is the cost of");
    println!("the C boundary (with the absolute difference per call).");
    for op in throughput_ops() {
        if cfg.wants(op.id) {
            run_throughput(&cfg, &op);
        }
    }
    run_kdfs(&cfg);
    run_c_floor(&cfg);
    pk::run(&cfg);
    if cfg.kernels {
        run_kernels(&cfg);
        pk::run_kernels(&cfg);
    }
    println!("\n_Load average at end: {}; total run time {:.0} s._", loadavg(), t0.elapsed().as_secs_f64());
}
