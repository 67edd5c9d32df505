//! The process-wide policy (issue 7, item 5): FIPS-like mode, allowed algorithms, minimum key
//! sizes, atomic replacement with kernel re-selection, and the hot-patch switch. The policy is
//! process-wide, so the tests of this binary run one at a time (`serial`) and restore the
//! default policy when they end (also when they fail).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use xpscrypto_core::policy::{self, AlgSet, Policy};
use xpscrypto_core::{aead, dispatch, hash, hotpatch, hpke, kdf, kem, mac, metrics, sign, Alg, Family, Status};

static SERIAL: Mutex<()> = Mutex::new(());

/// Holds the serial lock; puts the default policy back when dropped.
struct Serial(#[allow(dead_code)] MutexGuard<'static, ()>);

impl Drop for Serial {
    fn drop(&mut self) {
        // FIPS mode forced ct_only on and raised the minimums; this puts the defaults back.
        let _ = policy::replace(Policy::default());
    }
}

fn serial() -> Serial {
    let g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    policy::replace(Policy::default()).unwrap();
    Serial(g)
}

fn hx(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

/// One representative call of `alg`'s family; `Err` carries the status and detail.
fn exercise(alg: Alg) -> Result<(), (Status, String)> {
    let e = |e: xpscrypto_core::Error| (e.status, e.detail.to_string());
    match alg.family() {
        // The one-shot and the stream must agree.
        Family::Hash => match (hash::hash(alg, b"abc").map(drop).map_err(e), hash::Hasher::new(alg).map(drop).map_err(e)) {
            (Ok(()), Ok(())) => Ok(()),
            (Err(one), Err(stream)) if one.0 == stream.0 => Err(one),
            (one, stream) => panic!("{}: one-shot {one:?}, stream {stream:?}", alg.name()),
        },
        Family::Mac => match (mac::mac(alg, &[7u8; 32], b"data").map(drop).map_err(e), mac::Mac::new(alg, &[7u8; 32]).map(drop).map_err(e)) {
            (Ok(()), Ok(())) => Ok(()),
            (Err(one), Err(stream)) if one.0 == stream.0 => Err(one),
            (one, stream) => panic!("{}: one-shot {one:?}, stream {stream:?}", alg.name()),
        },
        Family::Aead => {
            let key = [1u8; 32];
            let key = &key[..if alg == Alg::Aes128Gcm { 16 } else { 32 }];
            let nonce = [2u8; 24];
            let nonce = &nonce[..if alg == Alg::XChaCha20Poly1305 { 24 } else { 12 }];
            aead::seal_to_vec(alg, key, nonce, b"", b"pt").map(drop).map_err(e)
        }
        Family::Kdf => {
            let mut out = [0u8; 32];
            match alg {
                Alg::HkdfSha256 | Alg::HkdfSha384 | Alg::HkdfSha512 => kdf::hkdf(alg, &[1; 32], b"salt", b"info", &mut out).map_err(e),
                Alg::Argon2id => {
                    let p = kdf::Argon2idParams { t_cost: 1, m_cost_kib: 8, parallelism: 1 };
                    kdf::argon2id(p, b"password", b"saltsalt", b"", b"", &mut out).map_err(e)
                }
                _ => kdf::pbkdf2(alg, b"pw", b"salt", 1, &mut out).map_err(e),
            }
        }
        Family::Sign => match alg {
            // RSA key generation takes seconds: a verification with a malformed key gets past
            // the policy (to the kernel's InvalidKey) as well.
            Alg::RsaPssSha256 => match sign::verify(alg, &[0x30; 64], b"m", &[0; 256]).map_err(e) {
                Err((Status::InvalidKey, _)) => Ok(()),
                other => other,
            },
            // SLH-DSA-SHA2-128s signing takes ~0.4 s; key generation is enough.
            Alg::SlhDsaSha2_128s => sign::keypair(alg, None).map(drop).map_err(e),
            _ => {
                let (pk, sk) = sign::keypair(alg, None).map_err(e)?;
                let sig = sign::sign(alg, sk.as_slice(), b"m").map_err(e)?;
                sign::verify(alg, &pk, b"m", &sig).map_err(e)
            }
        },
        Family::Kem => {
            let (pk, sk) = kem::keypair(alg, None).map_err(e)?;
            let (ct, ss) = kem::encapsulate(alg, &pk, None).map_err(e)?;
            assert_eq!(kem::decapsulate(alg, sk.as_slice(), &ct).map_err(e)?[..], ss[..]);
            Ok(())
        }
    }
}

#[test]
fn fips_mode_refuses_every_non_approved_algorithm_and_allows_the_approved_ones() {
    let _s = serial();
    let runs = metrics::snapshot().selftest_runs_passed;
    policy::set_fips_mode(true).unwrap();
    assert!(policy::fips_mode());
    assert!(metrics::snapshot().selftest_runs_passed > runs, "turning FIPS mode on runs the self-tests again");
    let p = policy::current();
    assert!(p.fips_mode && p.ct_only, "FIPS mode forces CT-only");
    assert_eq!((p.min_rsa_bits, p.min_hmac_key_bytes), (2048, 14));
    assert!(policy::ct_only());
    for op in dispatch::info().unwrap() {
        let c = op.candidates.iter().find(|c| c.name == op.active).unwrap();
        // An op without any constant-time kernel (RSA) keeps its portable kernel.
        let any_ct = op.candidates.iter().any(|c| c.constant_time && c.available);
        assert!(c.constant_time || !any_ct, "{} runs non-CT kernel {} in FIPS mode", op.op, op.active);
    }
    let (mut refused, mut allowed) = (0, 0);
    for &alg in Alg::ALL {
        let r = exercise(alg);
        if policy::fips_approved(alg) {
            assert!(r.is_ok(), "{} is approved but failed: {r:?}", alg.name());
            allowed += 1;
        } else {
            let (status, detail) = r.expect_err(alg.name());
            assert_eq!(status, Status::PolicyDenied, "{}: {detail}", alg.name());
            assert_eq!(status.code(), 301);
            let want = format!("policy: fips_mode forbids {} (not FIPS-approved", alg.name());
            assert!(detail.starts_with(&want), "{}: {detail:?}", alg.name());
            refused += 1;
        }
    }
    assert_eq!((allowed, refused), (26, 13));

    // Other entry points: one-shot fast paths, streams, XOFs, BLAKE3 modes, HPKE suites.
    let mut d = [0u8; 32];
    assert_eq!(hash::hash_into(Alg::Blake3, b"x", &mut d).unwrap_err().status, Status::PolicyDenied);
    assert!(hash::hash_into(Alg::Sha256, b"x", &mut d).is_ok());
    assert_eq!(hash::Hasher::new(Alg::Blake2b512).unwrap_err().status, Status::PolicyDenied);
    assert_eq!(hash::xof(Alg::Blake3, b"x", &mut d).unwrap_err().status, Status::PolicyDenied);
    assert!(hash::xof(Alg::Shake256, b"x", &mut d).is_ok());
    assert_eq!(hash::blake3_keyed(&[0; 32], b"x", &mut d).unwrap_err().status, Status::PolicyDenied);
    assert_eq!(hash::blake3_derive_key(b"ctx", b"x", &mut d).unwrap_err().status, Status::PolicyDenied);
    assert_eq!(mac::Mac::new(Alg::Poly1305, &[1; 32]).unwrap_err().status, Status::PolicyDenied);
    let mut buf = *b"in place";
    assert_eq!(aead::seal_in_place(Alg::ChaCha20Poly1305, &[0; 32], &[0; 12], b"", &mut buf).unwrap_err().status, Status::PolicyDenied);
    assert_eq!(aead::AeadKey::new(Alg::XChaCha20Poly1305, &[0; 32]).unwrap_err().status, Status::PolicyDenied);
    let hpke_err = |k, f, a| hpke::Suite::new(k, f, a).unwrap_err();
    let e = hpke_err(hpke::KEM_X25519_HKDF_SHA256, hpke::KDF_HKDF_SHA256, hpke::AEAD_AES_128_GCM);
    assert_eq!(e.status, Status::PolicyDenied);
    assert!(e.detail.contains("fips_mode forbids x25519"), "{}", e.detail);
    let e = hpke_err(hpke::KEM_ML_KEM_768, hpke::KDF_HKDF_SHA256, hpke::AEAD_CHACHA20_POLY1305);
    assert!(e.detail.contains("fips_mode forbids chacha20-poly1305"), "{}", e.detail);
    assert_eq!(hpke_err(hpke::KEM_X_WING, hpke::KDF_HKDF_SHA256, hpke::AEAD_AES_256_GCM).status, Status::PolicyDenied);
    let suite = hpke::Suite::new(hpke::KEM_ML_KEM_768, hpke::KDF_HKDF_SHA256, hpke::AEAD_AES_256_GCM).unwrap();
    let (pk, sk) = hpke::generate_keypair(hpke::KEM_ML_KEM_768).unwrap();
    let (enc, ct) = hpke::seal(suite, &pk, &hpke::Setup::base(b"info"), b"aad", b"hello").unwrap();
    assert_eq!(hpke::open(suite, &enc, sk.as_slice(), &hpke::Setup::base(b"info"), b"aad", &ct).unwrap(), b"hello");

    // HMAC keys shorter than 112 bits are refused; PBKDF2 passwords are not HMAC keys.
    let e = mac::mac(Alg::HmacSha256, &[1; 13], b"m").unwrap_err();
    assert_eq!(e.status, Status::PolicyDenied);
    assert!(e.detail.contains("min_hmac_key_bytes is 14"), "{}", e.detail);
    assert_eq!(mac::verify(Alg::HmacSha512, b"Jefe", b"m", &[0; 64]).unwrap_err().status, Status::PolicyDenied);
    assert!(mac::mac(Alg::HmacSha256, &[1; 14], b"m").is_ok());
    let mut dk = [0u8; 32];
    kdf::pbkdf2(Alg::Pbkdf2Sha256, b"pw", b"salt", 2, &mut dk).unwrap();

    // While FIPS mode is on, its floors cannot be lowered.
    assert_eq!(policy::set_ct_only(false).unwrap_err().status, Status::PolicyDenied);
    assert_eq!(policy::set_min_hmac_key_bytes(8).unwrap_err().status, Status::PolicyDenied);
    assert_eq!(policy::set_min_rsa_bits(1024).unwrap_err().status, Status::PolicyDenied);
    policy::set_min_rsa_bits(3072).unwrap();

    // Off again: everything runs (the floors FIPS mode raised stay until changed).
    policy::set_fips_mode(false).unwrap();
    assert!(policy::ct_only());
    for &alg in Alg::ALL {
        if alg != Alg::RsaPssSha256 {
            assert!(exercise(alg).is_ok(), "{} after FIPS mode", alg.name());
        }
    }
}

#[test]
fn fips_table_in_security_md_matches_the_code() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../SECURITY.md")).unwrap();
    let mut seen = 0;
    for line in text.lines() {
        // | `name` | in/out | reason |
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 4 {
            continue;
        }
        let names: Vec<&str> = cells[1].split(',').map(|n| n.trim().trim_matches('`')).collect();
        if names.first().and_then(|n| Alg::from_name(n)).is_none() {
            continue; // not a row of the FIPS table
        }
        let approved = match cells[2] {
            "in" => true,
            "out" => false,
            other => panic!("FIPS table cell {other:?} is neither in nor out"),
        };
        for n in names {
            let alg = Alg::from_name(n).unwrap_or_else(|| panic!("{n} in the FIPS table is not an algorithm"));
            assert_eq!(policy::fips_approved(alg), approved, "SECURITY.md says {n} is {}", cells[2]);
            seen += 1;
        }
    }
    assert_eq!(seen, Alg::ALL.len(), "the FIPS table of SECURITY.md lists every algorithm once");
}

#[test]
fn key_handles_made_before_a_policy_change_are_refused_after_it() {
    let _s = serial();
    let chacha = aead::AeadKey::new(Alg::ChaCha20Poly1305, &[9; 32]).unwrap();
    let gcm = aead::AeadKey::new(Alg::Aes256Gcm, &[9; 32]).unwrap();
    let sealed = chacha.seal_to_vec(&[1; 12], b"", b"before").unwrap();
    let (xpk, xsk) = kem::keypair(Alg::X25519, None).unwrap();
    let x = kem::DecapsulationKey::new(Alg::X25519, xsk.as_slice()).unwrap();
    let (ct, _) = kem::encapsulate(Alg::X25519, &xpk, None).unwrap();
    let (_, esk) = sign::keypair(Alg::Ed25519, None).unwrap();
    let ed = sign::SigningKey::new(Alg::Ed25519, esk.as_slice()).unwrap();
    let (_, msk) = sign::keypair(Alg::MlDsa44, None).unwrap();
    let ml = sign::SigningKey::new(Alg::MlDsa44, msk.as_slice()).unwrap();

    policy::set_fips_mode(true).unwrap();
    let e = chacha.seal_to_vec(&[2; 12], b"", b"after").unwrap_err();
    assert_eq!(e.status, Status::PolicyDenied);
    assert!(e.detail.starts_with("policy: fips_mode forbids chacha20-poly1305 (not FIPS-approved"), "{}", e.detail);
    assert_eq!(chacha.open_to_vec(&[1; 12], b"", &sealed).unwrap_err().status, Status::PolicyDenied);
    let mut out = [0u8; 32];
    // SAFETY: `out` holds 32 bytes: 16 of input/output (in place) and the 16-byte tag after them.
    let e = unsafe { chacha.seal_parts(&[3; 12], b"", out.as_ptr(), out.as_mut_ptr(), 16, out.as_mut_ptr().add(16)) }.unwrap_err();
    assert_eq!(e.status, Status::PolicyDenied, "the raw entry the C ABI uses checks too");
    assert!(gcm.seal_to_vec(&[2; 12], b"", b"after").is_ok());
    assert_eq!(x.decapsulate(&ct).unwrap_err().status, Status::PolicyDenied);
    assert!(ed.sign_with(b"m", &Default::default()).is_ok(), "ed25519 is approved");

    policy::set_fips_mode(false).unwrap();
    policy::allow_algorithm(Alg::Ed25519, false).unwrap();
    let e = ed.sign_with(b"m", &Default::default()).unwrap_err();
    assert_eq!(e.status, Status::PolicyDenied);
    assert_eq!(e.detail, "policy: allowed_algorithms excludes ed25519");
    assert!(ml.sign_with(b"m", &Default::default()).is_ok());
    assert_eq!(chacha.open_to_vec(&[1; 12], b"", &sealed).unwrap(), b"before", "allowed again once the policy allows it");
    assert_eq!(x.decapsulate(&ct).unwrap().len(), 32);
    policy::allow_algorithm(Alg::Ed25519, true).unwrap();
    assert!(ed.sign_with(b"m", &Default::default()).is_ok());
}

#[test]
fn allowed_algorithms_set() {
    let _s = serial();
    let set: AlgSet = [Alg::Sha256, Alg::Aes256Gcm, Alg::HmacSha256].into_iter().collect();
    policy::set_allowed_algorithms(set).unwrap();
    assert_eq!(policy::current().allowed_algorithms, set);
    assert_eq!(policy::current().effective_algorithms().iter().collect::<Vec<_>>(), vec![Alg::Sha256, Alg::HmacSha256, Alg::Aes256Gcm]);
    let mut d = [0u8; 64];
    assert_eq!(hash::hash_into(Alg::Sha256, b"abc", &mut d).unwrap(), 32);
    assert_eq!(d[..32], hx("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")[..]);
    for alg in [Alg::Sha512, Alg::Blake3] {
        let e = hash::hash_into(alg, b"abc", &mut d).unwrap_err();
        assert_eq!((e.status, e.detail.to_string()), (Status::PolicyDenied, format!("policy: allowed_algorithms excludes {}", alg.name())));
    }
    assert_eq!(exercise(Alg::Aes128Gcm).unwrap_err().0, Status::PolicyDenied);
    assert!(exercise(Alg::Aes256Gcm).is_ok());
    assert!(exercise(Alg::HmacSha256).is_ok());
    assert!(!policy::allowed(Alg::HkdfSha256));
    assert_eq!(exercise(Alg::HkdfSha256).unwrap_err().0, Status::PolicyDenied);
    // Size queries name the rule too.
    assert_eq!(aead::key_len(Alg::ChaCha20Poly1305).unwrap_err().status, Status::PolicyDenied);
    // An empty set refuses everything; allow_algorithm adds one back.
    policy::set_allowed_algorithms(AlgSet::EMPTY).unwrap();
    assert_eq!(exercise(Alg::Sha256).unwrap_err().0, Status::PolicyDenied);
    policy::allow_algorithm(Alg::Sha256, true).unwrap();
    assert!(exercise(Alg::Sha256).is_ok());
    // Building blocks are not checked on their own: HKDF and PBKDF2 run without their HMAC and
    // hash being allowed as such, and a MAC stream of an allowed HMAC needs no hash allowed.
    policy::set_allowed_algorithms([Alg::HkdfSha256, Alg::Pbkdf2Sha512, Alg::HmacSha384].into_iter().collect()).unwrap();
    assert!(exercise(Alg::HkdfSha256).is_ok());
    assert!(exercise(Alg::Pbkdf2Sha512).is_ok());
    let mut m = mac::Mac::new(Alg::HmacSha384, &[5; 200]).unwrap(); // a long key is hashed first
    m.update(b"data");
    assert_eq!(m.finalize().len(), 48);
    for alg in [Alg::HmacSha256, Alg::Sha256, Alg::Sha512, Alg::Sha384] {
        assert_eq!(exercise(alg).unwrap_err().0, Status::PolicyDenied, "{}", alg.name());
    }
    assert_eq!(hash::Hasher::new(Alg::Sha384).unwrap_err().status, Status::PolicyDenied);
    // Wrong family is still reported as such (before the policy).
    assert_eq!(aead::key_len(Alg::Sha256).unwrap_err().status, Status::WrongAlgorithmFamily);
}

#[test]
fn replace_is_atomic_and_reselects_kernels() {
    let _s = serial();
    xpscrypto_core::init().unwrap();
    // Re-selection: ISA mask 0 through replace() selects the portable kernels in a new generation.
    let g0 = dispatch::generation();
    let pg0 = policy::generation();
    let mut p = policy::current();
    p.isa_mask = 0;
    p.min_hmac_key_bytes = 16;
    policy::replace(p.clone()).unwrap();
    assert!(dispatch::generation() > g0);
    assert_eq!(policy::generation(), pg0 + 1);
    assert_eq!(policy::current(), p);
    assert_eq!(policy::isa_mask(), 0);
    assert_eq!(dispatch::active_kernel("hash.sha256").unwrap(), "sha256/portable");
    assert_eq!(dispatch::active_kernel("aead.aes-256-gcm").unwrap(), "aes-gcm/composed");
    // Replacing with an identical policy changes nothing.
    let g1 = dispatch::generation();
    policy::replace(p).unwrap();
    assert_eq!((dispatch::generation(), policy::generation()), (g1, pg0 + 1));
    policy::replace(Policy::default()).unwrap();
    assert!(dispatch::generation() > g1);

    // Atomicity: readers never see a mix of two policies while a writer alternates between them.
    let mut a = Policy::default();
    a.min_rsa_bits = 3072;
    a.hot_patch_allowed = true;
    a.allowed_algorithms = AlgSet::all();
    let mut b = Policy::default();
    b.min_rsa_bits = 4096;
    b.hot_patch_allowed = false;
    b.rsa_private_ops = false;
    b.min_hmac_key_bytes = 32;
    b.allowed_algorithms = AlgSet::all().with(Alg::Blake3, false);
    let done = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (a, b, done) = (a.clone(), b.clone(), done.clone());
            std::thread::spawn(move || {
                let mut seen = [0u64; 2];
                while !done.load(Ordering::Acquire) || seen[0] + seen[1] < 100 {
                    let p = policy::current();
                    if p == a {
                        seen[0] += 1;
                    } else if p == b {
                        seen[1] += 1;
                    } else {
                        assert_eq!(p, Policy::default(), "a mixed policy was observed");
                    }
                }
                seen
            })
        })
        .collect();
    for i in 0..400 {
        policy::replace(if i % 2 == 0 { a.clone() } else { b.clone() }).unwrap();
    }
    done.store(true, Ordering::Release);
    for r in readers {
        let seen = r.join().expect("reader saw a consistent policy every time");
        assert!(seen[0] + seen[1] >= 100);
    }
    assert_eq!(policy::current(), b);
    assert!(!policy::hot_patch_allowed() && !policy::rsa_private_ops_allowed());
    assert_eq!(hash::hash(Alg::Blake3, b"x").unwrap_err().status, Status::PolicyDenied);

    // Concurrent single-setting updates are serialized: none is lost.
    policy::replace(Policy::default()).unwrap();
    let algs = [Alg::Blake2b512, Alg::Blake2s256, Alg::Blake3, Alg::Poly1305];
    let ts: Vec<_> = algs.iter().map(|&alg| std::thread::spawn(move || policy::allow_algorithm(alg, false).unwrap())).collect();
    ts.into_iter().for_each(|t| t.join().unwrap());
    for alg in algs {
        assert!(!policy::allowed(alg), "{}", alg.name());
    }
}

