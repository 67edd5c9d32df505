//! Self-tests cover every kernel the CPU can run, not only those the policy allows at init: a
//! program that narrows the ISA mask before the first call and widens it later must still only
//! ever select self-tested kernels. (Own process: the mask is set before initialization.)

use xpscrypto_core::{cpu, dispatch, hash, policy, Alg};

#[test]
fn widening_policy_after_init_selects_tested_kernels() {
    policy::set_isa_mask(0).unwrap(); // initializes with portable kernels only
    assert_eq!(dispatch::active_kernel("hash.sha256").unwrap(), "sha256/portable");
    let tested = xpscrypto_core::selftest::tested_kernels();
    for op in dispatch::ops() {
        for c in &op.candidates {
            if cpu::satisfies(cpu::features(), c.desc().requires) {
                assert!(tested.contains(&c.desc().name()), "{} runs here but was not self-tested", c.desc().name());
            }
        }
    }
    policy::set_isa_mask(u64::MAX).unwrap();
    let want = if cpu::satisfies(cpu::features(), cpu::bits::SHA | cpu::bits::SSE41) { "sha256/sha-ni" } else { "sha256/portable" };
    assert_eq!(dispatch::active_kernel("hash.sha256").unwrap(), want);
    assert!(!xpscrypto_core::selftest::failed());
    // FIPS 180-4 example: SHA-256("abc").
    assert_eq!(hex::encode(hash::hash(Alg::Sha256, b"abc").unwrap()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
