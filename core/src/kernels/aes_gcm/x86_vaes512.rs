//! Wide AES-GCM kernel on 512-bit registers: VAES + VPCLMULQDQ with AVX-512F/BW, four blocks per
//! zmm register, four registers per 16-block batch. The kernel itself is `x86_wide.rs`; this file
//! gives it its vector primitives.

#![cfg(target_arch = "x86_64")]

use core::arch::x86_64::*;

type V = __m512i;
/// Registers per 16-block batch.
const REGS: usize = 4;

macro_rules! prim {
    ($($(#[$m:meta])* fn $name:ident($($a:ident: $t:ty),*) -> $r:ty $body:block)*) => {
        $(
            $(#[$m])*
            #[inline]
            #[target_feature(enable = "avx512f,avx512bw,vaes,vpclmulqdq,aes,pclmulqdq,sse2,ssse3,sse4.1")]
            fn $name($($a: $t),*) -> $r $body
        )*
    };
}

prim! {
    fn vzero() -> V { _mm512_setzero_si512() }
    fn vxor(a: V, b: V) -> V { _mm512_xor_si512(a, b) }
    /// `a ^ b ^ c` in one instruction.
    fn vxor3(a: V, b: V, c: V) -> V { _mm512_ternarylogic_epi64::<0x96>(a, b, c) }
    fn vbcast(x: __m128i) -> V { _mm512_broadcast_i32x4(x) }
    /// XOR of the four 128-bit lanes.
    fn vfold(v: V) -> __m128i {
        let y = _mm256_xor_si256(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64::<1>(v));
        _mm_xor_si128(_mm256_castsi256_si128(y), _mm256_extracti128_si256::<1>(y))
    }
    fn vaesenc(a: V, k: V) -> V { _mm512_aesenc_epi128(a, k) }
    fn vaesenclast(a: V, k: V) -> V { _mm512_aesenclast_epi128(a, k) }
    fn vclmul_lo(a: V, b: V) -> V { _mm512_clmulepi64_epi128(a, b, 0x00) }
    fn vclmul_hi(a: V, b: V) -> V { _mm512_clmulepi64_epi128(a, b, 0x11) }
    fn vclmul_01(a: V, b: V) -> V { _mm512_clmulepi64_epi128(a, b, 0x01) }
    fn vclmul_10(a: V, b: V) -> V { _mm512_clmulepi64_epi128(a, b, 0x10) }
    /// Swaps the two qwords of every lane.
    fn vswap64(a: V) -> V { _mm512_shuffle_epi32::<0x4e>(a) }
    fn vshuffle8(a: V, m: V) -> V { _mm512_shuffle_epi8(a, m) }
    fn vadd32(a: V, b: V) -> V { _mm512_add_epi32(a, b) }
    /// `x` in lane 0, zeros elsewhere.
    fn vzext(x: __m128i) -> V { _mm512_zextsi128_si512(x) }
    /// Added to the counter register for register `j` of a batch: lane `l` (dword 3) gets 4j + l.
    fn counter_offset(j: usize) -> V {
        let j = 4 * j as i32;
        _mm512_set_epi32(j + 3, 0, 0, 0, j + 2, 0, 0, 0, j + 1, 0, 0, 0, j, 0, 0, 0)
    }
    /// `counter_offset(j)` for counter blocks already in GCM (big-endian) byte order: 4j + l added
    /// to byte 15, the counter's low byte (valid while that byte does not carry).
    fn counter_offset_be(j: usize) -> V {
        let j = 4 * j as i32;
        _mm512_set_epi32((j + 3) << 24, 0, 0, 0, (j + 2) << 24, 0, 0, 0, (j + 1) << 24, 0, 0, 0, j << 24, 0, 0, 0)
    }
    /// 16 in every lane's counter dword.
    fn counter_step() -> V { _mm512_set_epi32(16, 0, 0, 0, 16, 0, 0, 0, 16, 0, 0, 0, 16, 0, 0, 0) }
    /// The register holding `lanes` (lane 0 first).
    fn vfrom_lanes(lanes: &[__m128i; 4]) -> V {
        // SAFETY: `lanes` is 64 readable bytes.
        unsafe { _mm512_loadu_si512(lanes.as_ptr().cast()) }
    }
}

/// # Safety
/// `p` readable for 64 bytes.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,vaes,vpclmulqdq,aes,pclmulqdq,sse2,ssse3,sse4.1")]
unsafe fn vload(p: *const u8) -> V {
    // SAFETY: caller contract; unaligned load.
    unsafe { _mm512_loadu_si512(p.cast()) }
}

/// # Safety
/// `p` writable for 64 bytes.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,vaes,vpclmulqdq,aes,pclmulqdq,sse2,ssse3,sse4.1")]
unsafe fn vstore(p: *mut u8, v: V) {
    // SAFETY: caller contract; unaligned store.
    unsafe { _mm512_storeu_si512(p.cast(), v) }
}

#[cfg(test)]
fn cpu_ok() -> bool {
    std::is_x86_feature_detected!("avx512f")
        && std::is_x86_feature_detected!("avx512bw")
        && std::is_x86_feature_detected!("vaes")
        && std::is_x86_feature_detected!("vpclmulqdq")
        && std::is_x86_feature_detected!("aes")
        && std::is_x86_feature_detected!("pclmulqdq")
}

super::x86_wide::wide_gcm_kernel!(features = "avx512f,avx512bw,vaes,vpclmulqdq,aes,pclmulqdq,sse2,ssse3,sse4.1", align = 64);
