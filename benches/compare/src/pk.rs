//! Public-key operations: ops/s of xpscrypto (Rust API and C ABI) next to the peers, in the same
//! run. One table per algorithm, one row per operation (keygen / sign / verify, keygen / encaps /
//! decaps). Peers: ed25519-dalek / x25519-dalek (what our Ed25519/X25519 kernels wrap), ring,
//! OpenSSL (Ed25519/X25519; the system OpenSSL 3.0 has no ML-KEM/ML-DSA), aws-lc-rs (feature
//! `aws-lc`), the RustCrypto `ml-kem`/`ml-dsa` crates and PQClean through `pqcrypto-*` (what our
//! reference and accelerated PQ kernels wrap), libcrux-ml-kem (feature `libcrux`).
//!
//! Keys and messages are fixed per row; "keygen" is from fresh randomness for every library
//! except where only seeded generation exists (noted). X25519 "keygen+DH" is an ephemeral key
//! pair plus one agreement, the TLS-style cost.

use super::{fp, imp, measure, Cfg, Imp, Kind, PEER, WRAPPED};
use std::hint::black_box;
use xpscrypto_core::{kem, sign, Alg};

struct Row {
    op: &'static str,
    imps: Vec<Imp>,
}

fn ours_available_sign(alg: Alg) -> bool {
    sign::sizes(alg).is_ok()
}

fn ours_available_kem(alg: Alg) -> bool {
    kem::sizes(alg).is_ok()
}

const MSG: &[u8] = b"xpscrypto public-key benchmark message (64 bytes long, padded...)";

fn print_table(cfg: &Cfg, title: &str, note: &str, rows: Vec<Row>) {
    let batch = cfg.cell / cfg.batches as u32;
    let mut cols: Vec<(String, Kind)> = Vec::new();
    let mut results = Vec::new();
    for mut r in rows {
        if r.imps.is_empty() {
            continue;
        }
        for i in &r.imps {
            if !cols.iter().any(|c| c.0 == i.col) {
                cols.push((i.col.clone(), i.kind));
            }
        }
        let stats = measure(&mut r.imps, batch, cfg.batches);
        let cells: Vec<(String, f64, bool)> = r.imps.iter().zip(&stats).map(|(i, s)| (i.col.clone(), 1e9 / s.ns, s.spread > 0.10)).collect();
        results.push((r.op, cells));
    }
    if results.is_empty() {
        return;
    }
    let active = format!("sign.{}", title);
    let kernel = xpscrypto_core::dispatch::active_kernel(&active)
        .or_else(|_| xpscrypto_core::dispatch::active_kernel(&format!("kem.{title}")))
        .unwrap_or("?");
    println!("\n### {title}\n\nActive kernel: `{kernel}`. Operations per second, higher is better. {note}\n");
    let wrapped = cols.iter().find(|c| c.1 == WRAPPED).map(|c| c.0.clone());
    print!("| op | {} | ours/best peer |", cols.iter().map(|c| c.0.as_str()).collect::<Vec<_>>().join(" | "));
    if let Some(w) = &wrapped {
        print!(" ours/{w} |");
    }
    println!(" C-ABI/Rust |");
    println!("|---|{}---:|{}---:|", "---:|".repeat(cols.len()), if wrapped.is_some() { "---:|" } else { "" });
    for (op, cells) in results {
        let get = |name: &str| cells.iter().find(|c| c.0 == name).map(|c| c.1);
        let ours = cells.iter().find(|c| c.0 == "ours").map(|c| c.1);
        let best = cells
            .iter()
            .filter(|c| cols.iter().any(|k| k.0 == c.0 && matches!(k.1, Kind::Peer { .. })))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let mut line = format!("| {op} |");
        for (c, _) in &cols {
            match cells.iter().find(|x| &x.0 == c) {
                Some((_, v, noisy)) => line.push_str(&format!(" {}{} |", fmt_ops(*v), if *noisy { " ~" } else { "" })),
                None => line.push_str(" – |"),
            }
        }
        let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
            _ => "–".into(),
        };
        line.push_str(&format!(" {}{} |", ratio(ours, best.map(|b| b.1)), best.map(|b| format!(" ({})", b.0)).unwrap_or_default()));
        if let Some(w) = &wrapped {
            line.push_str(&format!(" {} |", ratio(ours, get(w))));
        }
        line.push_str(&format!(" {} |", ratio(get("ours C-ABI"), ours)));
        println!("{line}");
    }
}

fn fmt_ops(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else {
        format!("{v:.1}")
    }
}

// ---------------------------------------------------------------------------------------------
// ours (Rust API)
// ---------------------------------------------------------------------------------------------

/// The C exports as opaque function pointers (a C caller goes through the PLT).
mod c_abi {
    use std::hint::black_box;
    use xpscrypto::xps_status;
    pub type Keypair = unsafe extern "C" fn(u32, *const u8, usize, *mut u8, usize, *mut usize, *mut u8, usize, *mut usize) -> xps_status;
    pub type Sign = unsafe extern "C" fn(u32, *const u8, usize, *const u8, usize, *mut u8, usize, *mut usize) -> xps_status;
    pub type Verify = unsafe extern "C" fn(u32, *const u8, usize, *const u8, usize, *const u8, usize) -> xps_status;
    pub type Encaps = unsafe extern "C" fn(u32, *const u8, usize, *const u8, usize, *mut u8, usize, *mut usize, *mut u8, usize, *mut usize) -> xps_status;
    pub type Decaps = unsafe extern "C" fn(u32, *const u8, usize, *const u8, usize, *mut u8, usize, *mut usize) -> xps_status;
    pub fn sign_keypair() -> Keypair {
        black_box(xpscrypto::xps_sign_keypair as Keypair)
    }
    pub fn sign() -> Sign {
        black_box(xpscrypto::xps_sign as Sign)
    }
    pub fn verify() -> Verify {
        black_box(xpscrypto::xps_verify as Verify)
    }
    pub fn kem_keypair() -> Keypair {
        black_box(xpscrypto::xps_kem_keypair as Keypair)
    }
    pub fn encaps() -> Encaps {
        black_box(xpscrypto::xps_kem_encapsulate as Encaps)
    }
    pub fn decaps() -> Decaps {
        black_box(xpscrypto::xps_kem_decapsulate as Decaps)
    }
}

