//! `cargo bench -p xpscrypto-core --bench pk_sign`: ML-DSA-65 keygen/sign/verify on each kernel
//! this CPU can run (explicitly, through `hazmat`), plus Ed25519 and the `ed25519+ml-dsa-65`
//! composite through the public API (active kernels). Peer comparisons live in `benches/compare`.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::time::Duration;
use xpscrypto_core::dispatch::{self, Candidate, SIGN_FLAG_DETERMINISTIC};
use xpscrypto_core::sign::{self, SignOptions};
use xpscrypto_core::{hazmat, Alg};

const MSG: &[u8] = b"a 32-byte message for benchmarks";

fn ml_dsa_kernels(c: &mut Criterion) {
    let op = dispatch::ops().iter().find(|o| o.name == "sign.ml-dsa-65").expect("ml-dsa-65 op");
    for cand in &op.candidates {
        let Candidate::Sign(k) = cand else { continue };
        if !dispatch::is_available(k.desc) {
            continue;
        }
        let mut g = c.benchmark_group(format!("sign/{}", k.desc.name()));
        // The accelerated kernel has no seeded key generation: random keys on both.
        g.bench_function("keygen", |b| b.iter(|| hazmat::sign_keypair_on_kernel(k, None).unwrap()));
        let (pk, sk) = hazmat::sign_keypair_on_kernel(k, None).unwrap();
        g.bench_function("sign", |b| b.iter(|| hazmat::sign_on_kernel(k, sk.as_slice(), black_box(MSG), b"", 0).unwrap()));
        if k.caps & dispatch::CAP_DETERMINISTIC != 0 {
            g.bench_function("sign-deterministic", |b| {
                b.iter(|| hazmat::sign_on_kernel(k, sk.as_slice(), black_box(MSG), b"", SIGN_FLAG_DETERMINISTIC).unwrap())
            });
        }
        let sig = hazmat::sign_on_kernel(k, sk.as_slice(), MSG, b"", 0).unwrap();
        g.bench_function("verify", |b| b.iter(|| hazmat::verify_on_kernel(k, &pk, black_box(MSG), b"", &sig).unwrap()));
        g.finish();
    }
}

fn api(c: &mut Criterion) {
    for alg in [Alg::Ed25519, Alg::MlDsa65, Alg::Ed25519MlDsa65] {
        let mut g = c.benchmark_group(format!("sign-api/{}", alg.name()));
        g.bench_function("keygen", |b| b.iter(|| sign::keypair(alg, None).unwrap()));
        let (pk, sk) = sign::keypair(alg, None).unwrap();
        g.bench_function("sign", |b| b.iter(|| sign::sign(alg, sk.as_slice(), black_box(MSG)).unwrap()));
        let sig = sign::sign_with(alg, sk.as_slice(), MSG, &SignOptions::default()).unwrap();
        g.bench_function("verify", |b| b.iter(|| sign::verify(alg, &pk, black_box(MSG), &sig).unwrap()));
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2)).sample_size(30);
    targets = ml_dsa_kernels, api
}
criterion_main!(benches);
