//! `abi_cost CASE N`: runs one case N times at 64 B, for instruction counting under callgrind
//! (`scripts/abi-cost.sh` runs every case at two iteration counts and prints the per-call
//! difference, which cancels start-up, self-tests and set-up).
//!
//! A case is `<op>-<impl>`: op ∈ sha256 sha512 blake3 hmac-sha256 aes128-seal aes256-seal
//! aes256-open chacha-seal xchacha-seal; impl ∈ rust (the Rust API, as in `compare`), c (the C
//! export through an opaque function pointer), crate (the RustCrypto crate called directly).
//! `abi_cost --list` prints every case. Same data, AAD and call shapes as the `compare` harness.

use std::hint::black_box;
use xpscrypto::{xps_aead_key, xps_status};
use xpscrypto_core::aead::{AeadKey, TAG_LEN};
use xpscrypto_core::{aead, hash, mac, Alg};

const SIZE: usize = 64;
const AAD: [u8; 13] = *b"bench-aad-13b";

const OPS: [&str; 9] = ["sha256", "sha512", "blake3", "hmac-sha256", "aes128-seal", "aes256-seal", "aes256-open", "chacha-seal", "xchacha-seal"];
const IMPLS: [&str; 3] = ["rust", "c", "crate"];

fn pattern(n: usize, seed: u8) -> Vec<u8> {
    (0..n).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

type AeadKeyFn = unsafe extern "C" fn(*const xps_aead_key, *const u8, usize, *const u8, usize, *const u8, usize, *mut u8, usize, *mut usize) -> xps_status;
type HashFn = unsafe extern "C" fn(u32, *const u8, usize, *mut u8, usize, *mut usize) -> xps_status;
type HmacFn = unsafe extern "C" fn(u32, *const u8, usize, *const u8, usize, *mut u8, usize, *mut usize) -> xps_status;

/// An `xps_aead_key*`, freed on drop.
struct Key(*mut xps_aead_key);
impl Key {
    fn new(alg: Alg, key: &[u8]) -> Key {
        let mut h = std::ptr::null_mut();
        // SAFETY: valid key slice and out-pointer.
        let rc = unsafe { xpscrypto::xps_aead_key_new(alg.id(), key.as_ptr(), key.len(), &mut h) };
        assert_eq!(rc, 0, "xps_aead_key_new failed");
        Key(h)
    }
}
impl Drop for Key {
    fn drop(&mut self) {
        // SAFETY: a handle from xps_aead_key_new, freed once.
        unsafe { xpscrypto::xps_aead_key_free(self.0) }
    }
}

fn check(rc: xps_status) {
    assert_eq!(rc, 0, "C export failed");
}

/// Runs `f` `n` times; never inlined, so a profile shows the loop as one function.
#[inline(never)]
fn run(n: u64, mut f: impl FnMut()) {
    for _ in 0..n {
        f();
    }
}

fn hash_case(alg: Alg, imp: &str, n: u64) {
    let data = pattern(SIZE, 2);
    let mut out = [0u8; 64];
    match imp {
        "rust" => run(n, || {
            let k = hash::hash_into(alg, black_box(&data), &mut out).unwrap();
            black_box(&out[..k]);
        }),
        "c" => {
            let f = black_box(xpscrypto::xps_hash as HashFn);
            run(n, || {
                let mut len = 0usize;
                // SAFETY: valid input slice and a 64-byte output buffer.
                check(unsafe { f(alg.id(), data.as_ptr(), data.len(), out.as_mut_ptr(), out.len(), &mut len) });
                black_box(&out[..len]);
            })
        }
        _ => {
            use sha2::Digest;
            run(n, || match alg {
                Alg::Sha256 => drop(black_box(sha2::Sha256::digest(black_box(&data)))),
                Alg::Sha512 => drop(black_box(sha2::Sha512::digest(black_box(&data)))),
                _ => drop(black_box(blake3::hash(black_box(&data)))),
            })
        }
    }
}

fn hmac_case(imp: &str, n: u64) {
    let (key, data) = (pattern(32, 3), pattern(SIZE, 2));
    let mut out = [0u8; 32];
    match imp {
        "rust" => run(n, || {
            mac::mac_into(Alg::HmacSha256, black_box(&key), black_box(&data), &mut out).unwrap();
            black_box(&out);
        }),
        "c" => {
            let f = black_box(xpscrypto::xps_hmac as HmacFn);
            run(n, || {
                let mut len = 0usize;
                // SAFETY: valid key/data slices and a 32-byte output buffer.
                check(unsafe { f(Alg::HmacSha256.id(), key.as_ptr(), key.len(), data.as_ptr(), data.len(), out.as_mut_ptr(), out.len(), &mut len) });
                black_box(&out);
            })
        }
        _ => {
            use hmac::{KeyInit, Mac};
            run(n, || {
                let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(black_box(&key)).unwrap();
                m.update(black_box(&data));
                black_box(m.finalize().into_bytes());
            })
        }
    }
}

fn crate_seal<A: aes_gcm::aead::AeadInOut + aes_gcm::aead::KeyInit>(key: &[u8], nonce: &[u8], n: u64) {
    use aes_gcm::aead::{inout::InOutBuf, Nonce};
    let c = A::new_from_slice(key).unwrap();
    let nn = Nonce::<A>::try_from(nonce).unwrap();
    let mut buf = pattern(SIZE, 1);
    run(n, || {
        black_box(c.encrypt_inout_detached(&nn, black_box(&AAD), InOutBuf::from(&mut buf[..])).unwrap());
    })
}

fn crate_open<A: aes_gcm::aead::AeadInOut + aes_gcm::aead::KeyInit>(key: &[u8], nonce: &[u8], sealed: &[u8], n: u64) {
    use aes_gcm::aead::{inout::InOutBuf, Nonce, Tag};
    let c = A::new_from_slice(key).unwrap();
    let nn = Nonce::<A>::try_from(nonce).unwrap();
    let mut out = vec![0u8; SIZE];
    run(n, || {
        let tag = Tag::<A>::try_from(&sealed[SIZE..]).unwrap();
        c.decrypt_inout_detached(&nn, black_box(&AAD), InOutBuf::new(&sealed[..SIZE], &mut out).unwrap(), &tag).expect("authentication");
        black_box(&out);
    })
}

fn seal_case(alg: Alg, imp: &str, n: u64) {
    let key = pattern(aead::key_len(alg).unwrap(), 0x5a);
    let nonce = pattern(aead::nonce_len(alg).unwrap(), 0xa5);
    let mut buf = pattern(SIZE, 1);
    buf.resize(SIZE + TAG_LEN, 0);
    match imp {
        "rust" => {
            let k = AeadKey::new(alg, &key).unwrap();
            run(n, || {
                let (m, t) = buf.split_at_mut(SIZE);
                let tag = k.seal_in_place(black_box(&nonce), &AAD, m).unwrap();
                t.copy_from_slice(&tag);
                black_box(&*t);
            })
        }
        "c" => {
            let h = Key::new(alg, &key);
            let f = black_box(xpscrypto::xps_aead_key_seal as AeadKeyFn);
            run(n, || {
                let p = buf.as_mut_ptr();
                let mut len = 0usize;
                // SAFETY: live handle; `p` holds SIZE + 16 bytes; in place is allowed.
                check(unsafe { f(h.0, nonce.as_ptr(), nonce.len(), AAD.as_ptr(), AAD.len(), p, SIZE, p, SIZE + TAG_LEN, &mut len) });
                black_box(&buf[SIZE..]);
            })
        }
        _ => match alg {
            Alg::Aes128Gcm => crate_seal::<aes_gcm::Aes128Gcm>(&key, &nonce, n),
            Alg::Aes256Gcm => crate_seal::<aes_gcm::Aes256Gcm>(&key, &nonce, n),
            Alg::ChaCha20Poly1305 => crate_seal::<chacha20poly1305::ChaCha20Poly1305>(&key, &nonce, n),
            _ => crate_seal::<chacha20poly1305::XChaCha20Poly1305>(&key, &nonce, n),
        },
    }
}

fn open_case(alg: Alg, imp: &str, n: u64) {
    let key = pattern(aead::key_len(alg).unwrap(), 0x5a);
    let nonce = pattern(aead::nonce_len(alg).unwrap(), 0xa5);
    let sealed = aead::seal_to_vec(alg, &key, &nonce, &AAD, &pattern(SIZE, 1)).unwrap();
    let mut out = vec![0u8; SIZE];
    match imp {
        "rust" => {
            let k = AeadKey::new(alg, &key).unwrap();
            run(n, || {
                k.open(black_box(&nonce), &AAD, &sealed, &mut out).expect("authentication");
                black_box(&out);
            })
        }
        "c" => {
            let h = Key::new(alg, &key);
            let f = black_box(xpscrypto::xps_aead_key_open as AeadKeyFn);
            run(n, || {
                let mut len = 0usize;
                // SAFETY: live handle; disjoint input (SIZE + 16 bytes) and output (SIZE bytes).
                check(unsafe { f(h.0, nonce.as_ptr(), nonce.len(), AAD.as_ptr(), AAD.len(), sealed.as_ptr(), sealed.len(), out.as_mut_ptr(), SIZE, &mut len) });
                black_box(&out);
            })
        }
        _ => crate_open::<aes_gcm::Aes256Gcm>(&key, &nonce, &sealed, n),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--list") {
        for op in OPS {
            for imp in IMPLS {
                println!("{op}-{imp}");
            }
        }
        return;
    }
    let (Some(case), Some(n)) = (args.first(), args.get(1).and_then(|s| s.parse::<u64>().ok())) else {
        eprintln!("usage: abi_cost CASE ITERATIONS | abi_cost --list");
        std::process::exit(2);
    };
    let Some((op, imp)) = OPS.iter().find_map(|op| case.strip_prefix(op).and_then(|r| r.strip_prefix('-')).map(|i| (*op, i))) else {
        eprintln!("abi_cost: unknown case {case:?} (see --list)");
        std::process::exit(2);
    };
    if !IMPLS.contains(&imp) {
        eprintln!("abi_cost: unknown implementation {imp:?} (rust, c, crate)");
        std::process::exit(2);
    }
    // Initialize (self-tests) before the measured loop in every case alike.
    xpscrypto_core::init().expect("init");
    match op {
        "sha256" => hash_case(Alg::Sha256, imp, n),
        "sha512" => hash_case(Alg::Sha512, imp, n),
        "blake3" => hash_case(Alg::Blake3, imp, n),
        "hmac-sha256" => hmac_case(imp, n),
        "aes128-seal" => seal_case(Alg::Aes128Gcm, imp, n),
        "aes256-seal" => seal_case(Alg::Aes256Gcm, imp, n),
        "aes256-open" => open_case(Alg::Aes256Gcm, imp, n),
        "chacha-seal" => seal_case(Alg::ChaCha20Poly1305, imp, n),
        _ => seal_case(Alg::XChaCha20Poly1305, imp, n),
    }
}
