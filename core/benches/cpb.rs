//! Cycles per byte of the AES-GCM and ChaCha20-Poly1305 kernels next to the throughput limit of
//! the instructions they issue (`cargo bench -p xpscrypto-core --bench cpb`).
//!
//! Both sides are measured here, in TSC ticks, in the same run: the limit is the reciprocal
//! throughput of each kernel's instruction mix per 64 bytes, timed on dependency-free streams of
//! those instructions (so it includes whatever port sharing this core has), and the kernel figure
//! is a 16 KiB seal through the dispatch table with that kernel forced. TSC ticks are not core
//! cycles when the clock boosts, but the ratio of the two columns does not depend on it.
//!
//! Instruction mix per 64 bytes (from the kernel sources):
//! - `aes-gcm/vaes512-clmul`: NR `vaesenc`/`vaesenclast` zmm (NR = 10 for AES-128, 14 for AES-256)
//!   + 4 `vpclmulqdq` zmm (schoolbook), reduction once per 256 bytes (ignored);
//! - `aes-gcm/vaes256-clmul`: the same on ymm, twice per 64 bytes;
//! - `aes-gcm/aesni-clmul`: NR `aesenc` + 3 `pclmulqdq` (Karatsuba) on xmm, four times per 64
//!   bytes;
//! - `chacha20-poly1305/avx512`: ChaCha20 per 256 bytes (one zmm group of 4 blocks) 10 double
//!   rounds of 8 `vpaddd` + 8 `vpxord` + 8 `vprold` + 6 `vpshufd`; Poly1305 (scalar, 64-bit limbs)
//!   per 16 bytes 4 `mul` 64×64→128 + 2 `imul` + ~10 add/adc/shift; the two passes run one after
//!   the other, so their limits add;
//! - `chacha20-poly1305/avx512-ifma`: the same ChaCha20, and Poly1305 on IFMA: per 128 bytes
//!   (8 blocks, one per lane) 9 `vpmadd52luq` + 9 `vpmadd52huq` zmm plus ~20 shifts/adds/ands.
//!
//! A benchmark, not a test.

use std::hint::black_box;

#[cfg(not(target_arch = "x86_64"))]
fn main() {
    println!("cpb: x86-64 only");
}

