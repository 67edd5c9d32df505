//! CPU feature detection, done once per process, plus the masking switch.
//!
//! `XPS_CPU_DISABLE` (read once, at first detection) masks features off: `all` for the portable path
//! everywhere, or a comma list of names as printed by [`feature_names`] (e.g. `sha,aes,avx2`).
//! The policy's ISA mask (see `policy`) is applied on top at kernel selection time.

#[cfg(target_arch = "aarch64")]
mod aarch64;
#[cfg(target_arch = "x86_64")]
mod x86_64;

use std::sync::OnceLock;

/// One bit per feature; the numbering is stable (it is visible through the C ABI).
pub mod bits {
    pub const SSE2: u64 = 1 << 0;
    pub const SSSE3: u64 = 1 << 1;
    pub const SSE41: u64 = 1 << 2;
    pub const SSE42: u64 = 1 << 3;
    pub const AVX: u64 = 1 << 4;
    pub const AVX2: u64 = 1 << 5;
    pub const BMI2: u64 = 1 << 6;
    pub const AVX512F: u64 = 1 << 7;
    pub const AVX512BW: u64 = 1 << 8;
    pub const AVX512VL: u64 = 1 << 9;
    pub const AESNI: u64 = 1 << 10;
    pub const PCLMULQDQ: u64 = 1 << 11;
    pub const SHA: u64 = 1 << 12;
    pub const VAES: u64 = 1 << 13;
    pub const VPCLMULQDQ: u64 = 1 << 14;
    pub const AVX512IFMA: u64 = 1 << 15;
    pub const GFNI: u64 = 1 << 16;
    pub const NEON: u64 = 1 << 32;
    pub const ARM_AES: u64 = 1 << 33;
    pub const ARM_PMULL: u64 = 1 << 34;
    pub const ARM_SHA2: u64 = 1 << 35;
    pub const ARM_SHA3: u64 = 1 << 36;
}

/// (bit, name) for every feature this library knows about.
pub const FEATURES: &[(u64, &str)] = &[
    (bits::SSE2, "sse2"),
    (bits::SSSE3, "ssse3"),
    (bits::SSE41, "sse4.1"),
    (bits::SSE42, "sse4.2"),
    (bits::AVX, "avx"),
    (bits::AVX2, "avx2"),
    (bits::BMI2, "bmi2"),
    (bits::AVX512F, "avx512f"),
    (bits::AVX512BW, "avx512bw"),
    (bits::AVX512VL, "avx512vl"),
    (bits::AESNI, "aes"),
    (bits::PCLMULQDQ, "pclmulqdq"),
    (bits::SHA, "sha"),
    (bits::VAES, "vaes"),
    (bits::VPCLMULQDQ, "vpclmulqdq"),
    (bits::AVX512IFMA, "avx512ifma"),
    (bits::GFNI, "gfni"),
    (bits::NEON, "neon"),
    (bits::ARM_AES, "arm-aes"),
    (bits::ARM_PMULL, "pmull"),
    (bits::ARM_SHA2, "arm-sha2"),
    (bits::ARM_SHA3, "arm-sha3"),
];

/// Environment variable that masks features off (read once).
pub const DISABLE_ENV: &str = "XPS_CPU_DISABLE";

struct Detected {
    raw: u64,
    masked: u64,
}

fn detected() -> &'static Detected {
    static D: OnceLock<Detected> = OnceLock::new();
    D.get_or_init(|| {
        let raw = detect_raw();
        let off = std::env::var(DISABLE_ENV).map(|v| parse_mask(&v)).unwrap_or(0);
        Detected { raw, masked: raw & !off }
    })
}

fn detect_raw() -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        x86_64::detect()
    }
    #[cfg(target_arch = "aarch64")]
    {
        aarch64::detect()
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        0
    }
}

/// Parses `all` or a comma list of feature names into a bit mask; unknown names are ignored.
pub fn parse_mask(spec: &str) -> u64 {
    let mut m = 0;
    for name in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if name.eq_ignore_ascii_case("all") {
            return u64::MAX;
        }
        if let Some((bit, _)) = FEATURES.iter().find(|(_, n)| n.eq_ignore_ascii_case(name)) {
            m |= bit;
        }
    }
    m
}

/// Features the hardware has, before any masking.
pub fn hardware_features() -> u64 {
    detected().raw
}

/// Features usable by kernels: hardware minus `XPS_CPU_DISABLE`.
pub fn features() -> u64 {
    detected().masked
}

/// Names of the features set in `mask`, in the order of [`FEATURES`].
pub fn feature_names(mask: u64) -> Vec<&'static str> {
    FEATURES.iter().filter(|(b, _)| mask & b != 0).map(|(_, n)| *n).collect()
}

/// The curve25519-dalek backend that runs Ed25519 verification and variable-base multiplication
/// in this process: `"avx512-ifma"`, `"avx2"` or `"serial"`. It mirrors dalek's own choice: the
/// backends compiled in ([`curve25519_backends_built`]) and the hardware features, which dalek
/// reads itself, so `XPS_CPU_DISABLE` does not move it.
pub fn curve25519_backend() -> &'static str {
    let hw = hardware_features();
    let built = curve25519_backends_built();
    if built.contains(&"avx512-ifma") && satisfies(hw, bits::AVX512IFMA | bits::AVX512VL) {
        "avx512-ifma"
    } else if built.contains(&"avx2") && satisfies(hw, bits::AVX2) {
        "avx2"
    } else {
        "serial"
    }
}

/// The curve25519-dalek vector backends compiled into this build. dalek's build script picks
/// AVX2 by itself on 64-bit x86-64 and adds the IFMA one under `--cfg
/// curve25519_dalek_backend="avx512"` (`.cargo/config.toml`); the cfg this crate sees is only
/// the one passed in (dalek adds `simd` for itself), hence the reasoning here.
pub fn curve25519_backends_built() -> &'static [&'static str] {
    if !cfg!(all(target_arch = "x86_64", target_pointer_width = "64")) {
        &[]
    } else if cfg!(curve25519_dalek_backend = "avx512") {
        &["avx512-ifma", "avx2"]
    } else if cfg!(any(curve25519_dalek_backend = "serial", curve25519_dalek_backend = "fiat")) {
        &[]
    } else {
        &["avx2"]
    }
}

/// Whether every feature in `required` is present in `available`.
pub fn satisfies(available: u64, required: u64) -> bool {
    available & required == required
}
