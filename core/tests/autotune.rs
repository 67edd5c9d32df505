//! Autotune per size bucket, in one sequential test (it changes process-wide state): off by
//! default and deterministic; on, every bucket runs an available candidate and results do not
//! change; forced kernels override it; policy changes re-tune; a key handle whose buckets run
//! different kernels keeps one schedule per kernel and stays byte-identical across the limits.

use xpscrypto_core::dispatch::{self, BUCKETS, BUCKET_LIMITS};
use xpscrypto_core::{aead, hash, policy, Status};

/// Lengths on both sides of every bucket limit, plus the empty message and one large one.
fn edge_lengths() -> Vec<usize> {
    let mut v = vec![0, 1, 64, 200_000];
    for l in BUCKET_LIMITS {
        v.extend([l - 1, l, l + 1]);
    }
    v
}

fn msg(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 131 + len) as u8).collect()
}

/// Every hash and AEAD output over the edge lengths, through one-shots and key handles.
fn outputs() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for len in edge_lengths() {
        let m = msg(len);
        for alg in dispatch::HASH_OPS {
            out.push(hash::hash(alg, &m).unwrap());
        }
        for alg in dispatch::AEAD_OPS {
            let key = vec![7u8; aead::key_len(alg).unwrap()];
            let nonce = vec![9u8; aead::nonce_len(alg).unwrap()];
            let one = aead::seal_to_vec(alg, &key, &nonce, b"aad", &m).unwrap();
            let k = aead::AeadKey::new(alg, &key).unwrap();
            assert_eq!(k.seal_to_vec(&nonce, b"aad", &m).unwrap(), one, "{} len {len}", alg.name());
            assert_eq!(k.open_to_vec(&nonce, b"aad", &one).unwrap(), m);
            assert_eq!(aead::open_to_vec(alg, &key, &nonce, b"aad", &one).unwrap(), m);
            out.push(one);
        }
    }
    out
}

fn is_sized(op: &str) -> bool {
    op.starts_with("hash.") || op.starts_with("aead.")
}

#[test]
fn autotune_buckets_force_policy_and_key_handles() {
    xpscrypto_core::init().unwrap();
    if std::env::var_os(dispatch::AUTOTUNE_ENV).is_some() {
        // The suite may run with XPS_AUTOTUNE set: start from the default here.
        dispatch::set_autotune(false).unwrap();
    }
    assert!(!dispatch::autotune_enabled(), "autotune is off unless asked for");
    let before = dispatch::info().unwrap();
    for o in &before {
        assert!(o.by_size.iter().all(|k| *k == o.active), "{}: buckets follow the op while autotune is off", o.op);
        assert!(o.tuned_ns.is_empty());
    }
    let want = outputs();

    // On: measured ops carry timings for their available candidates; every bucket runs one of them.
    let g = dispatch::generation();
    dispatch::set_autotune(true).unwrap();
    assert!(dispatch::autotune_enabled());
    assert!(dispatch::generation() > g);
    let tuned = dispatch::info().unwrap();
    for o in &tuned {
        let available: Vec<&str> = o.candidates.iter().filter(|c| c.available).map(|c| c.name).collect();
        assert!(o.by_size.iter().all(|k| available.contains(k)), "{}: {:?} ⊄ {available:?}", o.op, o.by_size);
        assert_eq!(o.active, o.by_size[BUCKETS - 1], "{}: the op's kernel is the largest bucket's", o.op);
        if is_sized(o.op) && available.len() >= 2 {
            assert_eq!(o.tuned_ns.len(), available.len(), "{} measured every available candidate", o.op);
            assert!(o.tuned_ns.iter().all(|(_, ns)| ns.iter().all(|t| t.is_finite() && *t > 0.0)), "{}", o.op);
        } else {
            assert!(o.tuned_ns.is_empty(), "{} has nothing to choose from", o.op);
            assert!(o.by_size.iter().all(|k| *k == o.active));
        }
        for len in edge_lengths() {
            assert_eq!(dispatch::kernel_for_size(o.op, len).unwrap(), o.by_size[dispatch::bucket_of(len)]);
        }
    }
    assert_eq!(outputs(), want, "autotuned kernels give the same bytes");
    assert_eq!(dispatch::kernel_for_size("hash.nope", 1).unwrap_err().status, Status::UnknownOp);

    let op = "aead.aes-256-gcm";
    let portable = dispatch::ops().iter().find(|o| o.name == op).unwrap().candidates[0].desc().name();
    #[cfg(feature = "testing")]
    pinned_buckets(op, portable, &want);

    // A forced kernel overrides every bucket; reset brings the tuned choices back.
    dispatch::force(op, portable).unwrap();
    let forced = dispatch::info().unwrap().into_iter().find(|o| o.op == op).unwrap();
    assert!(forced.by_size.iter().all(|k| *k == portable));
    dispatch::reset().unwrap();
    #[cfg(feature = "testing")]
    assert_eq!(dispatch::kernel_for_size(op, 10).unwrap(), portable, "the pin survives reset");

    // A policy change re-tunes: with no ISA allowed there is nothing to measure.
    policy::set_isa_mask(0).unwrap();
    for o in dispatch::info().unwrap() {
        assert!(o.tuned_ns.is_empty(), "{}", o.op);
        assert!(o.by_size.iter().all(|k| *k == o.candidates[0].name), "{} runs portable in every bucket", o.op);
    }
    assert_eq!(outputs(), want);
    policy::set_isa_mask(u64::MAX).unwrap();

    // Off: back to the deterministic choice of before.
    dispatch::set_autotune(false).unwrap();
    assert!(!dispatch::autotune_enabled());
    let after = dispatch::info().unwrap();
    for (a, b) in before.iter().zip(&after) {
        assert_eq!((a.op, a.active, a.by_size), (b.op, b.active, b.by_size));
        assert!(b.tuned_ns.is_empty());
    }
    assert_eq!(outputs(), want);
}

/// Mixed buckets, pinned (test builds): portable for small messages, the priority choice above. A
/// key made before the pin follows it, keeping a schedule per kernel.
#[cfg(feature = "testing")]
fn pinned_buckets(op: &str, portable: &str, want: &[Vec<u8>]) {
    let key = aead::AeadKey::new(xpscrypto_core::Alg::Aes256Gcm, &[1u8; 32]).unwrap();
    dispatch::pin_bucket_for_tests(op, 0, portable).unwrap();
    dispatch::pin_bucket_for_tests("hash.sha256", 1, "sha256/portable").unwrap();
    assert_eq!(dispatch::kernel_for_size(op, 256).unwrap(), portable);
    assert_eq!(key.kernel_name_for(100).unwrap(), portable);
    assert_eq!(dispatch::kernel_for_size("hash.sha256", 2048).unwrap(), "sha256/portable");
    assert_eq!(outputs(), want.to_vec(), "pinned buckets give the same bytes");
    assert_eq!(dispatch::pin_bucket_for_tests(op, BUCKETS, portable).unwrap_err().status, Status::InvalidParameter);
    assert_eq!(dispatch::pin_bucket_for_tests(op, 0, "nope").unwrap_err().status, Status::KernelUnavailable);
    assert_eq!(dispatch::pin_bucket_for_tests("kdf.argon2id", 0, "argon2id/rustcrypto").unwrap_err().status, Status::InvalidParameter);
}
