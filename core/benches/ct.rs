//! Constant-time check of the hand-written AEAD kernels, dudect style (Reparaz, Balasch,
//! Verbauwhede, "Dude, is my code constant time?", 2017): two classes of inputs measured in random
//! interleaving with the cycle counter, Welch's t-test on the timings (also on cropped
//! distributions, dudect's percentile crops). |t| > 4.5 is the conventional evidence of a
//! difference; below it, no leak was detected with this many measurements (not a proof).
//!
//! Per available AES-GCM and ChaCha20-Poly1305 kernel (`cargo bench -p xpscrypto-core --bench ct`):
//! - `key`: seal with one fixed key vs a fresh random key per call (key schedule + GHASH key);
//! - `data`: seal of all-zero vs random plaintext under one key;
//! - `tag`: open whose tag differs from the right one in the first byte vs in the last byte
//!   (the constant-time comparison before anything is decrypted).
//!
//! Per available BLAKE3, SHA3-256 and SHA-512 kernel with a one-shot entry (ours:
//! `blake3/avx512`'s short path, `sha3-256/avx512`, `sha512/avx2`), the `data` class only: all-zero vs random input (plain hashing may
//! see secrets, e.g. key material).
//!
//! `XPS_CT_FIXED=random` makes the fixed input of the `data` classes one random buffer instead of
//! zeros. `XPS_CT_SAMPLES` sets the measurements per row; `XPS_CT_KERNELS=avx512-ifma,aesni` keeps only
//! the kernels whose names contain one of the given strings.
//!
//! A benchmark, not a test: timing assertions do not belong in the test suite.

use std::hint::black_box;
use xpscrypto_core::dispatch::{self, Candidate};
use xpscrypto_core::{hazmat, Alg};

#[cfg(target_arch = "x86_64")]
fn cycles() -> u64 {
    // SAFETY: rdtsc has no preconditions on x86_64.
    unsafe { core::arch::x86_64::_rdtsc() }
}
#[cfg(not(target_arch = "x86_64"))]
fn cycles() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// Welch's t statistic of two samples.
fn welch(a: &[f64], b: &[f64]) -> f64 {
    let stats = |x: &[f64]| {
        let n = x.len() as f64;
        let m = x.iter().sum::<f64>() / n;
        let v = x.iter().map(|y| (y - m) * (y - m)).sum::<f64>() / (n - 1.0);
        (n, m, v)
    };
    let ((na, ma, va), (nb, mb, vb)) = (stats(a), stats(b));
    (ma - mb) / (va / na + vb / nb).sqrt()
}

/// The largest |t| over the raw timings and dudect's crops (keep values below a percentile).
fn max_t(class: &[(bool, u64)]) -> f64 {
    let mut all: Vec<u64> = class.iter().map(|c| c.1).collect();
    all.sort_unstable();
    let mut worst: f64 = 0.0;
    for p in [1.0, 0.99, 0.95, 0.9, 0.8, 0.5] {
        let cut = all[((all.len() - 1) as f64 * p) as usize];
        let (a, b): (Vec<f64>, Vec<f64>) = {
            let a = class.iter().filter(|c| !c.0 && c.1 <= cut).map(|c| c.1 as f64).collect();
            let b = class.iter().filter(|c| c.0 && c.1 <= cut).map(|c| c.1 as f64).collect();
            (a, b)
        };
        if a.len() > 100 && b.len() > 100 {
            worst = worst.max(welch(&a, &b).abs());
        }
    }
    worst
}

/// Measures `run` `n` times. The inputs are a ring of (class, bytes) entries, classes drawn at
/// random and interleaved in one array (dudect's layout: both classes' inputs live side by side);
/// before each run (untimed) the entry is copied into `work`, the one buffer `run` reads.
fn measure(n: usize, ring: &[(bool, Vec<u8>)], work: &std::cell::RefCell<Vec<u8>>, mut run: impl FnMut()) -> f64 {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let (class, input) = &ring[i % ring.len()];
        work.borrow_mut().copy_from_slice(input);
        let t0 = cycles();
        run();
        let t1 = cycles();
        out.push((*class, t1.wrapping_sub(t0)));
    }
    max_t(&out)
}

/// The fixed input of a `data` class: zeros, or one random buffer (`XPS_CT_FIXED=random`).
fn fixed_input(rng: &mut Rng, len: usize, random: bool) -> Vec<u8> {
    if random {
        rng.bytes(len)
    } else {
        vec![0u8; len]
    }
}