#[test]
fn hot_patch_refused_when_not_allowed() {
    let _s = serial();
    let rejected = metrics::snapshot().patch_event(metrics::PatchEvent::Rejected);
    policy::set_hot_patch_allowed(false);
    assert!(!policy::hot_patch_allowed());
    let e = hotpatch::apply(b"{}", b"", b"{}", &hotpatch::ApplyOptions::default()).unwrap_err();
    assert_eq!(e.status, Status::PatchPolicy);
    assert!(e.detail.contains("policy: hot_patch_allowed is off"), "{}", e.detail);
    assert_eq!(metrics::snapshot().patch_event(metrics::PatchEvent::Rejected), rejected + 1);
    policy::set_hot_patch_allowed(true);
    // Allowed again: the same call now gets to the parse step.
    let e = hotpatch::apply(b"{}", b"", b"{}", &hotpatch::ApplyOptions::default()).unwrap_err();
    assert_eq!(e.status, Status::PatchMalformed, "{}", e.detail);
}

#[test]
fn min_rsa_bits() {
    let _s = serial();
    let v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/wycheproof/rsa_pss_2048_sha256_mgf1_32_test.json")).unwrap(),
    )
    .unwrap();
    let g = &v["testGroups"][0];
    let pk = hx(g["publicKeyDer"].as_str().unwrap());
    let t = g["tests"].as_array().unwrap().iter().find(|t| t["result"] == "valid").unwrap();
    let (msg, sig) = (hx(t["msg"].as_str().unwrap()), hx(t["sig"].as_str().unwrap()));
    sign::verify(Alg::RsaPssSha256, &pk, &msg, &sig).unwrap();
    policy::set_min_rsa_bits(3072).unwrap();
    let e = sign::verify(Alg::RsaPssSha256, &pk, &msg, &sig).unwrap_err();
    assert_eq!(e.status, Status::PolicyDenied);
    assert_eq!(e.detail, "policy: min_rsa_bits is 3072; rsa-pss-sha256 public key of 2048 bits is refused");
    // Key generation makes 3072-bit keys: refused outright above that (no slow generation).
    policy::set_min_rsa_bits(4096).unwrap();
    let e = sign::keypair(Alg::RsaPssSha256, None).unwrap_err();
    assert_eq!(e.status, Status::PolicyDenied);
    assert!(e.detail.contains("min_rsa_bits is 4096"), "{}", e.detail);
    policy::set_min_rsa_bits(2048).unwrap();
    sign::verify(Alg::RsaPssSha256, &pk, &msg, &sig).unwrap();
}

