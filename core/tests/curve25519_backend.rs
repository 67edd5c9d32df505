//! The curve25519-dalek AVX-512 IFMA backend is compiled in on x86-64 (`.cargo/config.toml`), and
//! is the one running where the CPU has IFMA. Fails if the build lost the cfg (for example a
//! RUSTFLAGS variable replacing the config's flags).

use xpscrypto_core::cpu;

#[test]
#[cfg(target_arch = "x86_64")]
fn ifma_backend_is_compiled_in_and_chosen_when_available() {
    assert_eq!(cpu::curve25519_backends_built(), ["avx512-ifma", "avx2"], "build without --cfg curve25519_dalek_backend=\"avx512\"");
    let hw = cpu::hardware_features();
    let expect = if cpu::satisfies(hw, cpu::bits::AVX512IFMA | cpu::bits::AVX512VL) {
        "avx512-ifma"
    } else if cpu::satisfies(hw, cpu::bits::AVX2) {
        "avx2"
    } else {
        "serial"
    };
    assert_eq!(cpu::curve25519_backend(), expect);
}

#[test]
fn backend_name_is_one_of_three() {
    assert!(["avx512-ifma", "avx2", "serial"].contains(&cpu::curve25519_backend()));
}
