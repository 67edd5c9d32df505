//! The cost of the C boundary at 64 B, two ways.
//!
//! `abi_cost CASE N` runs one case N times, for instruction counting under callgrind
//! (`scripts/abi-cost.sh` runs every case at two iteration counts and prints the per-call
//! difference, which cancels start-up, self-tests and set-up).
//!
//! `abi_cost --time [--rounds R] [--block-us U] [--size N] [OP...]` times the implementations of each op
//! against each other in one process, built so that the noise of a shared VM cancels instead of
//! deciding the result: blocks of about U µs of calls (default 100), R rounds (default 2000), the
//! implementations of an op interleaved within every round in a rotating order, so that frequency
//! drift, interrupts and neighbours hit them alike; each round at another stack depth, so that no
//! implementation keeps one placement of its stack buffers against the data. Per implementation it prints the fastest block
//! and the median block (ns per call) and, against the Rust API, the ratio of the fastest blocks
//! and the median of the per-round ratios. `rust2` is the Rust API timed a second time: its ratio
//! to `rust` is the resolution of the method on this machine. `crate` (the RustCrypto crate we
//! wrap) is timed in the same rounds, for issue 2's "never slower than the crate" at 64 B.
//!
//! A case is `<op>-<impl>`: op ∈ sha256 sha512 blake3 hmac-sha256 aes128-seal aes256-seal
//! aes256-open chacha-seal xchacha-seal sha384 sha3-256 sha3-512 shake128 shake256 blake2b-512
//! blake2s-256 hmac-sha384 hmac-sha512 poly1305 blake3-keyed hmac-sha256-stream
//! hmac-sha512-stream (a whole streaming MAC: new, update, final) sha256-stream sha512-stream
//! sha3-256-stream blake3-stream (a whole streaming hash) hkdf-sha256 hkdf-sha512
//! pbkdf2-sha256 pbkdf2-sha512 (KDFs: the size is the IKM / password length; PBKDF2 runs 100
//! iterations); impl ∈ rust (the Rust API, as in `compare`), c (the C
//! export, linked from the `xpscrypto-ffi` rlib, through an opaque function pointer), so (the same
//! export from the shared library `libxpscrypto.so` loaded with `dlopen`, as a C program uses it:
//! position-independent code and dynamic-model thread-locals), crate (the RustCrypto crate called
//! directly). `so` loads `$XPS_SO`, default `target/release/libxpscrypto.so` under the current
//! directory. `abi_cost --list` prints every case. Same data, AAD and call shapes as `compare`.

use std::ffi::{c_void, CStr};
use std::hint::black_box;
use std::time::Instant;
use xpscrypto::{xps_aead_key, xps_hash_ctx, xps_mac_ctx, xps_status};
use xpscrypto_core::aead::{AeadKey, TAG_LEN};
use xpscrypto_core::{aead, hash, kdf, mac, Alg};

/// Message length: 64 bytes, or `--size N` in `--time` mode.
static SIZE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(64);

fn size() -> usize {
    SIZE.load(std::sync::atomic::Ordering::Relaxed)
}
const AAD: [u8; 13] = *b"bench-aad-13b";

const OPS: [&str; 30] = [
    "sha256", "sha512", "blake3", "hmac-sha256", "aes128-seal", "aes256-seal", "aes256-open", "chacha-seal", "xchacha-seal",
    // The other wrapped or re-implemented hashes and MACs, against their RustCrypto crates.
    "sha384", "sha3-256", "sha3-512", "shake128", "shake256", "blake2b-512", "blake2s-256", "hmac-sha384", "hmac-sha512",
    "poly1305", "blake3-keyed",
    // Streaming MACs (new, update, final) against the crate's streaming API.
    "hmac-sha256-stream", "hmac-sha512-stream",
    // Streaming hashes (new, update, final) against the crate's streaming API.
    "sha256-stream", "sha512-stream", "sha3-256-stream", "blake3-stream",
    // KDFs: the message size is the input key material / password length.
    "hkdf-sha256", "hkdf-sha512", "pbkdf2-sha256", "pbkdf2-sha512",
];
const IMPLS: [&str; 4] = ["rust", "c", "so", "crate"];

