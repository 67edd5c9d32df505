//! `cargo bench -p xpscrypto-core --bench pk`: ML-KEM-768 key generation, encapsulation and
//! decapsulation on each kernel this CPU can run (through `hazmat::*_on_kernel`, i.e. the kernel
//! ABI without dispatch), the same three through the public API (dispatch's choice, with the
//! seeded-call fallback), `pqcrypto-mlkem`'s own API (the code the AVX2 kernel wraps), and X-Wing
//! through the public API.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::time::Duration;
use xpscrypto_core::{dispatch, hazmat, kem, kernels, Alg};

fn ml_kem_768(c: &mut Criterion) {
    let mut g = c.benchmark_group("kem/ml-kem-768");
    for k in kernels::kem_candidates(Alg::MlKem768).iter().filter(|k| dispatch::is_available(k.desc)) {
        let name = k.desc.name();
        let (pk, sk) = hazmat::kem_keypair_on_kernel(k, None).unwrap();
        let (ct, _) = hazmat::kem_encapsulate_on_kernel(k, &pk, None).unwrap();
        g.bench_function(format!("{name}/keygen"), |b| b.iter(|| hazmat::kem_keypair_on_kernel(k, None).unwrap()));
        g.bench_function(format!("{name}/encaps"), |b| b.iter(|| hazmat::kem_encapsulate_on_kernel(k, black_box(&pk), None).unwrap()));
        g.bench_function(format!("{name}/decaps"), |b| b.iter(|| hazmat::kem_decapsulate_on_kernel(k, &sk, black_box(&ct)).unwrap()));
    }
    let (pk, sk) = kem::keypair(Alg::MlKem768, None).unwrap();
    let (ct, _) = kem::encapsulate(Alg::MlKem768, &pk, None).unwrap();
    let (mut p, mut s, mut c2, mut ss) = (vec![0u8; pk.len()], vec![0u8; sk.len()], vec![0u8; ct.len()], [0u8; 32]);
    g.bench_function("api/keygen", |b| b.iter(|| kem::keypair_into(Alg::MlKem768, None, &mut p, &mut s).unwrap()));
    g.bench_function("api/keygen-seeded", |b| b.iter(|| kem::keypair_into(Alg::MlKem768, Some(&[7; 64]), &mut p, &mut s).unwrap()));
    g.bench_function("api/encaps", |b| b.iter(|| kem::encapsulate_into(Alg::MlKem768, black_box(&pk), None, &mut c2, &mut ss).unwrap()));
    g.bench_function("api/decaps", |b| b.iter(|| kem::decapsulate_into(Alg::MlKem768, sk.as_slice(), black_box(&ct), &mut ss).unwrap()));
    // The wrapped implementations called directly, for the cost of our layer (FIPS 203 §7.2/§7.3
    // checks, copies, dispatch).
    {
        use pqcrypto_mlkem::mlkem768 as pq;
        let (ppk, psk) = pq::keypair();
        let (_, pct) = pq::encapsulate(&ppk);
        g.bench_function("peer/pqcrypto-mlkem/keygen", |b| b.iter(pq::keypair));
        g.bench_function("peer/pqcrypto-mlkem/encaps", |b| b.iter(|| pq::encapsulate(black_box(&ppk))));
        g.bench_function("peer/pqcrypto-mlkem/decaps", |b| b.iter(|| pq::decapsulate(black_box(&pct), &psk)));
    }
    g.finish();
}

fn x_wing(c: &mut Criterion) {
    let mut g = c.benchmark_group("kem/x-wing");
    let (pk, sk) = kem::keypair(Alg::XWing, None).unwrap();
    let (ct, _) = kem::encapsulate(Alg::XWing, &pk, None).unwrap();
    let (mut p, mut s, mut c2, mut ss) = (vec![0u8; pk.len()], vec![0u8; 32], vec![0u8; ct.len()], [0u8; 32]);
    g.bench_function("api/keygen", |b| b.iter(|| kem::keypair_into(Alg::XWing, None, &mut p, &mut s).unwrap()));
    g.bench_function("api/encaps", |b| b.iter(|| kem::encapsulate_into(Alg::XWing, black_box(&pk), None, &mut c2, &mut ss).unwrap()));
    g.bench_function("api/decaps", |b| b.iter(|| kem::decapsulate_into(Alg::XWing, sk.as_slice(), black_box(&ct), &mut ss).unwrap()));
    g.finish();
}

fn config() -> Criterion {
    Criterion::default().warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1)).sample_size(20)
}

criterion_group! { name = benches; config = config(); targets = ml_kem_768, x_wing }
criterion_main!(benches);
