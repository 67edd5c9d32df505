//! A self-test re-run that fails (as turning FIPS mode on runs one) puts the library in its
//! failed state although a table was active: every later operation fails (own process).
#![cfg(feature = "testing")]

use xpscrypto_core::{aead, hash, init, mac, selftest, Alg, Status};

#[test]
fn failed_rerun_disables_everything() {
    init().unwrap();
    assert!(hash::hash(Alg::Sha256, b"x").is_ok());
    selftest::run_all().unwrap();
    selftest::inject_failure_for_testing();
    assert_eq!(selftest::run_all().unwrap_err().status, Status::SelfTestFailed);
    assert!(selftest::failed());
    assert_eq!(hash::hash(Alg::Sha256, b"x").unwrap_err().status, Status::SelfTestFailed);
    let mut tag = [0u8; 32];
    assert_eq!(mac::mac_into(Alg::Blake3Keyed, &[7; 32], b"x", &mut tag).unwrap_err().status, Status::SelfTestFailed);
    assert_eq!(mac::mac(Alg::HmacSha512, &[7; 32], b"x").unwrap_err().status, Status::SelfTestFailed);
    assert_eq!(aead::seal_to_vec(Alg::Aes256Gcm, &[0; 32], &[0; 12], b"", b"x").unwrap_err().status, Status::SelfTestFailed);
    assert_eq!(init().unwrap_err().status, Status::SelfTestFailed, "stays failed");
}