/// The same three operations through the C ABI (same keys and message as [`ours_sign_rows`]).
fn ours_sign_rows_c(alg: Alg, pk: Vec<u8>, sk: Vec<u8>, sig: Vec<u8>) -> (Imp, Imp, Imp) {
    let s = sign::sizes(alg).unwrap();
    let id = alg.id();
    let cap = |n: usize| if n == 0 { sign::MAX_VARIABLE_KEY } else { n };
    let (kp, sg, vf) = (c_abi::sign_keypair(), c_abi::sign(), c_abi::verify());
    let (mut p, mut k) = (vec![0u8; cap(s.public_key)], vec![0u8; cap(s.secret_key)]);
    let keygen = imp("ours C-ABI", Kind::OursC, move || {
        let (mut pl, mut kl) = (0usize, 0usize);
        // SAFETY: live buffers with their capacities.
        let rc = unsafe { kp(id, std::ptr::null(), 0, p.as_mut_ptr(), p.len(), &mut pl, k.as_mut_ptr(), k.len(), &mut kl) };
        assert_eq!(rc, 0, "xps_sign_keypair");
        fp(&p[..pl])
    });
    let mut out = vec![0u8; s.signature];
    let signer = imp("ours C-ABI", Kind::OursC, move || {
        let mut n = 0usize;
        // SAFETY: live buffers with their lengths.
        let rc = unsafe { sg(id, sk.as_ptr(), sk.len(), MSG.as_ptr(), MSG.len(), out.as_mut_ptr(), out.len(), &mut n) };
        assert_eq!(rc, 0, "xps_sign");
        fp(&out[..n])
    });
    let verifier = imp("ours C-ABI", Kind::OursC, move || {
        // SAFETY: live slices with their lengths.
        let rc = unsafe { vf(id, pk.as_ptr(), pk.len(), MSG.as_ptr(), MSG.len(), sig.as_ptr(), sig.len()) };
        fp(&[u8::from(rc == 0)])
    });
    (keygen, signer, verifier)
}

fn ours_kem_rows_c(alg: Alg, pk: Vec<u8>, sk: Vec<u8>, ct: Vec<u8>) -> (Imp, Imp, Imp) {
    let s = kem::sizes(alg).unwrap();
    let id = alg.id();
    let (kp, en, de) = (c_abi::kem_keypair(), c_abi::encaps(), c_abi::decaps());
    let (mut p, mut k) = (vec![0u8; s.public_key], vec![0u8; s.secret_key]);
    let keygen = imp("ours C-ABI", Kind::OursC, move || {
        let (mut pl, mut kl) = (0usize, 0usize);
        // SAFETY: live buffers with their capacities.
        let rc = unsafe { kp(id, std::ptr::null(), 0, p.as_mut_ptr(), p.len(), &mut pl, k.as_mut_ptr(), k.len(), &mut kl) };
        assert_eq!(rc, 0, "xps_kem_keypair");
        fp(&p)
    });
    let (mut c, mut ss) = (vec![0u8; s.ciphertext], vec![0u8; s.shared_secret]);
    let encaps = imp("ours C-ABI", Kind::OursC, move || {
        let (mut cl, mut sl) = (0usize, 0usize);
        // SAFETY: live buffers with their capacities.
        let rc = unsafe { en(id, pk.as_ptr(), pk.len(), std::ptr::null(), 0, c.as_mut_ptr(), c.len(), &mut cl, ss.as_mut_ptr(), ss.len(), &mut sl) };
        assert_eq!(rc, 0, "xps_kem_encapsulate");
        fp(&c)
    });
    let mut ss2 = vec![0u8; s.shared_secret];
    let decaps = imp("ours C-ABI", Kind::OursC, move || {
        let mut sl = 0usize;
        // SAFETY: live buffers with their lengths.
        let rc = unsafe { de(id, sk.as_ptr(), sk.len(), ct.as_ptr(), ct.len(), ss2.as_mut_ptr(), ss2.len(), &mut sl) };
        assert_eq!(rc, 0, "xps_kem_decapsulate");
        fp(&ss2)
    });
    (keygen, encaps, decaps)
}

type Rows = [Vec<Imp>; 3];

fn ours_sign(alg: Alg) -> Rows {
    let (a, b, c) = ours_sign_rows(alg);
    let (pk, sk) = sign::keypair(alg, None).unwrap();
    let sig = sign::sign(alg, sk.as_slice(), MSG).unwrap();
    let (x, y, z) = ours_sign_rows_c(alg, pk, sk.as_slice().to_vec(), sig);
    [vec![a, x], vec![b, y], vec![c, z]]
}

fn ours_kem(alg: Alg) -> Rows {
    let (a, b, c) = ours_kem_rows(alg);
    let (pk, sk) = kem::keypair(alg, None).unwrap();
    let (ct, _) = kem::encapsulate(alg, &pk, None).unwrap();
    let (x, y, z) = ours_kem_rows_c(alg, pk, sk.as_slice().to_vec(), ct);
    [vec![a, x], vec![b, y], vec![c, z]]
}

