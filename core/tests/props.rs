//! Property tests: seal/open round trip for every AEAD; any single-bit flip in ciphertext, tag,
//! nonce or AAD is rejected and leaves the output untouched.

use proptest::prelude::*;
use xpscrypto_core::{aead, Alg, Status};

const AEADS: [Alg; 4] = [Alg::Aes128Gcm, Alg::Aes256Gcm, Alg::ChaCha20Poly1305, Alg::XChaCha20Poly1305];

fn case() -> impl Strategy<Value = (usize, Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>)> {
    (0usize..4, any::<[u8; 32]>(), any::<[u8; 24]>(), prop::collection::vec(any::<u8>(), 0..64), prop::collection::vec(any::<u8>(), 0..600))
        .prop_map(|(i, k, n, aad, pt)| {
            let alg = AEADS[i];
            (i, k[..aead::key_len(alg).unwrap()].to_vec(), n[..aead::nonce_len(alg).unwrap()].to_vec(), aad, pt)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn round_trip((i, key, nonce, aad, pt) in case()) {
        let alg = AEADS[i];
        let sealed = aead::seal_to_vec(alg, &key, &nonce, &aad, &pt).unwrap();
        prop_assert_eq!(sealed.len(), pt.len() + 16);
        prop_assert_eq!(aead::open_to_vec(alg, &key, &nonce, &aad, &sealed).unwrap(), pt.clone());
        // In place and via a key handle give the same bytes.
        let mut buf = pt.clone();
        let tag = aead::seal_in_place(alg, &key, &nonce, &aad, &mut buf).unwrap();
        prop_assert_eq!(&buf[..], &sealed[..pt.len()]);
        prop_assert_eq!(&tag[..], &sealed[pt.len()..]);
        let k = aead::AeadKey::new(alg, &key).unwrap();
        prop_assert_eq!(k.seal_to_vec(&nonce, &aad, &pt).unwrap(), sealed.clone());
        aead::open_in_place(alg, &key, &nonce, &aad, &mut buf, &tag).unwrap();
        prop_assert_eq!(buf, pt);
    }

    #[test]
    fn any_bit_flip_is_rejected((i, key, nonce, aad, pt) in case(), which in 0usize..3, pos in any::<prop::sample::Index>(), bit in 0u8..8) {
        let alg = AEADS[i];
        let sealed = aead::seal_to_vec(alg, &key, &nonce, &aad, &pt).unwrap();
        let (mut s, mut n, mut a) = (sealed.clone(), nonce.clone(), aad.clone());
        match which {
            0 => { let j = pos.index(s.len()); s[j] ^= 1 << bit; }          // ciphertext or tag
            1 => { let j = pos.index(n.len()); n[j] ^= 1 << bit; }          // nonce
            _ => if a.is_empty() { a.push(1 << bit) } else { let j = pos.index(a.len()); a[j] ^= 1 << bit; } // AAD
        }
        let mut out = vec![0x5Au8; pt.len()];
        let r = aead::open(alg, &key, &n, &a, &s, &mut out);
        prop_assert_eq!(r.unwrap_err().status, Status::AuthenticationFailed);
        prop_assert!(out.iter().all(|&b| b == 0x5A));
    }
}
