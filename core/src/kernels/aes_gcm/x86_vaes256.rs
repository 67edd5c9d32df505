//! Wide AES-GCM kernel on 256-bit registers, for CPUs with VAES + VPCLMULQDQ but without AVX-512:
//! two blocks per ymm register, eight registers per 16-block batch. The kernel itself is
//! `x86_wide.rs`; this file gives it its vector primitives.

#![cfg(target_arch = "x86_64")]

use core::arch::x86_64::*;

type V = __m256i;
/// Registers per 16-block batch.
const REGS: usize = 8;

macro_rules! prim {
    ($($(#[$m:meta])* fn $name:ident($($a:ident: $t:ty),*) -> $r:ty $body:block)*) => {
        $(
            $(#[$m])*
            #[inline]
            #[target_feature(enable = "avx2,vaes,vpclmulqdq,aes,pclmulqdq,sse2,ssse3,sse4.1")]
            fn $name($($a: $t),*) -> $r $body
        )*
    };
}

prim! {
    fn vzero() -> V { _mm256_setzero_si256() }
    fn vxor(a: V, b: V) -> V { _mm256_xor_si256(a, b) }
    /// `a ^ b ^ c` (two instructions: no ternary logic without AVX-512VL).
    fn vxor3(a: V, b: V, c: V) -> V { _mm256_xor_si256(_mm256_xor_si256(a, b), c) }
    fn vbcast(x: __m128i) -> V { _mm256_broadcastsi128_si256(x) }
    /// XOR of the two 128-bit lanes.
    fn vfold(v: V) -> __m128i { _mm_xor_si128(_mm256_castsi256_si128(v), _mm256_extracti128_si256::<1>(v)) }
    fn vaesenc(a: V, k: V) -> V { _mm256_aesenc_epi128(a, k) }
    fn vaesenclast(a: V, k: V) -> V { _mm256_aesenclast_epi128(a, k) }
    fn vclmul_lo(a: V, b: V) -> V { _mm256_clmulepi64_epi128(a, b, 0x00) }
    fn vclmul_hi(a: V, b: V) -> V { _mm256_clmulepi64_epi128(a, b, 0x11) }
    fn vclmul_01(a: V, b: V) -> V { _mm256_clmulepi64_epi128(a, b, 0x01) }
    fn vclmul_10(a: V, b: V) -> V { _mm256_clmulepi64_epi128(a, b, 0x10) }
    /// Swaps the two qwords of every lane.
    fn vswap64(a: V) -> V { _mm256_shuffle_epi32::<0x4e>(a) }
    fn vshuffle8(a: V, m: V) -> V { _mm256_shuffle_epi8(a, m) }
    fn vadd32(a: V, b: V) -> V { _mm256_add_epi32(a, b) }
    /// `x` in lane 0, zeros in lane 1.
    fn vzext(x: __m128i) -> V { _mm256_zextsi128_si256(x) }
    /// Added to the counter register for register `j` of a batch: lane `l` (dword 3) gets 2j + l.
    fn counter_offset(j: usize) -> V {
        let j = 2 * j as i32;
        _mm256_set_epi32(j + 1, 0, 0, 0, j, 0, 0, 0)
    }
    /// `counter_offset(j)` for counter blocks already in GCM (big-endian) byte order: 2j + l added
    /// to byte 15, the counter's low byte (valid while that byte does not carry).
    fn counter_offset_be(j: usize) -> V {
        let j = 2 * j as i32;
        _mm256_set_epi32((j + 1) << 24, 0, 0, 0, j << 24, 0, 0, 0)
    }
    /// 16 in both lanes' counter dword.
    fn counter_step() -> V { _mm256_set_epi32(16, 0, 0, 0, 16, 0, 0, 0) }
    /// The register holding `lanes` (lane 0 first).
    fn vfrom_lanes(lanes: &[__m128i; 2]) -> V {
        // SAFETY: `lanes` is 32 readable bytes.
        unsafe { _mm256_loadu_si256(lanes.as_ptr().cast()) }
    }
}

/// # Safety
/// `p` readable for 32 bytes.
#[inline]
#[target_feature(enable = "avx2,vaes,vpclmulqdq,aes,pclmulqdq,sse2,ssse3,sse4.1")]
unsafe fn vload(p: *const u8) -> V {
    // SAFETY: caller contract; unaligned load.
    unsafe { _mm256_loadu_si256(p.cast()) }
}

/// # Safety
/// `p` writable for 32 bytes.
#[inline]
#[target_feature(enable = "avx2,vaes,vpclmulqdq,aes,pclmulqdq,sse2,ssse3,sse4.1")]
unsafe fn vstore(p: *mut u8, v: V) {
    // SAFETY: caller contract; unaligned store.
    unsafe { _mm256_storeu_si256(p.cast(), v) }
}

#[cfg(test)]
fn cpu_ok() -> bool {
    std::is_x86_feature_detected!("avx2")
        && std::is_x86_feature_detected!("vaes")
        && std::is_x86_feature_detected!("vpclmulqdq")
        && std::is_x86_feature_detected!("aes")
        && std::is_x86_feature_detected!("pclmulqdq")
}

super::x86_wide::wide_gcm_kernel!(features = "avx2,vaes,vpclmulqdq,aes,pclmulqdq,sse2,ssse3,sse4.1", align = 32);