fn pattern(n: usize, seed: u8) -> Vec<u8> {
    (0..n).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

// Where each role's buffer sits within its page (see `placed`).
const NONCE_AT: usize = 0x040;
const DATA_AT: usize = 0x100;
const OUT_AT: usize = 0x500;
const KEY_AT: usize = 0x900;

/// `bytes` copied to offset `at` of a fresh page-aligned page (leaked: this is a benchmark
/// process), so that every implementation's buffers sit at the same offsets within a page.
/// Heap placement alone made two identical Rust API cases differ by up to 27% in `--time`
/// (aliasing of addresses 4 KiB apart between a buffer and a key schedule).
fn placed(at: usize, bytes: &[u8]) -> &'static mut [u8] {
    assert!(at + bytes.len() <= 4096);
    let layout = std::alloc::Layout::from_size_align(4096, 4096).unwrap();
    // SAFETY: a non-zero-size layout; the page is never freed, and `at + len <= 4096`.
    unsafe {
        let p = std::alloc::alloc_zeroed(layout);
        assert!(!p.is_null(), "out of memory");
        let s = std::slice::from_raw_parts_mut(p.add(at), bytes.len());
        s.copy_from_slice(bytes);
        s
    }
}

type AeadKeyFn = unsafe extern "C" fn(*const xps_aead_key, *const u8, usize, *const u8, usize, *const u8, usize, *mut u8, usize, *mut usize) -> xps_status;
type KeyNewFn = unsafe extern "C" fn(u32, *const u8, usize, *mut *mut xps_aead_key) -> xps_status;
type KeyFreeFn = unsafe extern "C" fn(*mut xps_aead_key);
type HashFn = unsafe extern "C" fn(u32, *const u8, usize, *mut u8, usize, *mut usize) -> xps_status;
type HmacFn = unsafe extern "C" fn(u32, *const u8, usize, *const u8, usize, *mut u8, usize, *mut usize) -> xps_status;
type HkdfFn = unsafe extern "C" fn(u32, *const u8, usize, *const u8, usize, *const u8, usize, *mut u8, usize) -> xps_status;
type Pbkdf2Fn = unsafe extern "C" fn(u32, *const u8, usize, *const u8, usize, u32, *mut u8, usize) -> xps_status;
type InitFn = unsafe extern "C" fn() -> xps_status;
type MacNewFn = unsafe extern "C" fn(u32, *const u8, usize, *mut *mut xps_mac_ctx) -> xps_status;
type MacUpdateFn = unsafe extern "C" fn(*mut xps_mac_ctx, *const u8, usize) -> xps_status;
type MacFinalFn = unsafe extern "C" fn(*mut xps_mac_ctx, *mut u8, usize, *mut usize) -> xps_status;
type MacFreeFn = unsafe extern "C" fn(*mut xps_mac_ctx);
type HashNewFn = unsafe extern "C" fn(u32, *mut *mut xps_hash_ctx) -> xps_status;
type HashUpdateFn = unsafe extern "C" fn(*mut xps_hash_ctx, *const u8, usize) -> xps_status;
type HashFinalFn = unsafe extern "C" fn(*mut xps_hash_ctx, *mut u8, usize, *mut usize) -> xps_status;
type HashFreeFn = unsafe extern "C" fn(*mut xps_hash_ctx);

/// The C exports one implementation calls: the rlib's (`c`) or the shared library's (`so`).
#[derive(Clone, Copy)]
struct Exports {
    key_new: KeyNewFn,
    key_free: KeyFreeFn,
    seal: AeadKeyFn,
    open: AeadKeyFn,
    hash: HashFn,
    hmac: HmacFn,
    hkdf: HkdfFn,
    pbkdf2: Pbkdf2Fn,
    mac_new: MacNewFn,
    mac_update: MacUpdateFn,
    mac_final: MacFinalFn,
    mac_free: MacFreeFn,
    hash_new: HashNewFn,
    hash_update: HashUpdateFn,
    hash_final: HashFinalFn,
    hash_free: HashFreeFn,
}

impl Exports {
    fn linked() -> Exports {
        Exports {
            key_new: xpscrypto::xps_aead_key_new,
            key_free: xpscrypto::xps_aead_key_free,
            seal: xpscrypto::xps_aead_key_seal,
            open: xpscrypto::xps_aead_key_open,
            hash: xpscrypto::xps_hash,
            hmac: xpscrypto::xps_hmac,
            hkdf: xpscrypto::xps_hkdf,
            pbkdf2: xpscrypto::xps_pbkdf2,
            mac_new: xpscrypto::xps_mac_new,
            mac_update: xpscrypto::xps_mac_update,
            mac_final: xpscrypto::xps_mac_final,
            mac_free: xpscrypto::xps_mac_free,
            hash_new: xpscrypto::xps_hash_new,
            hash_update: xpscrypto::xps_hash_update,
            hash_final: xpscrypto::xps_hash_final,
            hash_free: xpscrypto::xps_hash_free,
        }
    }

