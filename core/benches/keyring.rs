//! Keyring costs (issue 7 item 10): envelope encrypt/decrypt against the raw AEAD (a prepared
//! `AeadKey`) at 64 B and 16 KiB; keyring open time with the default Argon2id parameters;
//! rotation latency of a file-backed keyring (durable: save + fsync + rename + directory fsync).
//!
//! `cargo bench -p xpscrypto-core --bench keyring`

use std::hint::black_box;
use std::time::Instant;
use xpscrypto_core::aead::AeadKey;
use xpscrypto_core::keyring::{Kek, Keyring, Options};
use xpscrypto_core::Alg;

fn best_ns(iters: u32, mut f: impl FnMut()) -> f64 {
    (0..15)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..iters {
                f();
            }
            t.elapsed().as_nanos() as f64 / f64::from(iters)
        })
        .fold(f64::MAX, f64::min)
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return;
    }
    xpscrypto_core::init().unwrap();
    println!("1. envelope vs raw AEAD (aes-256-gcm; best of 15 runs, ns/op)");
    println!("   {:>7} {:>12} {:>14} {:>12} {:>14}", "size", "raw seal", "envelope enc", "raw open", "envelope dec");
    let kr = Keyring::in_memory();
    kr.generate("bench", Alg::Aes256Gcm, None).unwrap();
    let raw = AeadKey::new(Alg::Aes256Gcm, &[7; 32]).unwrap();
    for size in [64usize, 16 * 1024] {
        let pt = vec![0x5au8; size];
        let iters = if size == 64 { 200_000 } else { 20_000 };
        let nonce = [1u8; 12];
        let mut out = vec![0u8; size + 16];
        let sealed = raw.seal_to_vec(&nonce, b"", &pt).unwrap();
        let mut back = vec![0u8; size];
        let rs = best_ns(iters, || {
            raw.seal(&nonce, b"", black_box(&pt), &mut out).unwrap();
        });
        let ro = best_ns(iters, || {
            raw.open(&nonce, b"", black_box(&sealed), &mut back).unwrap();
        });
        let env = kr.encrypt("bench", &pt, b"").unwrap();
        let es = best_ns(iters, || {
            black_box(kr.encrypt("bench", black_box(&pt), b"").unwrap());
        });
        let eo = best_ns(iters, || {
            black_box(kr.decrypt(black_box(&env), b"").unwrap());
        });
        println!("   {size:>7} {rs:>12.0} {es:>14.0} {ro:>12.0} {eo:>14.0}   (envelope/raw: {:.2}x, {:.2}x)", es / rs, eo / ro);
    }
    let dir = std::env::temp_dir().join(format!("xps-kr-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bench.xpk");
    let _ = std::fs::remove_file(&path);
    let t = Instant::now();
    let f = Keyring::create(&path, &Kek::passphrase(b"bench passphrase"), &Options::default()).unwrap();
    let create = t.elapsed();
    f.generate("k", Alg::Aes256Gcm, None).unwrap();
    drop(f);
    let mut opens: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            drop(Keyring::open(&path, &Kek::passphrase(b"bench passphrase"), &Options::default()).unwrap());
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    opens.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!("2. keyring with the default Argon2id (t=3, m=64 MiB, p=1): create {:.0} ms, open median {:.0} ms", create.as_secs_f64() * 1e3, opens[2]);
    let f = Keyring::open(&path, &Kek::passphrase(b"bench passphrase"), &Options::default()).unwrap();
    let mut rot: Vec<f64> = (0..30)
        .map(|_| {
            let t = Instant::now();
            f.rotate("k", None).unwrap();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    rot.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let mem = Keyring::in_memory();
    mem.generate("k", Alg::Aes256Gcm, None).unwrap();
    let m = best_ns(200, || {
        mem.rotate("k", None).unwrap();
    });
    println!("3. rotation latency: file-backed (durable) median {:.2} ms, p90 {:.2} ms; in memory {:.1} µs", rot[15], rot[27], m / 1e3);
    let _ = std::fs::remove_dir_all(&dir);
}
