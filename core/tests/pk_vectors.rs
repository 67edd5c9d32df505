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

/// RFC 8032 §7.1 (pure Ed25519; the ctx/ph variants of §7.2–7.3 are skipped): the public key from the secret, and the signature, through the
/// flat call and through a key handle (which derives the public key once and signs with it).
#[test]
fn rfc8032_ed25519_flat_and_handle() {
    let doc = load("rfc/ed25519.json");
    let mut n = 0;
    for t in doc["tests"].as_array().unwrap().iter().filter(|t| t.get("variant").is_none()) {
        let (sk, pk, msg, sig) = (h(t, "sk"), h(t, "pk"), h(t, "msg"), h(t, "sig"));
        let id = &t["id"];
        assert_eq!(sign::public_from_secret(Alg::Ed25519, &sk).unwrap(), pk, "{id}");
        assert_eq!(sign::sign(Alg::Ed25519, &sk, &msg).unwrap(), sig, "{id} (flat)");
        let key = sign::SigningKey::new(Alg::Ed25519, &sk).unwrap();
        assert_eq!(key.public_key().unwrap(), pk, "{id} (handle public key)");
        assert_eq!(key.sign_with(&msg, &sign::SignOptions::default()).unwrap(), sig, "{id} (handle)");
        let mut out = [0xAAu8; 64];
        assert_eq!(key.sign_into(&msg, &sign::SignOptions { deterministic: true, ..Default::default() }, &mut out).unwrap(), 64);
        assert_eq!(&out[..], &sig[..], "{id} (handle, deterministic flag)");
        sign::verify(Alg::Ed25519, &pk, &msg, &sig).unwrap_or_else(|e| panic!("{id}: {e}"));
        n += 1;
    }
    assert_eq!(n, 5);
}

/// Ed25519 key handles sign exactly as the flat call on random keys and messages; a short output
/// buffer is refused and left untouched, and a context is refused as in the flat call.
#[test]
fn ed25519_handle_matches_flat_call() {
    let mut rng = TestRng::new(8032);
    let mut seen = Vec::new();
    for len in (0..300).step_by(7).chain([1000, 4096]) {
        let sk = rng.bytes(32);
        let msg = rng.bytes(len);
        let key = sign::SigningKey::new(Alg::Ed25519, &sk).unwrap();
        let sig = key.sign_with(&msg, &sign::SignOptions::default()).unwrap();
        // Twice through the flat call: a miss, then a hit of the per-thread public-key cache.
        for _ in 0..2 {
            assert_eq!(sig, sign::sign(Alg::Ed25519, &sk, &msg).unwrap(), "length {len}");
        }
        let pk = key.public_key().unwrap();
        assert_eq!(pk, sign::public_from_secret(Alg::Ed25519, &sk).unwrap());
        sign::verify(Alg::Ed25519, &pk, &msg, &sig).unwrap();
        seen.push((sk, pk, msg, sig));
    }
    // Back to the first keys, long evicted (the caches hold 8 per thread), in reverse order, and
    // with a wrong message: a cached verifying key must not make anything verify.
    for (sk, pk, msg, sig) in seen.iter().rev() {
        assert_eq!(&sign::sign(Alg::Ed25519, sk, msg).unwrap(), sig);
        sign::verify(Alg::Ed25519, pk, msg, sig).unwrap();
        let mut other = msg.clone();
        other.push(1);
        assert_eq!(sign::verify(Alg::Ed25519, pk, &other, sig).unwrap_err().status, Status::BadSignature);
    }
    // Threads interleaving the same keys get the same signatures (the caches are per thread).
    let shared = std::sync::Arc::new(seen);
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let seen = shared.clone();
            std::thread::spawn(move || {
                for (sk, pk, msg, sig) in seen.iter().skip(t).step_by(3).chain(seen.iter().take(5)) {
                    assert_eq!(&sign::sign(Alg::Ed25519, sk, msg).unwrap(), sig);
                    sign::verify(Alg::Ed25519, pk, msg, sig).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let key = sign::SigningKey::new(Alg::Ed25519, &[9u8; 32]).unwrap();
    let mut short = [0x55u8; 63];
    assert_eq!(key.sign_into(b"m", &sign::SignOptions::default(), &mut short).unwrap_err().status, Status::BufferTooSmall);
    assert!(short.iter().all(|&b| b == 0x55));
    let ctx = sign::SignOptions { context: b"ctx", ..Default::default() };
    let mut out = [0x55u8; 64];
    assert_eq!(key.sign_into(b"m", &ctx, &mut out).unwrap_err().status, Status::InvalidParameter);
    assert!(out.iter().all(|&b| b == 0x55));
}