    /// `dlopen`s the shared library (kept loaded for the life of the process) and initializes it.
    fn shared() -> Exports {
        let path = std::env::var("XPS_SO").unwrap_or_else(|_| "target/release/libxpscrypto.so".into());
        let c_path = std::ffi::CString::new(path.clone()).expect("path without NUL");
        // SAFETY: a NUL-terminated path; the handle is never closed, so the symbols stay valid.
        let h = unsafe { libc::dlopen(c_path.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
        if h.is_null() {
            // SAFETY: dlerror returns NULL or a NUL-terminated message.
            let why = unsafe { libc::dlerror() };
            let why = if why.is_null() {
                String::new()
            } else {
                // SAFETY: non-NULL, so a NUL-terminated message owned by libdl, read at once.
                unsafe { CStr::from_ptr(why) }.to_string_lossy().into_owned()
            };
            eprintln!("abi_cost: cannot load {path} (set XPS_SO; build it with cargo build --release -p xpscrypto-ffi): {why}");
            std::process::exit(1);
        }
        let sym = |name: &CStr| -> *mut c_void {
            // SAFETY: a live handle and a NUL-terminated name.
            let p = unsafe { libc::dlsym(h, name.as_ptr()) };
            assert!(!p.is_null(), "{path} has no {name:?}");
            p
        };
        // SAFETY: each symbol is the export of that name, whose C signature the type spells out
        // (the same functions as `linked`, from the same source).
        unsafe {
            let init: InitFn = std::mem::transmute::<*mut c_void, InitFn>(sym(c"xps_init"));
            assert_eq!(init(), 0, "xps_init of {path} failed");
            Exports {
                key_new: std::mem::transmute::<*mut c_void, KeyNewFn>(sym(c"xps_aead_key_new")),
                key_free: std::mem::transmute::<*mut c_void, KeyFreeFn>(sym(c"xps_aead_key_free")),
                seal: std::mem::transmute::<*mut c_void, AeadKeyFn>(sym(c"xps_aead_key_seal")),
                open: std::mem::transmute::<*mut c_void, AeadKeyFn>(sym(c"xps_aead_key_open")),
                hash: std::mem::transmute::<*mut c_void, HashFn>(sym(c"xps_hash")),
                hmac: std::mem::transmute::<*mut c_void, HmacFn>(sym(c"xps_hmac")),
                hkdf: std::mem::transmute::<*mut c_void, HkdfFn>(sym(c"xps_hkdf")),
                pbkdf2: std::mem::transmute::<*mut c_void, Pbkdf2Fn>(sym(c"xps_pbkdf2")),
                mac_new: std::mem::transmute::<*mut c_void, MacNewFn>(sym(c"xps_mac_new")),
                mac_update: std::mem::transmute::<*mut c_void, MacUpdateFn>(sym(c"xps_mac_update")),
                mac_final: std::mem::transmute::<*mut c_void, MacFinalFn>(sym(c"xps_mac_final")),
                mac_free: std::mem::transmute::<*mut c_void, MacFreeFn>(sym(c"xps_mac_free")),
                hash_new: std::mem::transmute::<*mut c_void, HashNewFn>(sym(c"xps_hash_new")),
                hash_update: std::mem::transmute::<*mut c_void, HashUpdateFn>(sym(c"xps_hash_update")),
                hash_final: std::mem::transmute::<*mut c_void, HashFinalFn>(sym(c"xps_hash_final")),
                hash_free: std::mem::transmute::<*mut c_void, HashFreeFn>(sym(c"xps_hash_free")),
            }
        }
    }
}

/// An `xps_aead_key*` from one set of exports, freed on drop by the same set.
struct Key(*mut xps_aead_key, KeyFreeFn);
impl Key {
    fn new(x: &Exports, alg: Alg, key: &[u8]) -> Key {
        let mut h = std::ptr::null_mut();
        // SAFETY: valid key slice and out-pointer.
        let rc = unsafe { (x.key_new)(alg.id(), key.as_ptr(), key.len(), &mut h) };
        assert_eq!(rc, 0, "xps_aead_key_new failed");
        Key(h, x.key_free)
    }
}
impl Drop for Key {
    fn drop(&mut self) {
        // SAFETY: a handle from the matching xps_aead_key_new, freed once.
        unsafe { (self.1)(self.0) }
    }
}

fn check(rc: xps_status) {
    assert_eq!(rc, 0, "C export failed");
}

/// Runs `f` `n` times; never inlined, so a profile shows the loop as one function.
#[inline(never)]
fn run(n: u64, f: &mut impl FnMut()) {
    for _ in 0..n {
        f();
    }
}

/// One implementation of one op: runs it `n` times.
type Case = Box<dyn FnMut(u64)>;

fn case(f: impl FnMut() + 'static) -> Case {
    let mut f = f;
    Box::new(move |n| run(n, &mut f))
}

/// The exports for a C implementation name (`c` or `so`).
fn exports(imp: &str) -> Exports {
    if imp == "so" {
        Exports::shared()
    } else {
        Exports::linked()
    }
}

fn hash_case(alg: Alg, imp: &str) -> Case {
    let data = placed(DATA_AT, &pattern(size(), 2));
    // The digest length; an XOF's default length (shake128: 32, shake256: 64 bytes).
    let out = placed(OUT_AT, &vec![0u8; hash::default_len(alg).unwrap()]);
    match imp {
        "rust" => case(move || {
            let k = hash::hash_into(alg, black_box(&*data), out).unwrap();
            black_box(&out[..k]);
        }),
        "c" | "so" => {
            let f = black_box(exports(imp).hash);
            case(move || {
                let mut len = 0usize;
                // SAFETY: valid input slice and output buffer.
                check(unsafe { f(alg.id(), data.as_ptr(), data.len(), out.as_mut_ptr(), out.len(), &mut len) });
                black_box(&out[..len]);
            })
        }
        _ => {
            use sha2::Digest;
            fn xof<H: Default + shake::digest::Update + shake::digest::ExtendableOutput>(data: &[u8], out: &mut [u8]) {
                let mut h = H::default();
                h.update(data);
                h.finalize_xof_into(out);
            }
            case(move || match alg {
                Alg::Sha256 => drop(black_box(sha2::Sha256::digest(black_box(&*data)))),
                Alg::Sha384 => drop(black_box(sha2::Sha384::digest(black_box(&*data)))),
                Alg::Sha512 => drop(black_box(sha2::Sha512::digest(black_box(&*data)))),
                Alg::Sha3_256 => drop(black_box(sha3::Sha3_256::digest(black_box(&*data)))),
                Alg::Sha3_512 => drop(black_box(sha3::Sha3_512::digest(black_box(&*data)))),
                Alg::Shake128 => xof::<shake::Shake128>(black_box(&*data), black_box(&mut *out)),
                Alg::Shake256 => xof::<shake::Shake256>(black_box(&*data), black_box(&mut *out)),
                Alg::Blake2b512 => drop(black_box(blake2::Blake2b512::digest(black_box(&*data)))),
                Alg::Blake2s256 => drop(black_box(blake2::Blake2s256::digest(black_box(&*data)))),
                _ => drop(black_box(blake3::hash(black_box(&*data)))),
            })
        }
    }
}

fn hmac_case(alg: Alg, imp: &str) -> Case {
    let (key, data) = (placed(KEY_AT, &pattern(32, 3)), placed(DATA_AT, &pattern(size(), 2)));
    let out = placed(OUT_AT, &vec![0u8; mac::tag_len(alg).unwrap()]);
    match imp {
        "rust" => case(move || {
            mac::mac_into(alg, black_box(&*key), black_box(&*data), out).unwrap();
            black_box(&*out);
        }),
        "c" | "so" => {
            let f = black_box(exports(imp).hmac);
            case(move || {
                let mut len = 0usize;
                // SAFETY: valid key/data slices and an output buffer of the tag's length.
                check(unsafe { f(alg.id(), key.as_ptr(), key.len(), data.as_ptr(), data.len(), out.as_mut_ptr(), out.len(), &mut len) });
                black_box(&*out);
            })
        }
        _ => {
            use hmac::{KeyInit, Mac};
            fn tag<D: hmac::digest::block_api::EagerHash>(key: &[u8], data: &[u8]) -> impl Sized
            where
                hmac::Hmac<D>: KeyInit + Mac,
            {
                let mut m = hmac::Hmac::<D>::new_from_slice(key).unwrap();
                m.update(data);
                m.finalize().into_bytes()
            }
            case(move || match alg {
                Alg::Poly1305 => {
                    use poly1305::universal_hash::KeyInit as _;
                    let p = poly1305::Poly1305::new_from_slice(black_box(&*key)).unwrap();
                    black_box(p.compute_unpadded(black_box(&*data)));
                }
                Alg::Blake3Keyed => drop(black_box(blake3::keyed_hash(black_box(&*key).try_into().unwrap(), black_box(&*data)))),
                Alg::HmacSha256 => drop(black_box(tag::<sha2::Sha256>(black_box(&*key), black_box(&*data)))),
                Alg::HmacSha384 => drop(black_box(tag::<sha2::Sha384>(black_box(&*key), black_box(&*data)))),
                _ => drop(black_box(tag::<sha2::Sha512>(black_box(&*key), black_box(&*data)))),
            })
        }
    }
}

/// A whole streaming hash per call: new, one update, final (and free, for the C handle). The
/// crates' `digest` is their streaming API (new, update, finalize), so `crate` is `hash_case`'s,
/// except for BLAKE3 (`blake3::Hasher`).
fn hash_stream_case(alg: Alg, imp: &str) -> Case {
    if imp == "crate" && alg == Alg::Blake3 {
        // (`blake3::hash`, the `hash_case` one, is a one-shot; this is the crate's stream.)
        let data = placed(DATA_AT, &pattern(size(), 2));
        return case(move || {
            let mut h = blake3::Hasher::new();
            h.update(black_box(&*data));
            black_box(h.finalize());
        });
    }
    if imp == "crate" {
        return hash_case(alg, imp);
    }
    let data = placed(DATA_AT, &pattern(size(), 2));
    let out = placed(OUT_AT, &vec![0u8; hash::default_len(alg).unwrap()]);
    match imp {
        "rust" => case(move || {
            let mut h = hash::Hasher::new(alg).unwrap();
            h.update(black_box(&*data));
            h.finalize_into(out).unwrap();
            black_box(&*out);
        }),
        _ => {
            let x = black_box(exports(imp));
            case(move || {
                let (mut h, mut len) = (std::ptr::null_mut(), 0usize);
                // SAFETY: valid data slice and digest-sized output; the handle is used while live
                // and freed once.
                unsafe {
                    check((x.hash_new)(alg.id(), &mut h));
                    check((x.hash_update)(h, data.as_ptr(), data.len()));
                    check((x.hash_final)(h, out.as_mut_ptr(), out.len(), &mut len));
                    (x.hash_free)(h);
                }
                black_box(&*out);
            })
        }
    }
}

/// A whole streaming MAC per call: new, one update, final (and free, for the C handle). The
/// crate's streaming API (`Hmac::new_from_slice`, `update`, `finalize`) is what the one-shot
/// `hmac-*` cases already time for it.
fn mac_stream_case(alg: Alg, imp: &str) -> Case {
    if imp == "crate" {
        return hmac_case(alg, imp);
    }
    let (key, data) = (placed(KEY_AT, &pattern(32, 3)), placed(DATA_AT, &pattern(size(), 2)));
    let out = placed(OUT_AT, &vec![0u8; mac::tag_len(alg).unwrap()]);
    match imp {
        "rust" => case(move || {
            let mut m = mac::Mac::new(alg, black_box(&*key)).unwrap();
            m.update(black_box(&*data));
            m.finalize_into(out).unwrap();
            black_box(&*out);
        }),
        _ => {
            let x = black_box(exports(imp));
            case(move || {
                let (mut h, mut len) = (std::ptr::null_mut(), 0usize);
                // SAFETY: valid key/data slices, an output buffer of the tag's length; the handle
                // is used while live and freed once.
                unsafe {
                    check((x.mac_new)(alg.id(), key.as_ptr(), key.len(), &mut h));
                    check((x.mac_update)(h, data.as_ptr(), data.len()));
                    check((x.mac_final)(h, out.as_mut_ptr(), out.len(), &mut len));
                    (x.mac_free)(h);
                }
                black_box(&*out);
            })
        }
    }
}

/// PBKDF2 iterations in the `pbkdf2-*` cases (low, so that a call is a few hundred µs at most).
const PBKDF2_ITERATIONS: u32 = 100;

fn kdf_case(alg: Alg, imp: &str) -> Case {
    // HKDF: ikm of the message size, a 16-byte salt, the 13-byte AAD as info, 42 bytes out
    // (RFC 5869's test length). PBKDF2: a password of the message size, the same salt, one
    // block of output (the hash length).
    let (ikm, salt, info) = (placed(DATA_AT, &pattern(size(), 2)), placed(KEY_AT, &pattern(16, 3)), placed(NONCE_AT, &AAD));
    let pbkdf2 = matches!(alg, Alg::Pbkdf2Sha256 | Alg::Pbkdf2Sha512);
    let n = match alg {
        Alg::Pbkdf2Sha256 => 32,
        Alg::Pbkdf2Sha512 => 64,
        _ => 42,
    };
    let out = placed(OUT_AT, &vec![0u8; n]);
    match imp {
        "rust" if pbkdf2 => case(move || {
            kdf::pbkdf2(alg, black_box(&*ikm), black_box(&*salt), PBKDF2_ITERATIONS, out).unwrap();
            black_box(&*out);
        }),
        "rust" => case(move || {
            kdf::hkdf(alg, black_box(&*ikm), black_box(&*salt), black_box(&*info), out).unwrap();
            black_box(&*out);
        }),
        "c" | "so" if pbkdf2 => {
            let f = black_box(exports(imp).pbkdf2);
            case(move || {
                // SAFETY: valid slices with their lengths.
                check(unsafe { f(alg.id(), ikm.as_ptr(), ikm.len(), salt.as_ptr(), salt.len(), PBKDF2_ITERATIONS, out.as_mut_ptr(), out.len()) });
                black_box(&*out);
            })
        }
        "c" | "so" => {
            let f = black_box(exports(imp).hkdf);
            case(move || {
                // SAFETY: valid slices with their lengths.
                check(unsafe { f(alg.id(), ikm.as_ptr(), ikm.len(), salt.as_ptr(), salt.len(), info.as_ptr(), info.len(), out.as_mut_ptr(), out.len()) });
                black_box(&*out);
            })
        }
        _ => case(move || {
            let (ikm, salt, info) = (black_box(&*ikm), black_box(&*salt), black_box(&*info));
            match alg {
                Alg::Pbkdf2Sha256 => pbkdf2::pbkdf2_hmac::<sha2::Sha256>(ikm, salt, PBKDF2_ITERATIONS, out),
                Alg::Pbkdf2Sha512 => pbkdf2::pbkdf2_hmac::<sha2::Sha512>(ikm, salt, PBKDF2_ITERATIONS, out),
                Alg::HkdfSha256 => hkdf::Hkdf::<sha2::Sha256>::new(Some(salt), ikm).expand(info, out).unwrap(),
                _ => hkdf::Hkdf::<sha2::Sha512>::new(Some(salt), ikm).expand(info, out).unwrap(),
            }
            black_box(&*out);
        }),
    }
}

fn crate_seal<A: aes_gcm::aead::AeadInOut + aes_gcm::aead::KeyInit + 'static>(key: &[u8], nonce: &[u8]) -> Case {
    use aes_gcm::aead::{inout::InOutBuf, Nonce};
    let c = A::new_from_slice(key).unwrap();
    let nn = Nonce::<A>::try_from(nonce).unwrap();
    let buf = placed(DATA_AT, &pattern(size(), 1));
    case(move || {
        black_box(c.encrypt_inout_detached(&nn, black_box(&AAD), InOutBuf::from(&mut buf[..])).unwrap());
    })
}

fn crate_open<A: aes_gcm::aead::AeadInOut + aes_gcm::aead::KeyInit + 'static>(key: &[u8], nonce: &[u8], sealed: &'static [u8]) -> Case {
    use aes_gcm::aead::{inout::InOutBuf, Nonce, Tag};
    let c = A::new_from_slice(key).unwrap();
    let nn = Nonce::<A>::try_from(nonce).unwrap();
    let out = placed(OUT_AT, &vec![0u8; size()]);
    case(move || {
        let tag = Tag::<A>::try_from(&sealed[size()..]).unwrap();
        c.decrypt_inout_detached(&nn, black_box(&AAD), InOutBuf::new(&sealed[..size()], out).unwrap(), &tag).expect("authentication");
        black_box(&*out);
    })
}