/// A ring of 2048 inputs: class true → `random()`, class false → `fixed`.
fn ring(rng: &mut Rng, fixed: &[u8], mut random: impl FnMut(&mut Rng) -> Vec<u8>) -> Vec<(bool, Vec<u8>)> {
    (0..2048)
        .map(|_| {
            let class = rng.next() & 1 == 1;
            (class, if class { random(rng) } else { fixed.to_vec() })
        })
        .collect()
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return;
    }
    xpscrypto_core::init().unwrap();
    let n: usize = std::env::var("XPS_CT_SAMPLES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    // XPS_CT_KERNELS=name,name: only kernels whose name contains one of these.
    let only: Vec<String> = std::env::var("XPS_CT_KERNELS").map(|v| v.split(',').map(str::to_string).collect()).unwrap_or_default();
    // XPS_CT_SIZES=64,256,...: message sizes (default 64, 1024, 4096).
    let sizes: Vec<usize> = std::env::var("XPS_CT_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|x| x.trim().parse().ok()).filter(|&x| x > 0).collect())
        .filter(|v: &Vec<usize>| !v.is_empty())
        .unwrap_or_else(|| vec![64, 1024, 4096]);
    // XPS_CT_FIXED=random: the fixed input of the `data` classes is one random buffer instead of
    // zeros (same bit statistics as the random class: tells a value-dependent code path from an
    // effect of the data's Hamming weight on power and clock, which all-zero input maximizes).
    let fixed_random = std::env::var("XPS_CT_FIXED").as_deref() == Ok("random");
    println!("dudect-style timing check, {n} measurements per row; |t| > 4.5 would indicate a leak");
    println!("data class: {} vs random input", if fixed_random { "one fixed random" } else { "all-zero" });
    println!("{:<34} {:>5} {:>8} {:>8} {:>8}", "kernel", "bytes", "key", "data", "tag");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for alg in [Alg::Aes256Gcm, Alg::ChaCha20Poly1305] {
        let op = dispatch::ops().iter().find(|o| o.name == format!("aead.{}", alg.name())).unwrap();
        for c in op
            .candidates
            .iter()
            .filter(|c| dispatch::is_available(c.desc()))
            .filter(|c| only.is_empty() || only.iter().any(|o| c.desc().name().contains(o.as_str())))
        {
            let Candidate::Aead(k) = c else { continue };
            for &len in &sizes {
                let fixed_key = rng.bytes(32);
                let nonce = rng.bytes(12);
                let zero = fixed_input(&mut rng, len, fixed_random);
                let key = std::cell::RefCell::new(vec![0u8; 32]);
                let keys = ring(&mut rng, &fixed_key, |r| r.bytes(32));
                let t_key = measure(n, &keys, &key, || {
                    black_box(hazmat::aead_seal_on_kernel(alg, k, &key.borrow(), &nonce, b"", &zero).unwrap());
                });
                let pt = std::cell::RefCell::new(vec![0u8; len]);
                let data = ring(&mut rng, &zero, |r| r.bytes(len));
                let t_data = measure(n, &data, &pt, || {
                    black_box(hazmat::aead_seal_on_kernel(alg, k, &fixed_key, &nonce, b"", &pt.borrow()).unwrap());
                });
                let sealed = hazmat::aead_seal_on_kernel(alg, k, &fixed_key, &nonce, b"", &zero).unwrap();
                let (mut first, mut last) = (sealed.clone(), sealed.clone());
                first[len] ^= 1;
                last[len + 15] ^= 1;
                let work = std::cell::RefCell::new(sealed.clone());
                let tags = ring(&mut rng, &first, |_| last.clone());
                let t_tag = measure(n, &tags, &work, || {
                    black_box(hazmat::aead_open_on_kernel(alg, k, &fixed_key, &nonce, b"", &work.borrow()).is_err());
                });
                println!("{:<34} {:>5} {:>8.2} {:>8.2} {:>8.2}", k.desc.name(), len, t_key, t_data, t_tag);
            }
        }
    }
    let hash_ops = dispatch::ops().iter().filter(|o| matches!(o.name, "hash.blake3" | "hash.sha3-256" | "hash.sha512"));
    for c in hash_ops
        .flat_map(|o| o.candidates.iter())
        .filter(|c| dispatch::is_available(c.desc()))
        .filter(|c| only.is_empty() || only.iter().any(|o| c.desc().name().contains(o.as_str())))
    {
        let Candidate::Hash(k) = c else { continue };
        let Some(oneshot) = k.oneshot else { continue };
        for &len in &sizes {
            let zero = fixed_input(&mut rng, len, fixed_random);
            let input = std::cell::RefCell::new(vec![0u8; len]);
            let data = ring(&mut rng, &zero, |r| r.bytes(len));
            let mut out = [0u8; 32];
            let t_data = measure(n, &data, &input, || {
                let d = input.borrow();
                // SAFETY: valid pointer/length pairs; the kernel is available on this CPU.
                unsafe { oneshot(d.as_ptr(), d.len(), out.as_mut_ptr(), out.len()) };
                black_box(&out);
            });
            println!("{:<34} {:>5} {:>8} {:>8.2} {:>8}", k.desc.name(), len, "-", t_data, "-");
        }
    }
}