fn rows_of(ops: [&'static str; 3], ours: Option<Rows>) -> Vec<Row> {
    let mut r = ours.map(|o| o.into_iter().collect::<Vec<_>>()).unwrap_or_else(|| vec![vec![], vec![], vec![]]);
    let mut out = Vec::new();
    for op in ops.iter().rev() {
        out.push(Row { op, imps: r.pop().unwrap() });
    }
    out.reverse();
    out
}

/// Signing through a key handle (Rust `sign::SigningKey`, C `xps_sign_key`): the counterpart of
/// the peers' key objects, which keep the expanded key and the public key between calls.
fn ours_sign_handle(alg: Alg) -> Vec<Imp> {
    type SignKeyFn = unsafe extern "C" fn(*const xpscrypto::xps_sign_key, *const u8, usize, *mut u8, usize, *mut usize) -> xpscrypto::xps_status;
    let n = sign::sizes(alg).unwrap().signature;
    let (_, sk) = sign::keypair(alg, None).unwrap();
    let key = sign::SigningKey::new(alg, sk.as_slice()).unwrap();
    let mut out = vec![0u8; n];
    let rust = imp("ours", Kind::Ours, move || {
        let l = key.sign_into(MSG, &sign::SignOptions::default(), &mut out).unwrap();
        fp(&out[..l])
    });
    let mut h: *mut xpscrypto::xps_sign_key = std::ptr::null_mut();
    // SAFETY: live key buffer; `h` receives the handle, kept for the whole run (never freed).
    assert_eq!(unsafe { xpscrypto::xps_sign_key_new(alg.id(), sk.as_slice().as_ptr(), sk.len(), &mut h) }, 0, "xps_sign_key_new");
    let f = black_box(xpscrypto::xps_sign_key_sign as SignKeyFn);
    let mut out = vec![0u8; n];
    let c = imp("ours C-ABI", Kind::OursC, move || {
        let mut l = 0usize;
        // SAFETY: a live handle and buffers with their lengths.
        let rc = unsafe { f(h, MSG.as_ptr(), MSG.len(), out.as_mut_ptr(), out.len(), &mut l) };
        assert_eq!(rc, 0, "xps_sign_key_sign");
        fp(&out[..l])
    });
    vec![rust, c]
}

/// Decapsulation through a key handle (Rust `kem::DecapsulationKey`, C `xps_kem_key`), which
/// runs the FIPS 203 key checks once instead of on every call.
fn ours_decaps_handle(alg: Alg) -> Vec<Imp> {
    type DecapsKeyFn = unsafe extern "C" fn(*const xpscrypto::xps_kem_key, *const u8, usize, *mut u8, usize, *mut usize) -> xpscrypto::xps_status;
    let (pk, sk) = kem::keypair(alg, None).unwrap();
    let (ct, ss) = kem::encapsulate(alg, &pk, None).unwrap();
    let key = kem::DecapsulationKey::new(alg, sk.as_slice()).unwrap();
    assert_eq!(&key.decapsulate(&ct).unwrap()[..], &ss[..], "ours: handle decapsulation agrees");
    let (ct2, mut k, mut k2) = (ct.clone(), vec![0u8; ss.len()], vec![0u8; ss.len()]);
    let rust = imp("ours", Kind::Ours, move || {
        key.decapsulate_into(&ct2, &mut k).unwrap();
        fp(&k)
    });
    let mut h: *mut xpscrypto::xps_kem_key = std::ptr::null_mut();
    // SAFETY: live key buffer; `h` receives the handle, kept for the whole run (never freed).
    assert_eq!(unsafe { xpscrypto::xps_kem_key_new(alg.id(), sk.as_slice().as_ptr(), sk.len(), &mut h) }, 0, "xps_kem_key_new");
    let f = black_box(xpscrypto::xps_kem_key_decapsulate as DecapsKeyFn);
    let c = imp("ours C-ABI", Kind::OursC, move || {
        let mut l = 0usize;
        // SAFETY: a live handle and buffers with their lengths.
        let rc = unsafe { f(h, ct.as_ptr(), ct.len(), k2.as_mut_ptr(), k2.len(), &mut l) };
        assert_eq!(rc, 0, "xps_kem_key_decapsulate");
        fp(&k2)
    });
    vec![rust, c]
}

fn ours_sign_rows(alg: Alg) -> (Imp, Imp, Imp) {
    let s = sign::sizes(alg).unwrap();
    let (pk, sk) = sign::keypair(alg, None).unwrap();
    let sk2 = sk.as_slice().to_vec();
    let sig = sign::sign(alg, sk.as_slice(), MSG).unwrap();
    sign::verify(alg, &pk, MSG, &sig).expect("ours: own signature verifies");
    let (mut kp, mut ks) = (vec![0u8; s.public_key.max(sign::MAX_VARIABLE_KEY)], vec![0u8; s.secret_key.max(sign::MAX_VARIABLE_KEY)]);
    let keygen = imp("ours", Kind::Ours, move || {
        let (pl, _) = sign::keypair_into(alg, None, &mut kp, &mut ks).unwrap();
        fp(&kp[..pl])
    });
    let mut out = vec![0u8; s.signature];
    let signer = imp("ours", Kind::Ours, move || {
        let n = sign::sign_into(alg, &sk2, MSG, &sign::SignOptions::default(), &mut out).unwrap();
        fp(&out[..n])
    });
    let verifier = imp("ours", Kind::Ours, move || fp(&[u8::from(sign::verify(alg, &pk, MSG, &sig).is_ok())]));
    (keygen, signer, verifier)
}

fn ours_kem_rows(alg: Alg) -> (Imp, Imp, Imp) {
    let s = kem::sizes(alg).unwrap();
    let (pk, sk) = kem::keypair(alg, None).unwrap();
    let sk2 = sk.as_slice().to_vec();
    let (ct, ss) = kem::encapsulate(alg, &pk, None).unwrap();
    assert_eq!(&kem::decapsulate(alg, &sk2, &ct).unwrap()[..], &ss[..], "ours: decapsulation agrees");
    let (mut kp, mut ks) = (vec![0u8; s.public_key], vec![0u8; s.secret_key]);
    let keygen = imp("ours", Kind::Ours, move || {
        kem::keypair_into(alg, None, &mut kp, &mut ks).unwrap();
        fp(&kp)
    });
    let (mut c, mut k) = (vec![0u8; s.ciphertext], vec![0u8; s.shared_secret]);
    let pk2 = pk.clone();
    let encaps = imp("ours", Kind::Ours, move || {
        kem::encapsulate_into(alg, &pk2, None, &mut c, &mut k).unwrap();
        fp(&c)
    });
    let mut k2 = vec![0u8; s.shared_secret];
    let decaps = imp("ours", Kind::Ours, move || {
        kem::decapsulate_into(alg, &sk2, &ct, &mut k2).unwrap();
        fp(&k2)
    });
    (keygen, encaps, decaps)
}

// ---------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------

fn ed25519(cfg: &Cfg) {
    let mut rows = rows_of(["keygen", "sign", "verify"], ours_available_sign(Alg::Ed25519).then(|| ours_sign(Alg::Ed25519)));
    // The peers sign with key objects; this row does the same with our handle.
    let mut handle = Row { op: "sign (key handle)", imps: if ours_available_sign(Alg::Ed25519) { ours_sign_handle(Alg::Ed25519) } else { vec![] } };
    // Cold rows: 16 keys in turn, every call starts from key bytes (our per-thread caches hold 8,
    // so every call misses; the peers build a key object per call).
    let seeds: Vec<[u8; 32]> = (0..16u8).map(|i| [i.wrapping_mul(29).wrapping_add(3); 32]).collect();
    let pks: Vec<[u8; 32]> = seeds.iter().map(|s| ed25519_dalek::SigningKey::from_bytes(s).verifying_key().to_bytes()).collect();
    let sigs: Vec<[u8; 64]> = seeds.iter().map(|s| ed25519_dalek::Signer::sign(&ed25519_dalek::SigningKey::from_bytes(s), MSG).to_bytes()).collect();
    let mut cold_sign = Row { op: "sign, 16 keys in turn", imps: vec![] };
    let mut cold_verify = Row { op: "verify, 16 keys in turn", imps: vec![] };
    let turn = |i: &mut usize| {
        *i = (*i + 1) % 16;
        *i
    };
    if ours_available_sign(Alg::Ed25519) {
        let (ss, mut i, mut out) = (seeds.clone(), 0usize, [0u8; 64]);
        cold_sign.imps.push(imp("ours", Kind::Ours, move || {
            let n = sign::sign_into(Alg::Ed25519, &ss[turn(&mut i)], MSG, &sign::SignOptions::default(), &mut out).unwrap();
            fp(&out[..n])
        }));
        let (pp, gg, mut i) = (pks.clone(), sigs.clone(), 0usize);
        cold_verify.imps.push(imp("ours", Kind::Ours, move || {
            let j = turn(&mut i);
            fp(&[u8::from(sign::verify(Alg::Ed25519, &pp[j], MSG, &gg[j]).is_ok())])
        }));
    }
    {
        let (ss, mut i) = (seeds.clone(), 0usize);
        cold_sign.imps.push(imp("ed25519-dalek", WRAPPED, move || fp(&ed25519_dalek::Signer::sign(&ed25519_dalek::SigningKey::from_bytes(&ss[turn(&mut i)]), MSG).to_bytes())));
        let (pp, gg, mut i) = (pks.clone(), sigs.clone(), 0usize);
        cold_verify.imps.push(imp("ed25519-dalek", WRAPPED, move || {
            let j = turn(&mut i);
            let vk = ed25519_dalek::VerifyingKey::from_bytes(&pp[j]).unwrap();
            fp(&[u8::from(vk.verify_strict(MSG, &ed25519_dalek::Signature::from_bytes(&gg[j])).is_ok())])
        }));
        use ring::signature::{Ed25519KeyPair, UnparsedPublicKey, ED25519};
        let (ss, mut i) = (seeds.clone(), 0usize);
        cold_sign.imps.push(imp("ring", PEER, move || fp(Ed25519KeyPair::from_seed_unchecked(&ss[turn(&mut i)]).unwrap().sign(MSG).as_ref())));
        let (pp, gg, mut i) = (pks.clone(), sigs.clone(), 0usize);
        cold_verify.imps.push(imp("ring", PEER, move || {
            let j = turn(&mut i);
            fp(&[u8::from(UnparsedPublicKey::new(&ED25519, &pp[j]).verify(MSG, &gg[j]).is_ok())])
        }));
    }
    #[cfg(feature = "aws-lc")]
    {
        use aws_lc_rs::signature::{Ed25519KeyPair, UnparsedPublicKey, ED25519};
        let (ss, mut i) = (seeds.clone(), 0usize);
        cold_sign.imps.push(imp("aws-lc-rs", PEER, move || fp(Ed25519KeyPair::from_seed_unchecked(&ss[turn(&mut i)]).unwrap().sign(MSG).as_ref())));
        let (pp, gg, mut i) = (pks.clone(), sigs.clone(), 0usize);
        cold_verify.imps.push(imp("aws-lc-rs", PEER, move || {
            let j = turn(&mut i);
            fp(&[u8::from(UnparsedPublicKey::new(&ED25519, &pp[j]).verify(MSG, &gg[j]).is_ok())])
        }));
    }
    let seed = [7u8; 32];
    {
        use ed25519_dalek::{Signer, SigningKey};
        let k = SigningKey::from_bytes(&seed);
        let vk = k.verifying_key();
        let sig = k.sign(MSG);
        let k2 = k.clone();
        handle.imps.push(imp("ed25519-dalek", WRAPPED, move || fp(&k2.sign(MSG).to_bytes())));
        rows[0].imps.push(imp("ed25519-dalek", WRAPPED, move || {
            let mut s = [0u8; 32];
            getrandom::fill(&mut s).unwrap();
            fp(SigningKey::from_bytes(&s).verifying_key().as_bytes())
        }));
        rows[1].imps.push(imp("ed25519-dalek", WRAPPED, move || fp(&k.sign(MSG).to_bytes())));
        rows[2].imps.push(imp("ed25519-dalek", WRAPPED, move || fp(&[u8::from(vk.verify_strict(MSG, &sig).is_ok())])));
    }
    {
        use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};
        let rng = ring::rand::SystemRandom::new();
        let k = Ed25519KeyPair::from_seed_unchecked(&seed).unwrap();
        let pk = k.public_key().as_ref().to_vec();
        let sig = k.sign(MSG).as_ref().to_vec();
        let k2 = Ed25519KeyPair::from_seed_unchecked(&seed).unwrap();
        handle.imps.push(imp("ring", PEER, move || fp(k2.sign(MSG).as_ref())));
        rows[0].imps.push(imp("ring", PEER, move || {
            let mut s = [0u8; 32];
            ring::rand::SecureRandom::fill(&rng, &mut s).unwrap();
            fp(Ed25519KeyPair::from_seed_unchecked(&s).unwrap().public_key().as_ref())
        }));
        rows[1].imps.push(imp("ring", PEER, move || fp(k.sign(MSG).as_ref())));
        rows[2].imps.push(imp("ring", PEER, move || fp(&[u8::from(UnparsedPublicKey::new(&ED25519, &pk).verify(MSG, &sig).is_ok())])));
    }
    #[cfg(feature = "openssl")]
    {
        use openssl::pkey::{Id, PKey};
        use openssl::sign::{Signer, Verifier};
        let k = PKey::private_key_from_raw_bytes(&seed, Id::ED25519).unwrap();
        let pk = PKey::public_key_from_raw_bytes(&k.raw_public_key().unwrap(), Id::ED25519).unwrap();
        let sig = Signer::new_without_digest(&k).unwrap().sign_oneshot_to_vec(MSG).unwrap();
        let k2 = k.clone();
        handle.imps.push(imp("OpenSSL", PEER, move || fp(&Signer::new_without_digest(&k2).unwrap().sign_oneshot_to_vec(MSG).unwrap())));
        rows[0].imps.push(imp("OpenSSL", PEER, || fp(&PKey::generate_ed25519().unwrap().raw_public_key().unwrap())));
        rows[1].imps.push(imp("OpenSSL", PEER, move || fp(&Signer::new_without_digest(&k).unwrap().sign_oneshot_to_vec(MSG).unwrap())));
        rows[2].imps.push(imp("OpenSSL", PEER, move || {
            fp(&[u8::from(Verifier::new_without_digest(&pk).unwrap().verify_oneshot(&sig, MSG).unwrap())])
        }));
    }
    #[cfg(feature = "aws-lc")]
    {
        use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};
        let k = Ed25519KeyPair::from_seed_unchecked(&seed).unwrap();
        let pk = k.public_key().as_ref().to_vec();
        let sig = k.sign(MSG).as_ref().to_vec();
        let k2 = Ed25519KeyPair::from_seed_unchecked(&seed).unwrap();
        handle.imps.push(imp("aws-lc-rs", PEER, move || fp(k2.sign(MSG).as_ref())));
        rows[0].imps.push(imp("aws-lc-rs", PEER, || fp(Ed25519KeyPair::generate().unwrap().public_key().as_ref())));
        rows[1].imps.push(imp("aws-lc-rs", PEER, move || fp(k.sign(MSG).as_ref())));
        rows[2].imps.push(imp("aws-lc-rs", PEER, move || fp(&[u8::from(UnparsedPublicKey::new(&ED25519, &pk).verify(MSG, &sig).is_ok())])));
    }
    rows.insert(2, handle);
    rows.insert(3, cold_sign);
    rows.push(cold_verify);
    print_table(
        cfg,
        "ed25519",
        "Verify: ours and dalek are strict (RFC 8032 + small-order rejection). \"sign\" / \"verify\": the flat calls with one key, bytes in (our per-thread caches keep its public key, decoded); the peers hold key objects. \"sign (key handle)\": `SigningKey` / `xps_sign_key`. \"16 keys in turn\": every call from key bytes, our caches missing, the peers building a key object per call.",
        rows,
    );
}

