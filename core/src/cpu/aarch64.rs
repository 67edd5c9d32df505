use super::bits::*;

pub(super) fn detect() -> u64 {
    let mut m = 0;
    macro_rules! probe {
        ($($feat:tt => $bit:expr),* $(,)?) => {
            $( if std::arch::is_aarch64_feature_detected!($feat) { m |= $bit; } )*
        };
    }
    probe!("neon" => NEON, "aes" => ARM_AES | ARM_PMULL, "sha2" => ARM_SHA2, "sha3" => ARM_SHA3);
    m
}
