//! Bad input through the Rust API (each case its own status, nothing written), names and ids,
//! secure memory, constant-time helpers.

use xpscrypto_core::*;

fn st<T: std::fmt::Debug>(r: Result<T>) -> Status {
    r.expect_err("expected an error").status
}

#[test]
fn names_and_ids_round_trip() {
    for a in Alg::ALL {
        assert_eq!(Alg::from_name(a.name()), Some(*a));
        assert_eq!(Alg::from_id(a.id()), Some(*a));
    }
    assert_eq!(Alg::from_name("AES-256-GCM"), None, "names are case-sensitive");
    assert_eq!(Alg::from_id(0), None);
    for s in Status::ALL {
        assert_eq!(Status::from_code(s.code()), Some(*s));
        assert!(s.name().starts_with("XPS_"));
        assert!(!s.message().is_empty());
    }
}

#[test]
fn aead_bad_input() {
    let (k, n) = ([7u8; 32], [9u8; 12]);
    let mut out = [0xEEu8; 64];
    assert_eq!(st(aead::seal(Alg::Aes256Gcm, &k[..31], &n, b"", b"hi", &mut out)), Status::BadKeyLength);
    assert_eq!(st(aead::seal(Alg::Aes128Gcm, &k, &n, b"", b"hi", &mut out)), Status::BadKeyLength);
    assert_eq!(st(aead::seal(Alg::Aes256Gcm, &k, &n[..11], b"", b"hi", &mut out)), Status::BadNonceLength);
    assert_eq!(st(aead::seal(Alg::XChaCha20Poly1305, &k, &n, b"", b"hi", &mut out)), Status::BadNonceLength);
    assert_eq!(st(aead::seal(Alg::Sha256, &k, &n, b"", b"hi", &mut out)), Status::WrongAlgorithmFamily);
    assert_eq!(st(aead::seal(Alg::Aes256Gcm, &k, &n, b"", b"hi", &mut out[..17])), Status::BufferTooSmall);
    assert!(out.iter().all(|&b| b == 0xEE), "nothing written on failure");
    let sealed = aead::seal_to_vec(Alg::Aes256Gcm, &k, &n, b"aad", b"hello").unwrap();
    assert_eq!(st(aead::open(Alg::Aes256Gcm, &k, &n, b"aad", &sealed[..15], &mut out)), Status::InvalidLength);
    assert_eq!(st(aead::open(Alg::Aes256Gcm, &k, &n, b"aad", &sealed, &mut out[..4])), Status::BufferTooSmall);
    assert_eq!(st(aead::open(Alg::Aes256Gcm, &k, &n, b"AAD", &sealed, &mut out)), Status::AuthenticationFailed);
    assert_eq!(st(aead::open_detached(Alg::Aes256Gcm, &k, &n, b"aad", &sealed[..5], &sealed[5..20], &mut out)), Status::BadTagLength);
    assert!(out.iter().all(|&b| b == 0xEE), "nothing written on failure");
    let key = aead::AeadKey::new(Alg::ChaCha20Poly1305, &k).unwrap();
    assert!(format!("{key:?}").contains("redacted"));
    assert_eq!(st(aead::AeadKey::new(Alg::ChaCha20Poly1305, &k[..16])), Status::BadKeyLength);
}

