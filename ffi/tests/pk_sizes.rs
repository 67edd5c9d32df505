//! The signature/KEM size macros of the header (standard sizes from FIPS 203/204/205, RFC 8032/7748,
//! the X-Wing draft and PQClean's Falcon constants) agree with the size functions for every
//! algorithm that has a kernel in this build; algorithms without one are skipped and counted (their
//! size functions must then report 0). Also: the algorithm-id macros match the core's ids.

use xpscrypto::*;
use xpscrypto_core::{Alg, Family};

/// (alg, public key, secret key, signature, seed)
const SIGN: &[(u32, usize, usize, usize, usize)] = &[
    (XPS_ALG_ED25519, XPS_SIGN_ED25519_PUBLICKEYBYTES, XPS_SIGN_ED25519_SECRETKEYBYTES, XPS_SIGN_ED25519_BYTES, XPS_SIGN_ED25519_SEEDBYTES),
    (XPS_ALG_ML_DSA_44, XPS_SIGN_MLDSA44_PUBLICKEYBYTES, XPS_SIGN_MLDSA44_SECRETKEYBYTES, XPS_SIGN_MLDSA44_BYTES, XPS_SIGN_MLDSA44_SEEDBYTES),
    (XPS_ALG_ML_DSA_65, XPS_SIGN_MLDSA65_PUBLICKEYBYTES, XPS_SIGN_MLDSA65_SECRETKEYBYTES, XPS_SIGN_MLDSA65_BYTES, XPS_SIGN_MLDSA65_SEEDBYTES),
    (XPS_ALG_ML_DSA_87, XPS_SIGN_MLDSA87_PUBLICKEYBYTES, XPS_SIGN_MLDSA87_SECRETKEYBYTES, XPS_SIGN_MLDSA87_BYTES, XPS_SIGN_MLDSA87_SEEDBYTES),
    (XPS_ALG_FALCON_512, XPS_SIGN_FALCON512_PUBLICKEYBYTES, XPS_SIGN_FALCON512_SECRETKEYBYTES, XPS_SIGN_FALCON512_BYTES, XPS_SIGN_FALCON512_SEEDBYTES),
    (XPS_ALG_FALCON_1024, XPS_SIGN_FALCON1024_PUBLICKEYBYTES, XPS_SIGN_FALCON1024_SECRETKEYBYTES, XPS_SIGN_FALCON1024_BYTES, XPS_SIGN_FALCON1024_SEEDBYTES),
    (
        XPS_ALG_SLH_DSA_SHA2_128S,
        XPS_SIGN_SLHDSASHA2128S_PUBLICKEYBYTES,
        XPS_SIGN_SLHDSASHA2128S_SECRETKEYBYTES,
        XPS_SIGN_SLHDSASHA2128S_BYTES,
        XPS_SIGN_SLHDSASHA2128S_SEEDBYTES,
    ),
    (
        XPS_ALG_RSA_PSS_SHA256,
        XPS_SIGN_RSAPSSSHA256_PUBLICKEYBYTES,
        XPS_SIGN_RSAPSSSHA256_SECRETKEYBYTES,
        XPS_SIGN_RSAPSSSHA256_BYTES,
        XPS_SIGN_RSAPSSSHA256_SEEDBYTES,
    ),
    (
        XPS_ALG_ED25519_ML_DSA_65,
        XPS_SIGN_ED25519MLDSA65_PUBLICKEYBYTES,
        XPS_SIGN_ED25519MLDSA65_SECRETKEYBYTES,
        XPS_SIGN_ED25519MLDSA65_BYTES,
        XPS_SIGN_ED25519MLDSA65_SEEDBYTES,
    ),
];