fn seal_case(alg: Alg, imp: &str) -> Case {
    let key = pattern(aead::key_len(alg).unwrap(), 0x5a);
    let nonce = placed(NONCE_AT, &pattern(aead::nonce_len(alg).unwrap(), 0xa5));
    let mut m = pattern(size(), 1);
    m.resize(size() + TAG_LEN, 0);
    let buf = placed(DATA_AT, &m);
    match imp {
        "rust" => {
            let k = AeadKey::new(alg, &key).unwrap();
            case(move || {
                let (m, t) = buf.split_at_mut(size());
                let tag = k.seal_in_place(black_box(&*nonce), &AAD, m).unwrap();
                t.copy_from_slice(&tag);
                black_box(&*t);
            })
        }
        "c" | "so" => {
            let x = exports(imp);
            let h = Key::new(&x, alg, &key);
            let f = black_box(x.seal);
            case(move || {
                // (`&h`, not `h.0`: a move closure that names only the field would copy the
                // pointer and leave the handle to be freed when this function returns.)
                let h = &h;
                let p = buf.as_mut_ptr();
                let mut len = 0usize;
                // SAFETY: live handle; `p` holds size() + 16 bytes; in place is allowed.
                check(unsafe { f(h.0, nonce.as_ptr(), nonce.len(), AAD.as_ptr(), AAD.len(), p, size(), p, size() + TAG_LEN, &mut len) });
                black_box(&buf[size()..]);
            })
        }
        _ => match alg {
            Alg::Aes128Gcm => crate_seal::<aes_gcm::Aes128Gcm>(&key, nonce),
            Alg::Aes256Gcm => crate_seal::<aes_gcm::Aes256Gcm>(&key, nonce),
            Alg::ChaCha20Poly1305 => crate_seal::<chacha20poly1305::ChaCha20Poly1305>(&key, nonce),
            _ => crate_seal::<chacha20poly1305::XChaCha20Poly1305>(&key, nonce),
        },
    }
}