#[test]
fn fips_list_and_reasons() {
    for &alg in Alg::ALL {
        assert!(!policy::fips_reason(alg).is_empty());
    }
    let approved: Vec<&str> = Alg::ALL.iter().filter(|a| policy::fips_approved(**a)).map(|a| a.name()).collect();
    assert_eq!(
        approved,
        [
            "sha256", "sha384", "sha512", "sha3-256", "sha3-512", "shake128", "shake256", "hmac-sha256", "hmac-sha384", "hmac-sha512", "aes-128-gcm",
            "aes-256-gcm", "hkdf-sha256", "hkdf-sha384", "hkdf-sha512", "pbkdf2-sha256", "pbkdf2-sha512", "ed25519", "ml-dsa-44", "ml-dsa-65",
            "ml-dsa-87", "slh-dsa-sha2-128s", "rsa-pss-sha256", "ml-kem-512", "ml-kem-768", "ml-kem-1024"
        ]
    );
    let d = Policy::default();
    assert_eq!(d.allowed_algorithms, AlgSet::all());
    assert_eq!(d.allowed_algorithms.len(), Alg::ALL.len());
    assert!(!d.fips_mode && d.hot_patch_allowed && d.rsa_private_ops && !d.ct_only && !d.require_mlock);
    assert_eq!((d.min_rsa_bits, d.min_hmac_key_bytes, d.isa_mask), (2048, 0, u64::MAX));
}

