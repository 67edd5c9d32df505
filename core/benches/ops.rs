//! `cargo bench -p xpscrypto-core`: every op of the public API at 64 B, 1 KiB, 16 KiB and 1 MiB,
//! on the kernels dispatch selects (set XPS_CPU_DISABLE=all to measure the portable ones).
//! Peer comparisons live in `benches/compare` (scripts/bench-compare.sh).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;
use xpscrypto_core::{aead, dispatch, hash, kdf, mac, Alg};

const SIZES: [usize; 4] = [64, 1024, 16 * 1024, 1 << 20];

fn hashes(c: &mut Criterion) {
    for alg in dispatch::HASH_OPS {
        let mut g = c.benchmark_group(format!("hash/{}", alg.name()));
        for n in SIZES {
            let data = vec![0x5au8; n];
            g.throughput(Throughput::Bytes(n as u64));
            g.bench_with_input(BenchmarkId::from_parameter(n), &data, |b, d| b.iter(|| hash::hash(alg, black_box(d)).unwrap()));
        }
        g.finish();
    }
}

fn macs(c: &mut Criterion) {
    for alg in [Alg::HmacSha256, Alg::HmacSha384, Alg::HmacSha512, Alg::Poly1305, Alg::Blake3Keyed] {
        let mut g = c.benchmark_group(format!("mac/{}", alg.name()));
        let key = [7u8; 32];
        for n in SIZES {
            let data = vec![0x5au8; n];
            let mut out = [0u8; 64];
            g.throughput(Throughput::Bytes(n as u64));
            g.bench_with_input(BenchmarkId::from_parameter(n), &data, |b, d| b.iter(|| mac::mac_into(alg, &key, black_box(d), &mut out).unwrap()));
        }
        g.finish();
    }
}

fn aeads(c: &mut Criterion) {
    for alg in dispatch::AEAD_OPS {
        let key = vec![7u8; aead::key_len(alg).unwrap()];
        let nonce = vec![9u8; aead::nonce_len(alg).unwrap()];
        let k = aead::AeadKey::new(alg, &key).unwrap();
        for (what, open) in [("seal", false), ("open", true)] {
            let mut g = c.benchmark_group(format!("aead/{}/{what}", alg.name()));
            for n in SIZES {
                let pt = vec![0x5au8; n];
                let sealed = k.seal_to_vec(&nonce, b"", &pt).unwrap();
                let mut out = vec![0u8; n + 16];
                g.throughput(Throughput::Bytes(n as u64));
                g.bench_function(BenchmarkId::from_parameter(n), |b| {
                    if open {
                        b.iter(|| k.open(&nonce, b"", black_box(&sealed), &mut out).unwrap())
                    } else {
                        b.iter(|| k.seal(&nonce, b"", black_box(&pt), &mut out).unwrap())
                    }
                });
            }
            g.finish();
        }
        // One-shot (key schedule per call) at the smallest size, where it matters most.
        let mut g = c.benchmark_group(format!("aead/{}/seal-oneshot", alg.name()));
        let pt = [0x5au8; 64];
        let mut out = [0u8; 80];
        g.throughput(Throughput::Bytes(64));
        g.bench_function("64", |b| b.iter(|| aead::seal(alg, &key, &nonce, b"", black_box(&pt), &mut out).unwrap()));
        g.finish();
    }
}

fn kdfs(c: &mut Criterion) {
    let mut g = c.benchmark_group("kdf");
    let mut okm = [0u8; 64];
    g.bench_function("hkdf-sha256/64", |b| b.iter(|| kdf::hkdf(Alg::HkdfSha256, b"input key material", b"salt", b"info", &mut okm).unwrap()));
    g.bench_function("pbkdf2-sha256/10000", |b| b.iter(|| kdf::pbkdf2(Alg::Pbkdf2Sha256, b"password", b"saltsalt", 10_000, &mut okm[..32]).unwrap()));
    g.bench_function("argon2id/m19MiB-t2-p1", |b| {
        b.iter(|| kdf::argon2id(kdf::Argon2idParams { t_cost: 2, m_cost_kib: 19 * 1024, parallelism: 1 }, b"password", b"saltsalt", &[], &[], &mut okm[..32]).unwrap())
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default().sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1))
}

criterion_group! { name = benches; config = config(); targets = hashes, macs, aeads, kdfs }
criterion_main!(benches);