fn x25519(cfg: &Cfg) {
    let mut imps = Vec::new();
    let peer_pub = x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::from([9u8; 32])).to_bytes();
    if ours_available_kem(Alg::X25519) {
        let (mut ct, mut ss) = ([0u8; 32], [0u8; 32]);
        imps.push(imp("ours", Kind::Ours, move || {
            // Encapsulation = ephemeral key pair + DH with the peer (brief §7).
            kem::encapsulate_into(Alg::X25519, &peer_pub, None, &mut ct, &mut ss).unwrap();
            fp(&ct)
        }));
        let en = c_abi::encaps();
        let (mut ct, mut ss) = ([0u8; 32], [0u8; 32]);
        imps.push(imp("ours C-ABI", Kind::OursC, move || {
            let (mut cl, mut sl) = (0usize, 0usize);
            // SAFETY: live buffers with their capacities.
            let rc = unsafe { en(Alg::X25519.id(), peer_pub.as_ptr(), 32, std::ptr::null(), 0, ct.as_mut_ptr(), 32, &mut cl, ss.as_mut_ptr(), 32, &mut sl) };
            assert_eq!(rc, 0, "xps_kem_encapsulate");
            fp(&ct)
        }));
    }
    imps.push(imp("x25519-dalek", WRAPPED, move || {
        let e = x25519_dalek::EphemeralSecret::random();
        let p = x25519_dalek::PublicKey::from(&e);
        let s = e.diffie_hellman(&x25519_dalek::PublicKey::from(peer_pub));
        black_box(s.as_bytes());
        fp(p.as_bytes())
    }));
    {
        use ring::agreement::{agree_ephemeral, EphemeralPrivateKey, UnparsedPublicKey, X25519};
        let rng = ring::rand::SystemRandom::new();
        imps.push(imp("ring", PEER, move || {
            let e = EphemeralPrivateKey::generate(&X25519, &rng).unwrap();
            let p = e.compute_public_key().unwrap();
            agree_ephemeral(e, &UnparsedPublicKey::new(&X25519, &peer_pub), |k| black_box(k[0])).unwrap();
            fp(p.as_ref())
        }));
    }
    #[cfg(feature = "openssl")]
    {
        use openssl::derive::Deriver;
        use openssl::pkey::{Id, PKey};
        let peer = PKey::public_key_from_raw_bytes(&peer_pub, Id::X25519).unwrap();
        imps.push(imp("OpenSSL", PEER, move || {
            let e = PKey::generate_x25519().unwrap();
            let mut d = Deriver::new(&e).unwrap();
            d.set_peer(&peer).unwrap();
            black_box(d.derive_to_vec().unwrap());
            fp(&e.raw_public_key().unwrap())
        }));
    }
    #[cfg(feature = "aws-lc")]
    {
        use aws_lc_rs::agreement::{agree_ephemeral, EphemeralPrivateKey, UnparsedPublicKey, X25519};
        let rng = aws_lc_rs::rand::SystemRandom::new();
        imps.push(imp("aws-lc-rs", PEER, move || {
            let e = EphemeralPrivateKey::generate(&X25519, &rng).unwrap();
            let p = e.compute_public_key().unwrap();
            agree_ephemeral(e, UnparsedPublicKey::new(&X25519, &peer_pub), aws_lc_rs::error::Unspecified, |k| Ok(black_box(k[0]))).unwrap();
            fp(p.as_ref())
        }));
    }
    print_table(cfg, "x25519", "One ephemeral key pair + one agreement with a fixed peer key per operation.", vec![Row { op: "keygen+DH", imps }]);
}

