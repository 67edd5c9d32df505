//! Public-key vectors: Wycheproof X25519 and Ed25519 (plus the RFC files when present).

mod common;
use common::*;
use xpscrypto_core::{kem, sign, Alg, Status};

/// Wycheproof X25519: every `valid` case must match. `acceptable` cases are handled
/// deliberately: those flagged `ZeroSharedSecret` (low-order public keys) must be refused with
/// `WeakPublicKey`; all others (twist points, non-canonical u-coordinates, which RFC 7748 §5
/// says to accept by masking bit 255 and reducing mod p) are accepted and must match.
#[test]
fn wycheproof_x25519() {
    let doc = load("wycheproof/x25519_test.json");
    let (mut valid, mut refused_zero, mut acceptable_ok) = (0, 0, 0);
    for (_, t) in wycheproof_tests(&doc) {
        let (sk, peer, want) = (h(&t, "private"), h(&t, "public"), h(&t, "shared"));
        let flags: Vec<&str> = t["flags"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
        let got = kem::decapsulate(Alg::X25519, &sk, &peer);
        let id = &t["tcId"];
        if flags.contains(&"ZeroSharedSecret") {
            assert!(want.iter().all(|&b| b == 0), "tcId {id}");
            assert_eq!(got.unwrap_err().status, Status::WeakPublicKey, "tcId {id}");
            refused_zero += 1;
            continue;
        }
        assert_eq!(&got.unwrap_or_else(|e| panic!("tcId {id}: {e}"))[..], &want[..], "tcId {id}");
        match t["result"].as_str().unwrap() {
            "valid" => valid += 1,
            "acceptable" => acceptable_ok += 1,
            r => panic!("tcId {id}: unexpected result {r}"),
        }
    }
    eprintln!("x25519: {valid} valid, {acceptable_ok} acceptable accepted, {refused_zero} low-order refused");
    assert_eq!(valid + acceptable_ok + refused_zero, 518);
}

/// Wycheproof Ed25519 (verification): valid ones verify, invalid ones are refused (bad
/// signature, or invalid length for truncated/extended signatures).
#[test]
fn wycheproof_ed25519() {
    let doc = load("wycheproof/ed25519_test.json");
    let (mut ok, mut rejected) = (0, 0);
    for g in doc["testGroups"].as_array().unwrap() {
        let pk = h(&g["publicKey"], "pk");
        for t in g["tests"].as_array().unwrap() {
            let (msg, sig) = (h(t, "msg"), h(t, "sig"));
            let r = sign::verify(Alg::Ed25519, &pk, &msg, &sig);
            match t["result"].as_str().unwrap() {
                "valid" => {
                    r.unwrap_or_else(|e| panic!("tcId {}: {e}", t["tcId"]));
                    ok += 1;
                }
                _ => {
                    let e = r.expect_err(&format!("tcId {} must be rejected", t["tcId"]));
                    assert!(matches!(e.status, Status::BadSignature | Status::InvalidLength), "tcId {}: {e}", t["tcId"]);
                    rejected += 1;
                }
            }
        }
    }
    eprintln!("ed25519: {ok} valid verified, {rejected} invalid rejected");
    assert_eq!(ok + rejected, 151);
}
