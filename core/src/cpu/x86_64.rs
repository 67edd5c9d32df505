use super::bits::*;

pub(super) fn detect() -> u64 {
    let mut m = 0;
    macro_rules! probe {
        ($($feat:tt => $bit:expr),* $(,)?) => {
            $( if std::arch::is_x86_feature_detected!($feat) { m |= $bit; } )*
        };
    }
    probe!(
        "sse2" => SSE2, "ssse3" => SSSE3, "sse4.1" => SSE41, "sse4.2" => SSE42,
        "avx" => AVX, "avx2" => AVX2, "bmi2" => BMI2,
        "avx512f" => AVX512F, "avx512bw" => AVX512BW, "avx512vl" => AVX512VL,
        "aes" => AESNI, "pclmulqdq" => PCLMULQDQ, "sha" => SHA,
        "vaes" => VAES, "vpclmulqdq" => VPCLMULQDQ, "avx512ifma" => AVX512IFMA, "gfni" => GFNI,
    );
    m
}