fn ml_kem_768(cfg: &Cfg) {
    let mut rows = rows_of(["keygen", "encaps", "decaps"], ours_available_kem(Alg::MlKem768).then(|| ours_kem(Alg::MlKem768)));
    // The flat `decapsulate` runs the FIPS 203 §7.3 key checks on every call; a handle runs them
    // once. The peers below take a parsed key object (RustCrypto, aws-lc-rs) or skip the checks
    // (PQClean), so both rows list them.
    let mut handle = Row { op: "decaps (key handle)", imps: if ours_available_kem(Alg::MlKem768) { ours_decaps_handle(Alg::MlKem768) } else { vec![] } };
    {
        use ml_kem::kem::{Decapsulate, Encapsulate};
        use ml_kem::{DecapsulationKey768, KeyExport, Seed};
        let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
        let dk = DecapsulationKey768::from_seed(Seed::from([3u8; 64]));
        let ek = dk.encapsulation_key().clone();
        let (ct, _) = ek.encapsulate_with_rng(&mut rng);
        let (dk2, ct2) = (dk.clone(), ct);
        handle.imps.push(imp("ml-kem (RustCrypto)", PEER, move || fp(&dk2.decapsulate(&ct2))));
        rows[0].imps.push(imp("ml-kem (RustCrypto)", PEER, move || {
            let mut s = [0u8; 64];
            getrandom::fill(&mut s).unwrap();
            let k = DecapsulationKey768::from_seed(Seed::from(s));
            fp(&k.encapsulation_key().to_bytes())
        }));
        rows[1].imps.push(imp("ml-kem (RustCrypto)", PEER, move || fp(&ek.encapsulate_with_rng(&mut rand_core::UnwrapErr(getrandom::SysRng)).0)));
        rows[2].imps.push(imp("ml-kem (RustCrypto)", PEER, move || fp(&dk.decapsulate(&ct))));
    }
    {
        use pqcrypto_mlkem::mlkem768;
        use pqcrypto_traits::kem::SharedSecret;
        let (pk, sk) = mlkem768::keypair();
        let (_, ct) = mlkem768::encapsulate(&pk);
        rows[0].imps.push(imp("PQClean (pqcrypto)", PEER, || fp(pqcrypto_traits::kem::PublicKey::as_bytes(&mlkem768::keypair().0))));
        let pk2 = pk;
        rows[1].imps.push(imp("PQClean (pqcrypto)", PEER, move || fp(mlkem768::encapsulate(&pk2).0.as_bytes())));
        let (ct2, sk2) = (ct, sk);
        handle.imps.push(imp("PQClean (pqcrypto)", PEER, move || fp(mlkem768::decapsulate(&ct2, &sk2).as_bytes())));
        rows[2].imps.push(imp("PQClean (pqcrypto)", PEER, move || fp(mlkem768::decapsulate(&ct, &sk).as_bytes())));
    }
    #[cfg(feature = "aws-lc")]
    {
        use aws_lc_rs::kem::{DecapsulationKey, ML_KEM_768};
        let dk = DecapsulationKey::generate(&ML_KEM_768).unwrap();
        let ek = dk.encapsulation_key().unwrap();
        let (ct, _) = ek.encapsulate().unwrap();
        let ct = ct.as_ref().to_vec();
        rows[0].imps.push(imp("aws-lc-rs", PEER, || {
            fp(DecapsulationKey::generate(&ML_KEM_768).unwrap().encapsulation_key().unwrap().key_bytes().unwrap().as_ref())
        }));
        rows[1].imps.push(imp("aws-lc-rs", PEER, move || fp(ek.encapsulate().unwrap().0.as_ref())));
        let dk2 = DecapsulationKey::generate(&ML_KEM_768).unwrap();
        let ct2 = dk2.encapsulation_key().unwrap().encapsulate().unwrap().0.as_ref().to_vec();
        handle.imps.push(imp("aws-lc-rs", PEER, move || fp(dk2.decapsulate(ct2.as_slice().into()).unwrap().as_ref())));
        rows[2].imps.push(imp("aws-lc-rs", PEER, move || fp(dk.decapsulate(ct.as_slice().into()).unwrap().as_ref())));
    }
    #[cfg(feature = "libcrux")]
    {
        use libcrux_ml_kem::mlkem768;
        let kp = mlkem768::generate_key_pair([5u8; 64]);
        let (ct, _) = mlkem768::encapsulate(kp.public_key(), [6u8; 32]);
        let pk = kp.public_key().clone();
        rows[0].imps.push(imp("libcrux", PEER, || {
            let mut s = [0u8; 64];
            getrandom::fill(&mut s).unwrap();
            fp(mlkem768::generate_key_pair(s).public_key().as_slice())
        }));
        rows[1].imps.push(imp("libcrux", PEER, move || {
            let mut m = [0u8; 32];
            getrandom::fill(&mut m).unwrap();
            fp(mlkem768::encapsulate(&pk, m).0.as_slice())
        }));
        rows[2].imps.push(imp("libcrux", PEER, move || fp(&mlkem768::decapsulate(kp.private_key(), &ct))));
    }
    rows.push(handle);
    print_table(cfg, "ml-kem-768", "Keygen from 64 fresh random bytes (d‖z) where the library takes a seed. \"decaps\" is the flat call (FIPS 203 §7.3 key checks every call); \"decaps (key handle)\" uses `DecapsulationKey` / `xps_kem_key` (checks once).", rows);
}