/// The keyring under FIPS-like mode: non-approved algorithms are refused when a key or version is
/// made (not only at first use), existing non-approved keys cannot be used, and `seal` picks an
/// approved AEAD.
#[test]
fn keyring_follows_fips_mode() {
    use xpscrypto_core::keyring::Keyring;
    let _s = serial();
    let kr = Keyring::in_memory();
    kr.generate("old-chacha", Alg::XChaCha20Poly1305, None).unwrap();
    let before = kr.encrypt("old-chacha", b"made before FIPS mode", b"").unwrap();
    policy::set_fips_mode(true).unwrap();
    for alg in [Alg::ChaCha20Poly1305, Alg::XChaCha20Poly1305, Alg::Blake3Keyed, Alg::Falcon512, Alg::X25519] {
        let e = kr.generate("k", alg, None).unwrap_err();
        assert_eq!(e.status, Status::PolicyDenied, "{}", alg.name());
        assert!(e.detail.contains("fips_mode"), "{}: {}", alg.name(), e.detail);
    }
    assert_eq!(kr.import("imp", Alg::ChaCha20Poly1305, &[1; 32], false, true, None).unwrap_err().status, Status::PolicyDenied);
    assert_eq!(kr.rotate("old-chacha", None).unwrap_err().status, Status::PolicyDenied);
    assert_eq!(kr.encrypt("old-chacha", b"x", b"").unwrap_err().status, Status::PolicyDenied);
    assert_eq!(kr.decrypt(&before, b"").unwrap_err().status, Status::PolicyDenied);
    // Approved algorithms work, and rotating to one moves a non-approved key over.
    kr.generate("gcm", Alg::Aes256Gcm, None).unwrap();
    kr.generate("sig", Alg::MlDsa65, None).unwrap();
    kr.verify(&kr.sign("sig", b"m").unwrap(), b"m").unwrap();
    assert_eq!(kr.rotate("old-chacha", Some(Alg::Aes256Gcm)).unwrap(), 2);
    assert_eq!(Keyring::default_aead(), Alg::Aes256Gcm);
    let e = kr.seal("sealed", b"approved", b"").unwrap();
    assert_eq!(xpscrypto_core::keyring::envelope::parse(&e).unwrap().alg, Alg::Aes256Gcm);
}
