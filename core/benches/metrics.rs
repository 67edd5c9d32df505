//! Cost of the per-call metrics (issue 7: "< 2% at 64 B"): 64-byte SHA-256 (`hash_into`),
//! AES-256-GCM seal (one-shot `aead::seal` and an `AeadKey`) and HMAC-SHA256, with counting on
//! and off (`metrics::set_enabled`), interleaved in many short rounds so drift and noise from
//! other load hit both sides alike. "Off" still pays the one load of the switch; the difference
//! is the counting itself. Reports the median ns/op of each side and the overhead.
//!
//!   cargo bench -p xpscrypto-core --bench metrics            (XPS_BENCH_ROUNDS, default 301)

use std::hint::black_box;
use std::time::Instant;
use xpscrypto_core::{aead, hash, mac, metrics, Alg};

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// ns/op of `f` over `iters` calls.
fn time(iters: u32, f: &mut impl FnMut()) -> f64 {
    let t = Instant::now();
    for _ in 0..iters {
        f();
    }
    t.elapsed().as_nanos() as f64 / f64::from(iters)
}

/// Runs `f` in many short rounds, alternating counting off/on (which side goes first alternates
/// too), and reports the median ns/op of each side and the median of the per-pair ratios
/// on/off: adjacent rounds share the machine's state, so their ratio cancels slow drift and most
/// of the noise of other load on the machine.
fn compare(name: &str, rounds: usize, mut f: impl FnMut()) {
    // Size a round to ~2 ms and warm up.
    let mut iters = 256u32;
    while time(iters, &mut f) * f64::from(iters) < 2e6 {
        iters *= 2;
    }
    let (mut on, mut off, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
    for r in 0..rounds {
        let mut pair = [0.0f64; 2];
        for side in if r % 2 == 0 { [false, true] } else { [true, false] } {
            metrics::set_enabled(side);
            pair[usize::from(side)] = time(iters, &mut f);
        }
        off.push(pair[0]);
        on.push(pair[1]);
        ratio.push(pair[1] / pair[0]);
    }
    metrics::set_enabled(true);
    let (m_on, m_off, m_ratio) = (median(&mut on), median(&mut off), median(&mut ratio));
    println!(
        "{name:<34} off {m_off:8.2} ns  on {m_on:8.2} ns  overhead {:+6.2}% (median of paired ratios; medians {:+6.2}%)",
        100.0 * (m_ratio - 1.0),
        100.0 * (m_on - m_off) / m_off
    );
}

/// `XPS_BENCH_COUNT=on|off`: only `N` (100 000) 64-byte SHA-256 and AES-256-GCM (`AeadKey`)
/// calls with counting on or off, for an instruction count under
/// `valgrind --tool=callgrind` (the difference of two runs / 2N = instructions added per call).
#[inline(never)]
fn count_only(on: bool) {
    const N: u32 = 100_000;
    metrics::set_enabled(on);
    let msg = [0x5au8; 64];
    let mut digest = [0u8; 32];
    let k = aead::AeadKey::new(Alg::Aes256Gcm, &[7u8; 32]).unwrap();
    let mut out = [0u8; 80];
    for _ in 0..N {
        hash::hash_into(Alg::Sha256, black_box(&msg), &mut digest).unwrap();
        k.seal(&[9u8; 12], b"", black_box(&msg), &mut out).unwrap();
    }
    black_box((&digest, &out));
}

fn main() {
    let rounds: usize = std::env::var("XPS_BENCH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(301);
    xpscrypto_core::init().unwrap();
    if let Ok(mode) = std::env::var("XPS_BENCH_COUNT") {
        return count_only(mode == "on");
    }
    println!(
        "metrics overhead, {rounds} interleaved pairs of ~2 ms rounds; kernels: sha256 = {}, aes-256-gcm = {}",
        xpscrypto_core::dispatch::active_kernel("hash.sha256").unwrap(),
        xpscrypto_core::dispatch::active_kernel("aead.aes-256-gcm").unwrap()
    );
    let msg = [0x5au8; 64];
    let mut digest = [0u8; 32];
    compare("sha256 64 B (hash_into)", rounds, || {
        hash::hash_into(Alg::Sha256, black_box(&msg), &mut digest).unwrap();
        black_box(&digest);
    });
    let key = [7u8; 32];
    let nonce = [9u8; 12];
    let mut out = [0u8; 64 + 16];
    compare("aes-256-gcm seal 64 B (one-shot)", rounds, || {
        aead::seal(Alg::Aes256Gcm, &key, &nonce, b"", black_box(&msg), &mut out).unwrap();
        black_box(&out);
    });
    let k = aead::AeadKey::new(Alg::Aes256Gcm, &key).unwrap();
    compare("aes-256-gcm seal 64 B (AeadKey)", rounds, || {
        k.seal(&nonce, b"", black_box(&msg), &mut out).unwrap();
        black_box(&out);
    });
    let mut tag = [0u8; 32];
    compare("hmac-sha256 64 B", rounds, || {
        mac::mac_into(Alg::HmacSha256, &key, black_box(&msg), &mut tag).unwrap();
        black_box(&tag);
    });
}