fn ml_dsa_65(cfg: &Cfg) {
    let mut rows = rows_of(["keygen", "sign", "verify"], ours_available_sign(Alg::MlDsa65).then(|| ours_sign(Alg::MlDsa65)));
    {
        use ml_dsa::{Keypair, MlDsa65, SigningKey};
        let k = SigningKey::<MlDsa65>::from_seed(&[4u8; 32].into());
        let vk = k.verifying_key();
        let sig = k.expanded_key().sign_deterministic(MSG, b"").unwrap();
        rows[0].imps.push(imp("ml-dsa (RustCrypto)", PEER, || {
            let mut s = [0u8; 32];
            getrandom::fill(&mut s).unwrap();
            fp(&SigningKey::<MlDsa65>::from_seed(&s.into()).verifying_key().encode())
        }));
        let k2 = k.expanded_key().clone();
        rows[1].imps.push(imp("ml-dsa (RustCrypto)", PEER, move || {
            fp(&k2.sign_randomized(MSG, b"", &mut getrandom::SysRng).unwrap().encode())
        }));
        rows[2].imps.push(imp("ml-dsa (RustCrypto)", PEER, move || fp(&[u8::from(vk.verify_with_context(MSG, b"", &sig))])));
    }
    {
        use pqcrypto_mldsa::mldsa65;
        use pqcrypto_traits::sign::DetachedSignature;
        let (pk, sk) = mldsa65::keypair();
        let sig = mldsa65::detached_sign(MSG, &sk);
        rows[0].imps.push(imp("PQClean (pqcrypto)", PEER, || fp(pqcrypto_traits::sign::PublicKey::as_bytes(&mldsa65::keypair().0))));
        rows[1].imps.push(imp("PQClean (pqcrypto)", PEER, move || fp(mldsa65::detached_sign(MSG, &sk).as_bytes())));
        rows[2].imps.push(imp("PQClean (pqcrypto)", PEER, move || fp(&[u8::from(mldsa65::verify_detached_signature(&sig, MSG, &pk).is_ok())])));
    }
    #[cfg(feature = "aws-lc")]
    {
        use aws_lc_rs::signature::{KeyPair, UnparsedPublicKey};
        use aws_lc_rs::unstable::signature::{PqdsaKeyPair, ML_DSA_65, ML_DSA_65_SIGNING};
        let k = PqdsaKeyPair::generate(&ML_DSA_65_SIGNING).unwrap();
        let pk = k.public_key().as_ref().to_vec();
        let mut sig = vec![0u8; ML_DSA_65_SIGNING.signature_len()];
        k.sign(MSG, &mut sig).unwrap();
        rows[0].imps.push(imp("aws-lc-rs", PEER, || fp(PqdsaKeyPair::generate(&ML_DSA_65_SIGNING).unwrap().public_key().as_ref())));
        let mut out = sig.clone();
        rows[1].imps.push(imp("aws-lc-rs", PEER, move || {
            k.sign(MSG, &mut out).unwrap();
            fp(&out)
        }));
        rows[2].imps.push(imp("aws-lc-rs", PEER, move || fp(&[u8::from(UnparsedPublicKey::new(&ML_DSA_65, &pk).verify(MSG, &sig).is_ok())])));
    }
    print_table(cfg, "ml-dsa-65", "Hedged signing (fresh randomness) everywhere, empty context.", rows);
}