#[cfg(target_arch = "x86_64")]
fn main() {
    x86::run();
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::black_box;
    use core::arch::x86_64::*;
    use xpscrypto_core::{aead, dispatch, Alg};

    const ITERS: u64 = 20_000;

    fn ticks() -> u64 {
        // SAFETY: rdtsc has no preconditions on x86_64.
        unsafe { _rdtsc() }
    }

    /// Minimum over 15 trials of ticks per call of `f`.
    fn best(mut f: impl FnMut()) -> f64 {
        f();
        (0..15)
            .map(|_| {
                let t = ticks();
                f();
                (ticks() - t) as f64
            })
            .fold(f64::INFINITY, f64::min)
    }

    // Each stream: NR AES rounds spread over 8 independent registers and C carry-less multiplies
    // on C more (at most 13 registers with the key: no spills even with 16 architectural
    // registers), all unrolled (NR and C are constants), so instruction latency never limits the
    // stream.

    #[target_feature(enable = "avx512f,vaes,vpclmulqdq")]
    fn aes_clmul_zmm<const NR: usize, const C: usize>(iters: u64) -> __m512i {
        let k = _mm512_set1_epi32(0x1234_5678);
        let mut a = [_mm512_set1_epi64(1); 8];
        let mut c = [_mm512_set1_epi64(2); C];
        for _ in 0..iters {
            for i in 0..NR {
                a[i % 8] = _mm512_aesenc_epi128(a[i % 8], k);
            }
            for x in c.iter_mut() {
                *x = _mm512_clmulepi64_epi128::<0x01>(*x, k);
            }
        }
        a.iter().chain(c.iter()).fold(k, |x, y| _mm512_xor_si512(x, *y))
    }

    #[target_feature(enable = "avx2,vaes,vpclmulqdq")]
    fn aes_clmul_ymm<const NR: usize, const C: usize>(iters: u64) -> __m256i {
        let k = _mm256_set1_epi32(0x1234_5678);
        let mut a = [_mm256_set1_epi64x(1); 8];
        let mut c = [_mm256_set1_epi64x(2); C];
        for _ in 0..iters {
            for i in 0..NR {
                a[i % 8] = _mm256_aesenc_epi128(a[i % 8], k);
            }
            for x in c.iter_mut() {
                *x = _mm256_clmulepi64_epi128::<0x01>(*x, k);
            }
        }
        a.iter().chain(c.iter()).fold(k, |x, y| _mm256_xor_si256(x, *y))
    }

    #[target_feature(enable = "aes,pclmulqdq")]
    fn aes_clmul_xmm<const NR: usize, const C: usize>(iters: u64) -> __m128i {
        let k = _mm_set1_epi32(0x1234_5678);
        let mut a = [_mm_set1_epi64x(1); 8];
        let mut c = [_mm_set1_epi64x(2); C];
        for _ in 0..iters {
            for i in 0..NR {
                a[i % 8] = _mm_aesenc_si128(a[i % 8], k);
            }
            for x in c.iter_mut() {
                *x = _mm_clmulepi64_si128::<0x01>(*x, k);
            }
        }
        a.iter().chain(c.iter()).fold(k, |x, y| _mm_xor_si128(x, *y))
    }

    /// One ChaCha20 double round's worth of the kernel's instructions (for one zmm group).
    #[target_feature(enable = "avx512f")]
    fn chacha_zmm(iters: u64) -> __m512i {
        let k = _mm512_set1_epi32(0x0102_0304);
        let mut r = [_mm512_set1_epi32(7); 16];
        for _ in 0..iters {
            for j in 0..8 {
                r[j] = _mm512_add_epi32(r[j], k);
                r[j + 8] = _mm512_xor_si512(r[j + 8], k);
            }
            for x in r.iter_mut().take(8) {
                *x = _mm512_rol_epi32::<7>(*x);
            }
            for x in r.iter_mut().skip(8).take(6) {
                *x = _mm512_shuffle_epi32::<0x39>(*x);
            }
        }
        r.iter().fold(k, |a, b| _mm512_xor_si512(a, *b))
    }

    /// Eight Poly1305 blocks' multiplies on IFMA: 9 `vpmadd52luq` + 9 `vpmadd52huq` zmm.
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn ifma_zmm(iters: u64) -> __m512i {
        let k = _mm512_set1_epi64(0x0123_4567_89ab);
        let mut r = [_mm512_set1_epi64(3); 9];
        for _ in 0..iters {
            for x in r.iter_mut() {
                *x = _mm512_madd52lo_epu64(*x, k, k);
            }
            for x in r.iter_mut() {
                *x = _mm512_madd52hi_epu64(*x, k, k);
            }
        }
        r.iter().fold(k, |a, b| _mm512_xor_si512(a, *b))
    }

    /// One Poly1305 block's multiplies: 4 full 64×64→128 and 2 low 64×64 products.
    fn poly_mul(iters: u64) -> u64 {
        let c = black_box(0x9e37_79b9_7f4a_7c15u64);
        let mut r = [1u64, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        for _ in 0..iters {
            for x in r.iter_mut().take(4) {
                let p = u128::from(*x) * u128::from(c);
                *x = (p as u64) ^ ((p >> 64) as u64);
            }
            for x in r.iter_mut().skip(4).take(2) {
                *x = x.wrapping_mul(c);
            }
        }
        r.iter().fold(0, |a, b| a ^ b)
    }

    /// Ticks per byte of a 16 KiB in-place seal with `kernel` forced for `alg`.
    fn kernel_cpb(alg: Alg, op: &str, kernel: &str) -> Option<f64> {
        dispatch::force(op, kernel).ok()?;
        let key = aead::AeadKey::new(alg, &vec![7u8; aead::key_len(alg).ok()?]).ok()?;
        let nonce = vec![1u8; aead::nonce_len(alg).ok()?];
        let mut buf = vec![0u8; 16384];
        let t = best(|| {
            for _ in 0..16 {
                black_box(key.seal_in_place(&nonce, b"", &mut buf).unwrap());
            }
        });
        dispatch::reset().ok()?;
        Some(t / (16.0 * 16384.0))
    }

    pub fn run() {
        let has = |f: &str| std::arch::is_x86_feature_detected!("avx512f") || f != "avx512f";
        let zmm = has("avx512f") && std::arch::is_x86_feature_detected!("vaes") && std::arch::is_x86_feature_detected!("vpclmulqdq");
        let ymm = std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("vaes") && std::arch::is_x86_feature_detected!("vpclmulqdq");
        let xmm = std::arch::is_x86_feature_detected!("aes") && std::arch::is_x86_feature_detected!("pclmulqdq");
        xpscrypto_core::init().expect("init");
        println!("| kernel | measured (TSC ticks/byte, 16 KiB seal) | instruction limit (ticks/byte) | measured / limit |");
        println!("|---|---:|---:|---:|");
        let row = |name: &str, measured: Option<f64>, limit: f64| {
            if let Some(m) = measured {
                println!("| `{name}` | {m:.3} | {limit:.3} | {:.2} |", m / limit);
            }
        };
        let limits = [
            (Alg::Aes128Gcm, "aead.aes-128-gcm", 128, limit_zmm::<10>(zmm), limit_ymm::<10>(ymm), limit_xmm::<10>(xmm)),
            (Alg::Aes256Gcm, "aead.aes-256-gcm", 256, limit_zmm::<14>(zmm), limit_ymm::<14>(ymm), limit_xmm::<14>(xmm)),
        ];
        for (alg, op, bits, lz, ly, lx) in limits {
            for (kernel, limit) in [("aes-gcm/vaes512-clmul", lz), ("aes-gcm/vaes256-clmul", ly), ("aes-gcm/aesni-clmul", lx)] {
                if let Some(l) = limit {
                    row(&format!("{kernel} (AES-{bits})"), kernel_cpb(alg, op, kernel), l);
                }
            }
        }
        let poly = best(|| {
            black_box(poly_mul(ITERS));
        }) / (ITERS as f64 * 16.0);
        if has("avx512f") {
            let chacha = best(|| {
                // SAFETY: the CPU has AVX-512F (checked above).
                black_box(unsafe { chacha_zmm(ITERS) });
            }) * 10.0
                / (ITERS as f64 * 256.0);
            row("chacha20-poly1305/avx512", kernel_cpb(Alg::ChaCha20Poly1305, "aead.chacha20-poly1305", "chacha20-poly1305/avx512"), chacha + poly);
            let ifma = std::arch::is_x86_feature_detected!("avx512ifma").then(|| {
                best(|| {
                    // SAFETY: the CPU has AVX-512F (checked above) and IFMA (checked here).
                    black_box(unsafe { ifma_zmm(ITERS) });
                }) / (ITERS as f64 * 128.0)
            });
            if let Some(pi) = ifma {
                let k = "chacha20-poly1305/avx512-ifma";
                row(k, kernel_cpb(Alg::ChaCha20Poly1305, "aead.chacha20-poly1305", k), chacha + pi);
            }
            println!();
            println!("ChaCha20 part: limit {chacha:.3}; Poly1305 part: limit {poly:.3} scalar (multiplies only; its carry chain is serial), {} IFMA (multiplies only)", ifma.map_or("-".into(), |x| format!("{x:.3}")));
            if let Some(p) = poly1305_cpb() {
                println!("Poly1305 alone (`poly1305/scalar`, 16 KiB): {p:.3} ticks/byte");
            }
        }
    }

    /// Ticks per byte of the AES+CLMUL stream on zmm, if `ok` (the CPU has AVX-512F, VAES, VPCLMULQDQ).
    fn limit_zmm<const NR: usize>(ok: bool) -> Option<f64> {
        ok.then(|| {
            best(|| {
                // SAFETY: the caller checked the CPU features of the stream (`ok`).
                black_box(unsafe { aes_clmul_zmm::<NR, 4>(ITERS) });
            }) / (ITERS as f64 * 64.0)
        })
    }

    /// The same on ymm, if `ok` (AVX2, VAES, VPCLMULQDQ).
    fn limit_ymm<const NR: usize>(ok: bool) -> Option<f64> {
        ok.then(|| {
            best(|| {
                // SAFETY: the caller checked the CPU features of the stream (`ok`).
                black_box(unsafe { aes_clmul_ymm::<NR, 4>(ITERS) });
            }) / (ITERS as f64 * 32.0)
        })
    }

    /// The same on xmm, if `ok` (AES-NI, PCLMULQDQ).
    fn limit_xmm<const NR: usize>(ok: bool) -> Option<f64> {
        ok.then(|| {
            best(|| {
                // SAFETY: the caller checked the CPU features of the stream (`ok`).
                black_box(unsafe { aes_clmul_xmm::<NR, 3>(ITERS) });
            }) / (ITERS as f64 * 16.0)
        })
    }

    fn poly1305_cpb() -> Option<f64> {
        let data = vec![3u8; 16384];
        let key = [9u8; 32];
        let t = best(|| {
            for _ in 0..16 {
                black_box(xpscrypto_core::mac::mac(Alg::Poly1305, &key, &data).unwrap());
            }
        });
        Some(t / (16.0 * 16384.0))
    }
}
