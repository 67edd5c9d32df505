//! A forced power-on self-test failure makes every later operation fail (own process: this test
//! binary never initializes the library before injecting the failure).
#![cfg(feature = "testing")]

use xpscrypto_core::{aead, hash, hazmat, init, Alg, Status};

#[test]
fn forced_selftest_failure_disables_everything() {
    xpscrypto_core::selftest::inject_failure_for_testing();
    assert_eq!(init().unwrap_err().status, Status::SelfTestFailed);
    assert!(xpscrypto_core::selftest::failed());
    assert_eq!(hash::hash(Alg::Sha256, b"x").unwrap_err().status, Status::SelfTestFailed);
    assert_eq!(aead::seal_to_vec(Alg::Aes256Gcm, &[0; 32], &[0; 12], b"", b"x").unwrap_err().status, Status::SelfTestFailed);
    // the hazmat internal-interface calls are operations too (the kernel-level helpers are not)
    assert_eq!(hazmat::sign_internal(Alg::MlDsa44, &[0; 2560], b"m", None).unwrap_err().status, Status::SelfTestFailed);
    assert_eq!(hazmat::verify_internal(Alg::SlhDsaSha2_128s, &[0; 32], b"m", &[0; 7856]).unwrap_err().status, Status::SelfTestFailed);
    assert_eq!(init().unwrap_err().status, Status::SelfTestFailed, "stays failed");
}