fn falcon_512(cfg: &Cfg) {
    let mut rows = rows_of(["keygen", "sign", "verify"], ours_available_sign(Alg::Falcon512).then(|| ours_sign(Alg::Falcon512)));
    use pqcrypto_falcon::falcon512;
    use pqcrypto_traits::sign::DetachedSignature;
    let (pk, sk) = falcon512::keypair();
    let sig = falcon512::detached_sign(MSG, &sk);
    rows[0].imps.push(imp("PQClean (pqcrypto)", WRAPPED, || fp(pqcrypto_traits::sign::PublicKey::as_bytes(&falcon512::keypair().0))));
    rows[1].imps.push(imp("PQClean (pqcrypto)", WRAPPED, move || fp(falcon512::detached_sign(MSG, &sk).as_bytes())));
    rows[2].imps.push(imp("PQClean (pqcrypto)", WRAPPED, move || fp(&[u8::from(falcon512::verify_detached_signature(&sig, MSG, &pk).is_ok())])));
    print_table(cfg, "falcon-512", "Round-3 Falcon (FIPS 206 is not final).", rows);
}

/// Algorithms whose only implementation here is ours (no peer in this harness): measured for
/// the record (X-Wing, the hybrid signature, SLH-DSA, RSA-PSS).
fn ours_only(cfg: &Cfg, all: bool) {
    for (alg, note) in [
        (Alg::XWing, "X25519 + ML-KEM-768 combined (draft-connolly-cfrg-xwing-kem)."),
        (Alg::Ed25519MlDsa65, "Composite ML-DSA-65 + Ed25519: both components per operation."),
        (Alg::RsaPssSha256, "RSA-3072 keys from our keygen; PSS, SHA-256, 32-byte salt."),
        (Alg::SlhDsaSha2_128s, "SLH-DSA-SHA2-128s (slow by design: ~hundreds of ms to sign)."),
    ] {
        if !(all || cfg.wants(alg.name())) {
            continue;
        }
        let rows = if alg.family() == xpscrypto_core::Family::Kem {
            if !ours_available_kem(alg) {
                continue;
            }
            rows_of(["keygen", "encaps", "decaps"], Some(ours_kem(alg)))
        } else {
            if !ours_available_sign(alg) {
                continue;
            }
            let mut rows = rows_of(["keygen", "sign", "verify"], Some(ours_sign(alg)));
            if alg == Alg::RsaPssSha256 {
                rows.remove(0); // RSA-3072 key generation takes ~1 s: not a throughput number
            }
            rows
        };
        print_table(cfg, alg.name(), note, rows);
    }
}

