//! Dispatch control in one sequential test (it changes process-wide state): introspection, force
//! by name, reset, generation, policy ISA mask / CT-only, and invariant I-6 for key handles.

use xpscrypto_core::{aead, cpu, dispatch, hash, policy, Alg, Status};

#[test]
fn force_reset_policy_and_key_handles() {
    xpscrypto_core::init().unwrap();
    let info = dispatch::info().unwrap();
    assert_eq!(info.len(), dispatch::ops().len());
    for op in &info {
        assert!(op.candidates.iter().any(|c| c.name == op.active), "{}", op.op);
        assert!(!op.forced);
    }
    let g0 = dispatch::generation();
    let key = [3u8; 32];
    let nonce = [4u8; 12];
    let handle = aead::AeadKey::new(Alg::Aes256Gcm, &key).unwrap();
    let want = handle.seal_to_vec(&nonce, b"ad", b"message").unwrap();
    let want_hash = hash::hash(Alg::Sha256, b"abc").unwrap();

    // Force the portable kernels by name: results unchanged, generation advances, handle follows.
    dispatch::force("aead.aes-256-gcm", "aes-gcm/composed").unwrap();
    dispatch::force("hash.sha256", "sha256/portable").unwrap();
    assert!(dispatch::generation() > g0);
    assert_eq!(dispatch::active_kernel("aead.aes-256-gcm").unwrap(), "aes-gcm/composed");
    assert_eq!(handle.kernel_name().unwrap(), "aes-gcm/composed", "I-6: handle re-derives for the new kernel");
    assert_eq!(handle.seal_to_vec(&nonce, b"ad", b"message").unwrap(), want);
    assert_eq!(hash::hash(Alg::Sha256, b"abc").unwrap(), want_hash);
    assert!(dispatch::info().unwrap().iter().any(|o| o.op == "hash.sha256" && o.forced));

    // Unknown names and unavailable kernels are refused.
    assert_eq!(dispatch::force("hash.nope", "x").unwrap_err().status, Status::UnknownOp);
    assert_eq!(dispatch::force("hash.sha256", "sha256/nope").unwrap_err().status, Status::UnknownKernel);

    // Reset: automatic selection again.
    let g1 = dispatch::generation();
    dispatch::reset().unwrap();
    assert!(dispatch::generation() > g1);
    assert!(dispatch::info().unwrap().iter().all(|o| !o.forced));
    assert_eq!(handle.seal_to_vec(&nonce, b"ad", b"message").unwrap(), want);

    // Policy: ISA mask 0 = portable everywhere; unavailable kernels cannot be forced.
    policy::set_isa_mask(0).unwrap();
    for op in dispatch::info().unwrap() {
        let first = dispatch::ops().iter().find(|o| o.name == op.op).unwrap().candidates[0].desc().name();
        assert_eq!(op.active, first, "{} must run portable with ISA mask 0", op.op);
    }
    if cpu::features() & cpu::bits::SHA != 0 {
        assert_eq!(dispatch::force("hash.sha256", "sha256/sha-ni").unwrap_err().status, Status::KernelUnavailable);
    }
    assert_eq!(handle.seal_to_vec(&nonce, b"ad", b"message").unwrap(), want);
    policy::set_isa_mask(u64::MAX).unwrap();
    policy::set_ct_only(true).unwrap();
    assert_eq!(hash::hash(Alg::Sha256, b"abc").unwrap(), want_hash);
    policy::set_ct_only(false).unwrap();
    dispatch::reset().unwrap();
}

#[test]
fn cpu_mask_parsing() {
    // (policy-independent self-test coverage is checked in tests/selftest_policy.rs)
    assert_eq!(cpu::parse_mask("all"), u64::MAX);
    assert_eq!(cpu::parse_mask("sha, aes"), cpu::bits::SHA | cpu::bits::AESNI);
    assert_eq!(cpu::parse_mask("bogus"), 0);
    assert_eq!(cpu::features() & !cpu::hardware_features(), 0);
}