fn open_case(alg: Alg, imp: &str) -> Case {
    let key = pattern(aead::key_len(alg).unwrap(), 0x5a);
    let nonce = placed(NONCE_AT, &pattern(aead::nonce_len(alg).unwrap(), 0xa5));
    let sealed = placed(DATA_AT, &aead::seal_to_vec(alg, &key, nonce, &AAD, &pattern(size(), 1)).unwrap());
    let out = placed(OUT_AT, &vec![0u8; size()]);
    match imp {
        "rust" => {
            let k = AeadKey::new(alg, &key).unwrap();
            case(move || {
                k.open(black_box(&*nonce), &AAD, sealed, out).expect("authentication");
                black_box(&*out);
            })
        }
        "c" | "so" => {
            let x = exports(imp);
            let h = Key::new(&x, alg, &key);
            let f = black_box(x.open);
            case(move || {
                let h = &h; // the whole handle moves into the closure (see seal_case)
                let mut len = 0usize;
                // SAFETY: live handle; disjoint input (size() + 16 bytes) and output (size() bytes).
                check(unsafe { f(h.0, nonce.as_ptr(), nonce.len(), AAD.as_ptr(), AAD.len(), sealed.as_ptr(), sealed.len(), out.as_mut_ptr(), size(), &mut len) });
                black_box(&*out);
            })
        }
        _ => crate_open::<aes_gcm::Aes256Gcm>(&key, nonce, sealed),
    }
}