pub(crate) fn run(cfg: &Cfg) {
    if !(cfg.wants("pk") || ["ed25519", "x25519", "ml-kem", "ml-dsa", "falcon", "x-wing", "rsa", "slh", "+ml-dsa"].iter().any(|i| cfg.wants(i))) {
        return;
    }
    println!("\n## Public-key operations\n");
    let all = cfg.only.is_empty() || cfg.wants("pk");
    if all || cfg.wants("ed25519") {
        ed25519(cfg);
    }
    if all || cfg.wants("x25519") {
        x25519(cfg);
    }
    if all || cfg.wants("ml-kem") {
        ml_kem_768(cfg);
    }
    if all || cfg.wants("ml-dsa") {
        ml_dsa_65(cfg);
    }
    if all || cfg.wants("falcon") {
        falcon_512(cfg);
    }
    ours_only(cfg, all);
}

/// `--kernels`: every candidate kernel of the public-key ops that have more than one (portable
/// reference vs accelerated), forced in turn through the dispatch table and measured right away
/// (the public API reads the active table on every call).
pub(crate) fn run_kernels(cfg: &Cfg) {
    use xpscrypto_core::dispatch;
    let batch = cfg.cell / cfg.batches as u32;
    for op in dispatch::ops().iter().filter(|o| (o.name.starts_with("sign.") || o.name.starts_with("kem.")) && o.candidates.len() > 1) {
        let alg = Alg::from_name(op.name.split_once('.').unwrap().1).unwrap();
        if !(cfg.only.is_empty() || cfg.wants("pk") || cfg.wants(alg.name())) {
            continue;
        }
        let mut table: Vec<(&str, Vec<f64>)> = Vec::new();
        for c in &op.candidates {
            let name = c.desc().name();
            if dispatch::force(op.name, name).is_err() {
                continue;
            }
            let (a, b, d) = if alg.family() == xpscrypto_core::Family::Kem { ours_kem_rows(alg) } else { ours_sign_rows(alg) };
            let rates = [a, b, d].into_iter().map(|i| 1e9 / measure(&mut [i], batch, cfg.batches)[0].ns).collect();
            table.push((name, rates));
        }
        let _ = dispatch::reset();
        let ops = if alg.family() == xpscrypto_core::Family::Kem { ["keygen", "encaps", "decaps"] } else { ["keygen", "sign", "verify"] };
        println!("\n### {} kernels (`--kernels`)\n\nOperations per second per candidate kernel (forced in turn).\n", op.name);
        println!("| op | {} |", table.iter().map(|t| format!("`{}`", t.0)).collect::<Vec<_>>().join(" | "));
        println!("|---|{}", "---:|".repeat(table.len()));
        for (r, opname) in ops.iter().enumerate() {
            println!("| {opname} | {} |", table.iter().map(|t| fmt_ops(t.1[r])).collect::<Vec<_>>().join(" | "));
        }
    }
}
