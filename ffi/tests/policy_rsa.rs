//! `xps_policy_set_rsa_private_ops` / `xps_policy_rsa_private_ops`: the RUSTSEC-2023-0071 switch
//! reaches the engine (RSA signing refused with POLICY_DENIED while off, verification unaffected).

use xpscrypto::*;
use xpscrypto_core::{sign, Alg, Status};

#[test]
fn rsa_private_ops_switch() {
    assert_eq!(xps_init(), XPS_OK);
    assert_eq!(xps_policy_rsa_private_ops(), 1, "default: allowed");
    assert_eq!(xps_policy_set_rsa_private_ops(0), XPS_OK);
    assert_eq!(xps_policy_rsa_private_ops(), 0);
    // The policy is checked before the key is parsed: any secret key is refused.
    let denied = sign::sign(Alg::RsaPssSha256, &[0x30, 0x00], b"m").unwrap_err().status;
    let keygen = sign::keypair(Alg::RsaPssSha256, None).map(|_| ()).unwrap_err().status;
    // Verification still runs (and rejects a malformed key on its own merits).
    let verify = sign::verify(Alg::RsaPssSha256, &[0x30, 0x00], b"m", &[0u8; 256]).unwrap_err().status;
    assert_eq!(xps_policy_set_rsa_private_ops(7), XPS_OK, "any non-zero value allows");
    assert_eq!(xps_policy_rsa_private_ops(), 1);
    assert_eq!(denied, Status::PolicyDenied);
    assert_eq!(keygen, Status::PolicyDenied);
    assert_eq!(verify, Status::InvalidKey);
    assert_eq!(sign::sign(Alg::RsaPssSha256, &[0x30, 0x00], b"m").unwrap_err().status, Status::InvalidKey);
}