fn make(op: &str, imp: &str) -> Case {
    match op {
        "sha256" => hash_case(Alg::Sha256, imp),
        "sha512" => hash_case(Alg::Sha512, imp),
        "blake3" => hash_case(Alg::Blake3, imp),
        "hmac-sha256" => hmac_case(Alg::HmacSha256, imp),
        "hmac-sha384" => hmac_case(Alg::HmacSha384, imp),
        "hmac-sha512" => hmac_case(Alg::HmacSha512, imp),
        "poly1305" => hmac_case(Alg::Poly1305, imp),
        "blake3-keyed" => hmac_case(Alg::Blake3Keyed, imp),
        "hmac-sha256-stream" => mac_stream_case(Alg::HmacSha256, imp),
        "sha256-stream" => hash_stream_case(Alg::Sha256, imp),
        "sha512-stream" => hash_stream_case(Alg::Sha512, imp),
        "sha3-256-stream" => hash_stream_case(Alg::Sha3_256, imp),
        "blake3-stream" => hash_stream_case(Alg::Blake3, imp),
        "hmac-sha512-stream" => mac_stream_case(Alg::HmacSha512, imp),
        "sha384" => hash_case(Alg::Sha384, imp),
        "sha3-256" => hash_case(Alg::Sha3_256, imp),
        "sha3-512" => hash_case(Alg::Sha3_512, imp),
        "shake128" => hash_case(Alg::Shake128, imp),
        "shake256" => hash_case(Alg::Shake256, imp),
        "blake2b-512" => hash_case(Alg::Blake2b512, imp),
        "blake2s-256" => hash_case(Alg::Blake2s256, imp),
        "hkdf-sha256" => kdf_case(Alg::HkdfSha256, imp),
        "hkdf-sha512" => kdf_case(Alg::HkdfSha512, imp),
        "pbkdf2-sha256" => kdf_case(Alg::Pbkdf2Sha256, imp),
        "pbkdf2-sha512" => kdf_case(Alg::Pbkdf2Sha512, imp),
        "aes128-seal" => seal_case(Alg::Aes128Gcm, imp),
        "aes256-seal" => seal_case(Alg::Aes256Gcm, imp),
        "aes256-open" => open_case(Alg::Aes256Gcm, imp),
        "chacha-seal" => seal_case(Alg::ChaCha20Poly1305, imp),
        _ => seal_case(Alg::XChaCha20Poly1305, imp),
    }
}