/// (alg, public key, secret key, ciphertext, shared secret, seed, encapsulation seed)
const KEM: &[(u32, usize, usize, usize, usize, usize, usize)] = &[
    (
        XPS_ALG_X25519,
        XPS_KEM_X25519_PUBLICKEYBYTES,
        XPS_KEM_X25519_SECRETKEYBYTES,
        XPS_KEM_X25519_CIPHERTEXTBYTES,
        XPS_KEM_X25519_SHAREDSECRETBYTES,
        XPS_KEM_X25519_SEEDBYTES,
        XPS_KEM_X25519_ENCAPSSEEDBYTES,
    ),
    (
        XPS_ALG_ML_KEM_512,
        XPS_KEM_MLKEM512_PUBLICKEYBYTES,
        XPS_KEM_MLKEM512_SECRETKEYBYTES,
        XPS_KEM_MLKEM512_CIPHERTEXTBYTES,
        XPS_KEM_MLKEM512_SHAREDSECRETBYTES,
        XPS_KEM_MLKEM512_SEEDBYTES,
        XPS_KEM_MLKEM512_ENCAPSSEEDBYTES,
    ),
    (
        XPS_ALG_ML_KEM_768,
        XPS_KEM_MLKEM768_PUBLICKEYBYTES,
        XPS_KEM_MLKEM768_SECRETKEYBYTES,
        XPS_KEM_MLKEM768_CIPHERTEXTBYTES,
        XPS_KEM_MLKEM768_SHAREDSECRETBYTES,
        XPS_KEM_MLKEM768_SEEDBYTES,
        XPS_KEM_MLKEM768_ENCAPSSEEDBYTES,
    ),
    (
        XPS_ALG_ML_KEM_1024,
        XPS_KEM_MLKEM1024_PUBLICKEYBYTES,
        XPS_KEM_MLKEM1024_SECRETKEYBYTES,
        XPS_KEM_MLKEM1024_CIPHERTEXTBYTES,
        XPS_KEM_MLKEM1024_SHAREDSECRETBYTES,
        XPS_KEM_MLKEM1024_SEEDBYTES,
        XPS_KEM_MLKEM1024_ENCAPSSEEDBYTES,
    ),
    (
        XPS_ALG_X_WING,
        XPS_KEM_XWING_PUBLICKEYBYTES,
        XPS_KEM_XWING_SECRETKEYBYTES,
        XPS_KEM_XWING_CIPHERTEXTBYTES,
        XPS_KEM_XWING_SHAREDSECRETBYTES,
        XPS_KEM_XWING_SEEDBYTES,
        XPS_KEM_XWING_ENCAPSSEEDBYTES,
    ),
];

#[test]
fn sign_macros_match_size_functions() {
    assert_eq!(xps_init(), XPS_OK);
    let (mut checked, mut skipped) = (0, Vec::new());
    for &(alg, pk, sk, sig, seed) in SIGN {
        let name = Alg::from_id(alg).expect("id").name();
        if xps_sign_publickeybytes(alg) == 0 {
            assert_eq!((xps_sign_secretkeybytes(alg), xps_sign_bytes(alg), xps_sign_seedbytes(alg)), (0, 0, 0), "{name}: no kernel, all sizes 0");
            skipped.push(name);
            continue;
        }
        let got = (xps_sign_publickeybytes(alg), xps_sign_secretkeybytes(alg), xps_sign_bytes(alg), xps_sign_seedbytes(alg));
        assert_eq!(got, (pk, sk, sig, seed), "{name}: (pk, sk, sig, seed) macros vs functions");
        assert!(sig <= XPS_SIGN_MAX_BYTES, "{name}: XPS_SIGN_MAX_BYTES");
        let ctx = xps_sign_contextbytes(alg);
        assert!(ctx == 0 || ctx == XPS_SIGN_MLDSA_CONTEXTBYTES, "{name}: context bytes {ctx}");
        checked += 1;
    }
    eprintln!("sign size macros: {checked} algorithms checked, {} skipped (no kernel in this build: {skipped:?})", skipped.len());
    assert!(checked >= 1, "ed25519 has a kernel in every build");
    // every signature algorithm of the core is in the table
    let n_sign = Alg::ALL.iter().filter(|a| a.family() == Family::Sign).count();
    assert_eq!(n_sign, SIGN.len());
}

