//! X-Wing (draft-connolly-cfrg-xwing-kem -10): the draft's Appendix C vectors under every
//! ML-KEM-768 kernel (X-Wing follows the active one, so this binary forces each in turn — it is
//! its own test binary because forcing is process-wide), cross-kernel round trips, a
//! differential test against the RustCrypto `x-wing` 0.1.1 crate on random inputs, the X25519
//! all-zero decision, implicit rejection under bit flips, and bad input.

mod common;
use common::*;
use xpscrypto_core::dispatch::{self, KemKernel};
use xpscrypto_core::{hazmat, kem, kernels, Alg, Status};

fn mlkem768_kernels() -> Vec<KemKernel> {
    kernels::kem_candidates(Alg::MlKem768).iter().copied().filter(|k| dispatch::is_available(k.desc)).collect()
}

fn xwing_kernel() -> KemKernel {
    let c = kernels::kem_candidates(Alg::XWing);
    assert_eq!(c.len(), 1);
    c[0]
}

fn check_vectors(under: &str) -> usize {
    let doc = load("rfc/x-wing.json");
    let mut n = 0;
    for t in doc["tests"].as_array().unwrap() {
        let id = t["id"].as_str().unwrap();
        let (seed, sk, pk, eseed, ct, ss) = (h(t, "seed"), h(t, "sk"), h(t, "pk"), h(t, "eseed"), h(t, "ct"), h(t, "ss"));
        let (p, s) = kem::keypair(Alg::XWing, Some(&seed)).unwrap_or_else(|e| panic!("{id} ({under}): {e}"));
        assert_eq!((&p[..], s.as_slice()), (&pk[..], &sk[..]), "{id} keypair ({under})");
        let (c, k) = kem::encapsulate(Alg::XWing, &pk, Some(&eseed)).unwrap();
        assert_eq!((&c[..], &k[..]), (&ct[..], &ss[..]), "{id} encapsulate ({under})");
        assert_eq!(&kem::decapsulate(Alg::XWing, &sk, &ct).unwrap()[..], &ss[..], "{id} decapsulate ({under})");
        let xk = xwing_kernel();
        let (p2, s2) = hazmat::kem_keypair_on_kernel(&xk, Some(&seed)).unwrap();
        assert_eq!((&p2[..], &s2[..]), (&pk[..], &sk[..]));
        assert_eq!(&hazmat::kem_decapsulate_on_kernel(&xk, &sk, &ct).unwrap()[..], &ss[..]);
        n += 1;
    }
    n
}

/// The single test of this binary (forcing kernels must not race with other tests).
#[test]
fn xwing() {
    let s = kem::sizes(Alg::XWing).unwrap();
    assert_eq!((s.public_key, s.secret_key, s.ciphertext, s.shared_secret, s.seed, s.encaps_seed), (1216, 32, 1120, 32, 32, 64));
    assert_eq!(check_vectors("automatic selection"), 3);

    // Every ML-KEM-768 kernel underneath, and cross-kernel round trips.
    let ks = mlkem768_kernels();
    let mut keys = Vec::new();
    for k in &ks {
        dispatch::force("kem.ml-kem-768", k.desc.name()).unwrap();
        assert_eq!(check_vectors(k.desc.name()), 3);
        let (pk, sk) = kem::keypair(Alg::XWing, None).unwrap();
        let (ct, ss) = kem::encapsulate(Alg::XWing, &pk, None).unwrap();
        keys.push((k.desc.name(), sk, ct, ss));
    }
    for k in &ks {
        dispatch::force("kem.ml-kem-768", k.desc.name()).unwrap();
        for (from, sk, ct, ss) in &keys {
            assert_eq!(&kem::decapsulate(Alg::XWing, sk.as_slice(), ct).unwrap()[..], &ss[..], "made under {from}, opened under {}", k.desc.name());
        }
    }
    dispatch::reset().unwrap();
    eprintln!("x-wing: 3 vectors under automatic selection and under {:?}", ks.iter().map(|k| k.desc.name()).collect::<Vec<_>>());

    differential_against_rustcrypto_x_wing();
    x25519_all_zero_is_not_refused();
    bit_flips();
    bad_input();
}

/// Same seed ⇒ same keys, same encapsulation seed ⇒ same ciphertext and secret, and each side
/// decapsulates the other's ciphertexts, against the `x-wing` crate (an independent composition
/// of X-Wing over `ml-kem`/`x25519-dalek`/`sha3`).
fn differential_against_rustcrypto_x_wing() {
    use x_wing::{Decapsulate, Decapsulator, KeyExport};
    let mut rng = TestRng::new(0x78_77_69_6e_67);
    for _ in 0..32 {
        let (seed, eseed) = (rng.bytes(32), rng.bytes(64));
        let (pk, sk) = kem::keypair(Alg::XWing, Some(&seed)).unwrap();
        let theirs = x_wing::DecapsulationKey::from(<[u8; 32]>::try_from(&seed[..]).unwrap());
        let their_pk = theirs.encapsulation_key().to_bytes();
        assert_eq!(&pk[..], &their_pk[..]);
        assert_eq!(sk.as_slice(), &theirs.as_bytes()[..]);
        let (ct, ss) = kem::encapsulate(Alg::XWing, &pk, Some(&eseed)).unwrap();
        let (tct, tss) = theirs.encapsulation_key().encapsulate_deterministic(&eseed[..].try_into().unwrap());
        assert_eq!((&ct[..], &ss[..]), (&tct[..], &tss[..]));
        let (ct2, ss2) = kem::encapsulate(Alg::XWing, &pk, None).unwrap();
        let c2 = x_wing::Ciphertext::try_from(&ct2[..]).unwrap();
        assert_eq!(&theirs.decapsulate(&c2)[..], &ss2[..]);
        let junk = rng.bytes(1120);
        let cj = x_wing::Ciphertext::try_from(&junk[..]).unwrap();
        assert_eq!(&kem::decapsulate(Alg::XWing, sk.as_slice(), &junk).unwrap()[..], &theirs.decapsulate(&cj)[..]);
    }
}