/// Stack depths a `--time` round may run at: `at_depth` levels of ~100 bytes, spanning more than
/// a 4 KiB page.
const STACK_LEVELS: usize = 64;

/// Runs `f` `levels` frames deeper, each frame holding a 64-byte pad.
#[inline(never)]
fn at_depth(levels: usize, f: &mut dyn FnMut()) {
    let pad = black_box([0u8; 64]);
    if levels == 0 {
        f();
    } else {
        at_depth(levels - 1, f);
    }
    black_box(&pad);
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// `--time`: the interleaved wall-clock comparison described at the top of the file.
fn time(ops: &[&str], rounds: usize, block_us: f64) {
    let names = ["rust", "rust2", "c", "so", "crate"];
    println!("Wall clock per call at {} B: blocks of ~{block_us} µs, {rounds} rounds, implementations interleaved in rotating order.", size());
    println!("min = fastest block, med = median block (ns per call); ratios are to `rust` (> 1 = slower): of the fastest blocks, and the median of the per-round ratios.");
    println!();
    println!("`crate` is the RustCrypto crate called directly; its column is rust against it (> 1 = the crate is faster).");
    println!();
    println!("| op | rust min / med | rust2 / rust | c min / med | c / rust (min, med) | so min / med | so / rust (min, med) | crate min / med | rust / crate (min, med) |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for op in ops {
        let mut cases: Vec<Case> = names.iter().map(|n| make(op, if *n == "rust2" { "rust" } else { n })).collect();
        // Calibrate on the Rust API: calls per block, after a warm-up of every case.
        for c in cases.iter_mut() {
            c(10_000);
        }
        let t = Instant::now();
        cases[0](20_000);
        let per_call = t.elapsed().as_secs_f64() / 20_000.0;
        let n = ((block_us * 1e-6 / per_call) as u64).max(1);
        let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); cases.len()];
        for r in 0..rounds {
            // Every round runs at another stack depth (the same for all its implementations):
            // where the call's stack buffers fall relative to the data (4 KiB aliasing) moved
            // single rows by up to 12% between builds of this harness.
            let depth = (r * 37) % STACK_LEVELS;
            for j in 0..cases.len() {
                let i = (r + j) % cases.len();
                let c = &mut cases[i];
                let mut dt = 0.0;
                at_depth(depth, &mut || {
                    let t = Instant::now();
                    c(n);
                    dt = t.elapsed().as_secs_f64();
                });
                times[i].push(dt * 1e9 / n as f64);
            }
        }
        let min = |i: usize| times[i].iter().copied().fold(f64::INFINITY, f64::min);
        let med = |i: usize| median(&mut times[i].clone());
        let ratio_med = |i: usize| median(&mut (0..rounds).map(|r| times[i][r] / times[0][r]).collect::<Vec<_>>());
        let cell = |i: usize| format!("{:.1} / {:.1}", min(i), med(i));
        let ratio = |i: usize| format!("{:.3}, {:.3}", min(i) / min(0), ratio_med(i));
        let inv = |i: usize| format!("{:.3}, {:.3}", min(0) / min(i), 1.0 / ratio_med(i));
        println!("| {op} | {} | {:.3}, {:.3} | {} | {} | {} | {} | {} | {} |", cell(0), min(1) / min(0), ratio_med(1), cell(2), ratio(2), cell(3), ratio(3), cell(4), inv(4));
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Initialize (self-tests) before anything is measured, in every case alike.
    xpscrypto_core::init().expect("init");
    if args.first().map(String::as_str) == Some("--list") {
        for op in OPS {
            for imp in IMPLS {
                println!("{op}-{imp}");
            }
        }
        return;
    }
    if args.first().map(String::as_str) == Some("--time") {
        let (mut rounds, mut block_us, mut ops) = (2000usize, 100.0f64, Vec::new());
        let mut it = args[1..].iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--rounds" => rounds = it.next().and_then(|v| v.parse().ok()).filter(|&v| v > 0).expect("--rounds N (N > 0)"),
                "--size" => SIZE.store(it.next().and_then(|v| v.parse().ok()).filter(|&v: &usize| (1..=2048).contains(&v)).expect("--size N (1..=2048)"), std::sync::atomic::Ordering::Relaxed),
                "--block-us" => block_us = it.next().and_then(|v| v.parse().ok()).filter(|&v: &f64| v > 0.0).expect("--block-us U (U > 0)"),
                op if OPS.contains(&op) => ops.push(OPS[OPS.iter().position(|o| *o == op).unwrap()]),
                other => {
                    eprintln!("abi_cost: unknown op or option {other:?} (ops: {})", OPS.join(" "));
                    std::process::exit(2);
                }
            }
        }
        if ops.is_empty() {
            ops = OPS.to_vec();
        }
        time(&ops, rounds, block_us);
        return;
    }
    let (Some(case_name), Some(n)) = (args.first(), args.get(1).and_then(|s| s.parse::<u64>().ok())) else {
        eprintln!("usage: abi_cost CASE ITERATIONS | abi_cost --list | abi_cost --time [--rounds R] [--block-us U] [--size N] [OP...]");
        std::process::exit(2);
    };
    // The op is the case name up to its last '-' ("blake3-keyed-c" is blake3-keyed, not blake3).
    let Some((op, imp)) = case_name.rsplit_once('-').and_then(|(op, imp)| OPS.iter().find(|o| **o == op).map(|o| (*o, imp))) else {
        eprintln!("abi_cost: unknown case {case_name:?} (see --list)");
        std::process::exit(2);
    };
    if !IMPLS.contains(&imp) {
        eprintln!("abi_cost: unknown implementation {imp:?} (rust, c, so, crate)");
        std::process::exit(2);
    }
    let mut f = make(op, imp);
    f(n);
}