#[test]
fn kem_macros_match_size_functions() {
    assert_eq!(xps_init(), XPS_OK);
    let (mut checked, mut skipped) = (0, Vec::new());
    for &(alg, pk, sk, ct, ss, seed, eseed) in KEM {
        let name = Alg::from_id(alg).expect("id").name();
        let got = (
            xps_kem_publickeybytes(alg),
            xps_kem_secretkeybytes(alg),
            xps_kem_ciphertextbytes(alg),
            xps_kem_sharedsecretbytes(alg),
            xps_kem_seedbytes(alg),
            xps_kem_encapsseedbytes(alg),
        );
        if got.0 == 0 {
            assert_eq!(got, (0, 0, 0, 0, 0, 0), "{name}: no kernel, all sizes 0");
            skipped.push(name);
            continue;
        }
        assert_eq!(got, (pk, sk, ct, ss, seed, eseed), "{name}: (pk, sk, ct, ss, seed, eseed) macros vs functions");
        checked += 1;
    }
    eprintln!("kem size macros: {checked} algorithms checked, {} skipped (no kernel in this build: {skipped:?})", skipped.len());
    assert!(checked >= 1, "x25519 has a kernel in every build");
    let n_kem = Alg::ALL.iter().filter(|a| a.family() == Family::Kem).count();
    assert_eq!(n_kem, KEM.len());
}

#[test]
fn size_functions_are_zero_for_non_members() {
    for alg in [0, 0xFFFF, XPS_ALG_SHA256, XPS_ALG_AES_256_GCM, XPS_ALG_HKDF_SHA256, XPS_ALG_X25519] {
        assert_eq!(
            (xps_sign_publickeybytes(alg), xps_sign_secretkeybytes(alg), xps_sign_bytes(alg), xps_sign_seedbytes(alg), xps_sign_contextbytes(alg)),
            (0, 0, 0, 0, 0),
            "sign sizes of {alg:#x}"
        );
    }
    for alg in [0, 0xFFFF, XPS_ALG_SHA256, XPS_ALG_CHACHA20_POLY1305, XPS_ALG_ED25519] {
        assert_eq!(
            (
                xps_kem_publickeybytes(alg),
                xps_kem_secretkeybytes(alg),
                xps_kem_ciphertextbytes(alg),
                xps_kem_sharedsecretbytes(alg),
                xps_kem_seedbytes(alg),
                xps_kem_encapsseedbytes(alg)
            ),
            (0, 0, 0, 0, 0, 0),
            "kem sizes of {alg:#x}"
        );
    }
}

#[test]
fn pk_algorithm_ids_match_core() {
    let ids = [
        (XPS_ALG_ED25519, "ed25519"),
        (XPS_ALG_ML_DSA_44, "ml-dsa-44"),
        (XPS_ALG_ML_DSA_65, "ml-dsa-65"),
        (XPS_ALG_ML_DSA_87, "ml-dsa-87"),
        (XPS_ALG_FALCON_512, "falcon-512"),
        (XPS_ALG_FALCON_1024, "falcon-1024"),
        (XPS_ALG_SLH_DSA_SHA2_128S, "slh-dsa-sha2-128s"),
        (XPS_ALG_RSA_PSS_SHA256, "rsa-pss-sha256"),
        (XPS_ALG_ED25519_ML_DSA_65, "ed25519+ml-dsa-65"),
        (XPS_ALG_X25519, "x25519"),
        (XPS_ALG_ML_KEM_512, "ml-kem-512"),
        (XPS_ALG_ML_KEM_768, "ml-kem-768"),
        (XPS_ALG_ML_KEM_1024, "ml-kem-1024"),
        (XPS_ALG_X_WING, "x-wing"),
    ];
    for (id, name) in ids {
        assert_eq!(Alg::from_name(name).map(Alg::id), Some(id), "{name}");
    }
    assert_eq!(XPS_SIGN_DETERMINISTIC, xpscrypto_core::dispatch::SIGN_FLAG_DETERMINISTIC);
}