#[test]
fn hash_mac_kdf_bad_input() {
    let mut out = [0u8; 16];
    assert_eq!(st(hash::hash_into(Alg::Sha256, b"x", &mut out)), Status::BufferTooSmall);
    assert_eq!(st(hash::hash(Alg::Aes128Gcm, b"x")), Status::WrongAlgorithmFamily);
    assert_eq!(st(hash::xof(Alg::Sha256, b"x", &mut out)), Status::WrongAlgorithmFamily);
    assert_eq!(st(hash::Hasher::new_blake3_keyed(&[0; 31])), Status::BadKeyLength);
    assert_eq!(st(hash::Hasher::new_blake3_derive_key(&[0xff, 0xfe])), Status::InvalidParameter);
    assert_eq!(st(mac::mac(Alg::Poly1305, &[0; 31], b"x")), Status::BadKeyLength);
    assert_eq!(st(mac::mac(Alg::Sha256, &[0; 32], b"x")), Status::WrongAlgorithmFamily);
    let tag = mac::mac(Alg::HmacSha256, b"k", b"m").unwrap();
    assert_eq!(st(mac::verify(Alg::HmacSha256, b"k", b"m", &tag[..16])), Status::BadTagLength);
    mac::verify_truncated(Alg::HmacSha256, b"k", b"m", &tag[..16]).unwrap();
    assert_eq!(st(mac::verify_truncated(Alg::HmacSha256, b"k", b"m", &tag[..15])), Status::BadTagLength);
    assert_eq!(st(mac::verify_truncated(Alg::Poly1305, &[1; 32], b"m", &[0; 16])), Status::WrongAlgorithmFamily);
    let mut bad = tag.clone();
    bad[31] ^= 1;
    assert_eq!(st(mac::verify(Alg::HmacSha256, b"k", b"m", &bad)), Status::AuthenticationFailed);
    let mut okm = vec![0u8; 255 * 32 + 1];
    assert_eq!(st(kdf::hkdf(Alg::HkdfSha256, b"ikm", b"", b"", &mut okm)), Status::OutputTooLong);
    kdf::hkdf(Alg::HkdfSha256, b"ikm", b"", b"", &mut okm[..255 * 32]).unwrap();
    assert_eq!(st(kdf::hkdf_expand(Alg::HkdfSha256, &[0; 31], b"", &mut out)), Status::InvalidLength);
    assert_eq!(st(kdf::pbkdf2(Alg::Pbkdf2Sha256, b"p", b"s", 0, &mut out)), Status::InvalidParameter);
    assert_eq!(st(kdf::pbkdf2(Alg::HkdfSha256, b"p", b"s", 1, &mut out)), Status::WrongAlgorithmFamily);
    let p = |t, m, par| kdf::Argon2idParams { t_cost: t, m_cost_kib: m, parallelism: par };
    let mut o = [0xCCu8; 32];
    for (params, salt, secret, ad, want) in [
        (p(0, 64, 1), &[0u8; 16][..], &[][..], &[][..], Status::InvalidParameter),
        (p(1, 64, 0), &[0; 16], &[], &[], Status::InvalidParameter),
        (p(1, 15, 2), &[0; 16], &[], &[], Status::InvalidParameter),
        (p(1, 64, 1 << 24), &[0; 16], &[], &[], Status::InvalidParameter),
        (p(1, 64, 1), &[0; 7], &[], &[], Status::InvalidParameter),
        (p(1, 64, 1), &[0; 16], &[0; 33], &[], Status::InvalidParameter),
        (p(1, 64, 1), &[0; 16], &[], &[0; 33], Status::InvalidParameter),
    ] {
        assert_eq!(st(kdf::argon2id(params, b"pw", salt, secret, ad, &mut o)), want, "{params:?}");
    }
    assert_eq!(st(kdf::argon2id(p(1, 64, 1), b"pw", &[0; 16], &[], &[], &mut o[..3])), Status::InvalidLength);
    assert!(o.iter().all(|&b| b == 0xCC), "nothing written on failure");
}

#[test]
fn secure_buffer_and_ct() {
    let mut b = SecureBuffer::new(100).unwrap();
    assert_eq!(b.len(), 100);
    assert!(b.as_slice().iter().all(|&x| x == 0));
    b.as_mut_slice().copy_from_slice(&[0x42; 100]);
    assert_eq!(b.as_ptr() as usize % 4096, 0, "page aligned");
    assert!(!format!("{b:?}").contains("42"), "Debug never shows contents");
    if !b.is_locked() {
        assert!(secure::lock_failures() > 0, "an mlock failure must be counted");
    }
    assert_eq!(SecureBuffer::new(usize::MAX).unwrap_err().status, Status::LengthOverflow);
    assert_eq!(SecureBuffer::new(usize::MAX - 4094).unwrap_err().status, Status::LengthOverflow);
    assert!(ct_equal(b"abc", b"abc"));
    assert!(!ct_equal(b"abc", b"abd"));
    assert!(!ct_equal(b"abc", b"ab"));
    assert!(ct_is_zero(&[0; 9]));
    assert!(!ct_is_zero(&[0, 0, 1]));
    let mut z = [9u8; 5];
    secure_zero(&mut z);
    assert_eq!(z, [0; 5]);
    let mut r = [0u8; 64];
    rand::random_bytes(&mut r).unwrap();
    assert!(!ct_is_zero(&r));
}