/// The draft defines no all-zero check for the X25519 part: a low-order X25519 public key or
/// ciphertext component is accepted (the RustCrypto crate's default `DecapsulationKey` agrees),
/// while the raw `x25519` op refuses the same inputs.
fn x25519_all_zero_is_not_refused() {
    use x_wing::Decapsulate;
    let (pk, sk) = kem::keypair(Alg::XWing, Some(&[3; 32])).unwrap();
    let (mut ct, ss) = kem::encapsulate(Alg::XWing, &pk, Some(&[9; 64])).unwrap();
    for low in [[0u8; 32], {
        let mut one = [0u8; 32];
        one[0] = 1;
        one
    }] {
        ct[1088..].copy_from_slice(&low);
        let got = kem::decapsulate(Alg::XWing, sk.as_slice(), &ct).expect("all-zero X25519 share accepted");
        assert_ne!(&got[..], &ss[..]);
        let theirs = x_wing::DecapsulationKey::from([3u8; 32]);
        assert_eq!(&got[..], &theirs.decapsulate(&x_wing::Ciphertext::try_from(&ct[..]).unwrap())[..]);
        assert_eq!(kem::decapsulate(Alg::X25519, &[3; 32], &low).unwrap_err().status, Status::WeakPublicKey);
        let mut low_pk = pk.clone();
        low_pk[1184..].copy_from_slice(&low);
        kem::encapsulate(Alg::XWing, &low_pk, None).expect("low-order pk_X accepted");
    }
}

/// Flipping any bit of the ciphertext (ML-KEM part: implicit rejection; X25519 part: a different
/// DH value and a different ct_X in the combiner) changes the secret.
fn bit_flips() {
    let mut rng = TestRng::new(11);
    let (pk, sk) = kem::keypair(Alg::XWing, None).unwrap();
    let (ct, ss) = kem::encapsulate(Alg::XWing, &pk, None).unwrap();
    let mut positions: Vec<usize> = vec![0, 1088 * 8 - 1, 1088 * 8, 1120 * 8 - 2];
    positions.extend((0..40).map(|_| rng.below(1120 * 8)));
    for b in positions {
        let mut c = ct.clone();
        c[b / 8] ^= 1 << (b % 8);
        let got = kem::decapsulate(Alg::XWing, sk.as_slice(), &c).unwrap();
        assert_ne!(&got[..], &ss[..], "bit {b}");
    }
    // The last bit of ct_X is masked by X25519 (RFC 7748 §5) but ct_X itself is hashed.
    let mut c = ct.clone();
    c[1119] ^= 0x80;
    assert_ne!(&kem::decapsulate(Alg::XWing, sk.as_slice(), &c).unwrap()[..], &ss[..]);
}

fn bad_input() {
    let (pk, sk) = kem::keypair(Alg::XWing, None).unwrap();
    let (ct, _) = kem::encapsulate(Alg::XWing, &pk, None).unwrap();
    // ML-KEM part failing the FIPS 203 §7.2 modulus check.
    let mut bad = pk.clone();
    bad[0] = 0xff;
    bad[1] |= 0x0f;
    let (mut c, mut k) = (vec![0xAA; 1120], vec![0xAA; 32]);
    assert_eq!(kem::encapsulate_into(Alg::XWing, &bad, Some(&[1; 64]), &mut c, &mut k).unwrap_err().status, Status::InvalidKey);
    assert_eq!(kem::encapsulate_into(Alg::XWing, &bad, None, &mut c, &mut k).unwrap_err().status, Status::InvalidKey);
    assert!(c.iter().chain(k.iter()).all(|&b| b == 0xAA));
    for n in [0, 31, 33, 64] {
        let (mut p, mut s) = (vec![0xAA; 1216], vec![0xAA; 32]);
        assert_eq!(kem::keypair_into(Alg::XWing, Some(&vec![1; n]), &mut p, &mut s).unwrap_err().status, Status::InvalidLength, "seed {n}");
        assert!(p.iter().chain(s.iter()).all(|&b| b == 0xAA));
    }
    for n in [0, 32, 63, 65] {
        assert_eq!(kem::encapsulate_into(Alg::XWing, &pk, Some(&vec![1; n]), &mut c, &mut k).unwrap_err().status, Status::InvalidLength, "eseed {n}");
    }
    for n in [0, 1184, 1215, 1217] {
        assert_eq!(kem::encapsulate_into(Alg::XWing, &vec![0; n], None, &mut c, &mut k).unwrap_err().status, Status::BadKeyLength, "pk {n}");
    }
    for n in [31, 33, 64, 2400] {
        assert_eq!(kem::decapsulate_into(Alg::XWing, &vec![0; n], &ct, &mut k).unwrap_err().status, Status::BadKeyLength, "sk {n}");
    }
    for n in [1088, 1119, 1121] {
        assert_eq!(kem::decapsulate_into(Alg::XWing, sk.as_slice(), &vec![0; n], &mut k).unwrap_err().status, Status::InvalidLength, "ct {n}");
    }
    assert!(c.iter().chain(k.iter()).all(|&b| b == 0xAA));
}
