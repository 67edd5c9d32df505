//! HPKE (RFC 9180): the RFC's JSON vectors (`tests/vectors/hpke/test-vectors.json`) for every
//! (mode, KEM, KDF, AEAD) we implement, round trips over every supported suite (the PQ KEMs once
//! their kernels exist), and bad input.

mod common;
use common::*;
use std::collections::BTreeMap;
use xpscrypto_core::hazmat;
use xpscrypto_core::hpke::{self, Mode, Setup, Suite};
use xpscrypto_core::Status;

const X25519: u16 = hpke::KEM_X25519_HKDF_SHA256;
const PQ_KEMS: [u16; 4] = [hpke::KEM_ML_KEM_512, hpke::KEM_ML_KEM_768, hpke::KEM_ML_KEM_1024, hpke::KEM_X_WING];
const KDFS: [u16; 3] = [1, 2, 3];
const AEADS: [u16; 4] = [1, 2, 3, 0xFFFF];
const MODES: [Mode; 4] = [Mode::Base, Mode::Psk, Mode::Auth, Mode::AuthPsk];

fn status<T>(r: xpscrypto_core::Result<T>) -> Status {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.status,
    }
}

fn opt_h(v: &serde_json::Value, k: &str) -> Vec<u8> {
    v.get(k).and_then(|x| x.as_str()).map(hx).unwrap_or_default()
}

/// Every RFC 9180 vector with DHKEM(X25519, HKDF-SHA256): key derivation from ikm, the
/// derandomized encapsulation (enc, shared_secret), the key schedule (key, base_nonce,
/// exporter_secret) on both sides, all 257 encryptions per AEAD suite, all exports.
#[test]
fn rfc9180_vectors() {
    let doc = load("hpke/test-vectors.json");
    let mut run: BTreeMap<(u8, u16, u16), usize> = BTreeMap::new();
    let mut skipped: BTreeMap<u16, usize> = BTreeMap::new();
    let (mut encryptions, mut exports) = (0usize, 0usize);
    for v in doc.as_array().unwrap() {
        let (mode, kem, kdf, aead) = (u(v, "mode") as u8, u(v, "kem_id") as u16, u(v, "kdf_id") as u16, u(v, "aead_id") as u16);
        let id = format!("mode {mode} kem {kem:#x} kdf {kdf} aead {aead:#x}");
        if kem != X25519 {
            // P-256, P-521, X448 DHKEMs: not implemented, and must say so.
            assert_eq!(status(Suite::new(kem, kdf, aead)), Status::UnknownAlgorithm, "{id}");
            *skipped.entry(kem).or_default() += 1;
            continue;
        }
        let suite = Suite::new(kem, kdf, aead).unwrap();
        let mode = Mode::from_u8(mode).unwrap();
        let (pk_r, sk_r) = hpke::derive_keypair(kem, &h(v, "ikmR")).unwrap();
        assert_eq!(pk_r, h(v, "pkRm"), "{id} pkR");
        assert_eq!(sk_r.as_slice(), &h(v, "skRm")[..], "{id} skR");
        let (pk_e, sk_e) = hpke::derive_keypair(kem, &h(v, "ikmE")).unwrap();
        assert_eq!((pk_e, sk_e.as_slice().to_vec()), (h(v, "pkEm"), h(v, "skEm")), "{id} E");
        let (psk, psk_id, info) = (opt_h(v, "psk"), opt_h(v, "psk_id"), h(v, "info"));
        let sender = if matches!(mode, Mode::Auth | Mode::AuthPsk) {
            let (pk_s, sk_s) = hpke::derive_keypair(kem, &h(v, "ikmS")).unwrap();
            assert_eq!((pk_s.clone(), sk_s.as_slice().to_vec()), (h(v, "pkSm"), h(v, "skSm")), "{id} S");
            Some((pk_s, sk_s))
        } else {
            None
        };
        let sk_s = sender.as_ref().map(|(_, s)| s.as_slice());
        let pk_s = sender.as_ref().map(|(p, _)| p.as_slice());
        fn mk<'a>(mode: Mode, info: &'a [u8], psk: &'a [u8], psk_id: &'a [u8], key: Option<&'a [u8]>) -> Setup<'a> {
            Setup { mode, info, psk, psk_id, sender_key: key }
        }
        let mk = |key| mk(mode, &info, &psk, &psk_id, key);

        // KEM alone.
        let (enc, ss) = hpke::kem_encap(kem, &pk_r, sk_s, Some(&h(v, "ikmE"))).unwrap();
        assert_eq!(enc, h(v, "enc"), "{id} enc");
        assert_eq!(&ss[..], &h(v, "shared_secret")[..], "{id} shared_secret");
        assert_eq!(&hpke::kem_decap(kem, &enc, sk_r.as_slice(), pk_s).unwrap()[..], &ss[..], "{id} decap");

        // Both contexts.
        let (enc2, mut s_ctx) = hpke::setup_sender_derand(suite, &pk_r, &mk(sk_s), &h(v, "ikmE")).unwrap();
        assert_eq!(enc2, enc, "{id}");
        let mut r_ctx = hpke::setup_recipient(suite, &enc, sk_r.as_slice(), &mk(pk_s)).unwrap();
        let want = (h(v, "key"), h(v, "base_nonce"), h(v, "exporter_secret"));
        for (side, (k, n, e)) in [("S", hazmat::hpke_sender_secrets_exposed(&s_ctx)), ("R", hazmat::hpke_recipient_secrets_exposed(&r_ctx))] {
            assert_eq!((k, n, e.to_vec()), want, "{id} key schedule ({side})");
        }

        let base_nonce = h(v, "base_nonce");
        for (seq, e) in v["encryptions"].as_array().unwrap().iter().enumerate() {
            // The file lists consecutive sequence numbers: check that our loop matches it.
            let mut nonce = base_nonce.clone();
            nonce[4..].iter_mut().zip((seq as u64).to_be_bytes()).for_each(|(a, b)| *a ^= b);
            assert_eq!(nonce, h(e, "nonce"), "{id} seq {seq}");
            let (aad, pt, ct) = (h(e, "aad"), h(e, "pt"), h(e, "ct"));
            assert_eq!(s_ctx.seal(&aad, &pt).unwrap(), ct, "{id} seal seq {seq}");
            assert_eq!(r_ctx.open(&aad, &ct).unwrap(), pt, "{id} open seq {seq}");
            if seq == 0 {
                // Single-shot open is the first message of a fresh recipient context.
                assert_eq!(hpke::open(suite, &enc, sk_r.as_slice(), &mk(pk_s), &aad, &ct).unwrap(), pt, "{id}");
            }
            encryptions += 1;
        }
        assert_eq!(s_ctx.sequence(), v["encryptions"].as_array().unwrap().len() as u64);
        for x in v["exports"].as_array().unwrap() {
            let (ctx, l, want) = (h(x, "exporter_context"), u(x, "L") as usize, h(x, "exported_value"));
            assert_eq!(&s_ctx.export_to_vec(&ctx, l).unwrap()[..], &want[..], "{id} export S");
            assert_eq!(&r_ctx.export_to_vec(&ctx, l).unwrap()[..], &want[..], "{id} export R");
            exports += 1;
        }
        *run.entry((mode as u8, kdf, aead)).or_default() += 1;
    }
    eprintln!("hpke rfc9180: {} X25519 vectors run ({encryptions} encryptions, {exports} exports); skipped by kem id: {skipped:x?}", run.values().sum::<usize>());
    // The file has DHKEM(X25519) with HKDF-SHA256 and HKDF-SHA512, every AEAD, every mode.
    assert_eq!(run.len(), 4 * 2 * 4, "every (mode, kdf, aead) combination of the file for X25519");
    assert!(run.values().all(|&n| n == 1));
    assert_eq!(skipped, BTreeMap::from([(0x10, 32), (0x12, 32), (0x21, 32)]));
    assert_eq!(encryptions, 24 * 257);
    assert_eq!(exports, 32 * 3);
}

fn kem_available(kem: u16) -> bool {
    match hpke::kem_sizes(kem) {
        Ok(_) => true,
        Err(e) => {
            assert_eq!(e.status, Status::UnknownAlgorithm, "kem {kem:#x}: {e}");
            false
        }
    }
}

/// Round trips over every suite we support: sender and recipient agree on every message and
/// export, in every mode the KEM allows; auth modes on PQ KEMs are refused.
#[test]
fn round_trips_every_suite() {
    let (mut ran, mut refused_auth, mut unavailable) = (0, 0, 0);
    for kem in std::iter::once(X25519).chain(PQ_KEMS) {
        if !kem_available(kem) {
            for kdf in KDFS {
                assert_eq!(status(hpke::seal(Suite::new(kem, kdf, 1).unwrap(), &[0; 32], &Setup::base(b""), b"", b"x")), Status::UnknownAlgorithm);
            }
            unavailable += 1;
            continue;
        }
        let (pk_r, sk_r) = hpke::generate_keypair(kem).unwrap();
        let sizes = hpke::kem_sizes(kem).unwrap();
        assert_eq!((pk_r.len(), sk_r.len()), (sizes.public_key, sizes.secret_key));
        let (pk_s, sk_s) = hpke::generate_keypair(kem).unwrap();
        for kdf in KDFS {
            for aead in AEADS {
                let suite = Suite::new(kem, kdf, aead).unwrap();
                for mode in MODES {
                    let auth = matches!(mode, Mode::Auth | Mode::AuthPsk);
                    let (psk, psk_id): (&[u8], &[u8]) = if matches!(mode, Mode::Psk | Mode::AuthPsk) { (&[7; 32], b"id") } else { (b"", b"") };
                    let s_setup = Setup { mode, info: b"info", psk, psk_id, sender_key: auth.then_some(sk_s.as_slice()) };
                    let r_setup = Setup { sender_key: auth.then_some(&pk_s[..]), ..s_setup };
                    if auth && kem != X25519 {
                        assert_eq!(status(hpke::setup_sender(suite, &pk_r, &s_setup)), Status::InvalidParameter);
                        refused_auth += 1;
                        continue;
                    }
                    let (enc, mut s) = hpke::setup_sender(suite, &pk_r, &s_setup).unwrap();
                    assert_eq!(enc.len(), sizes.enc);
                    let mut r = hpke::setup_recipient(suite, &enc, sk_r.as_slice(), &r_setup).unwrap();
                    if aead == 0xFFFF {
                        assert_eq!(status(s.seal(b"", b"m")), Status::InvalidParameter);
                        assert_eq!(status(r.open(b"", &[0; 17])), Status::InvalidParameter);
                        assert_eq!(status(hpke::seal(suite, &pk_r, &s_setup, b"", b"m")), Status::InvalidParameter);
                    } else {
                        for i in 0..3u8 {
                            let msg = vec![i; 100 * i as usize];
                            let ct = s.seal(&[i], &msg).unwrap();
                            assert_eq!(ct.len(), msg.len() + 16);
                            assert_eq!(r.open(&[i], &ct).unwrap(), msg);
                        }
                        let (enc1, ct1) = hpke::seal(suite, &pk_r, &s_setup, b"aad", b"single").unwrap();
                        assert_eq!(hpke::open(suite, &enc1, sk_r.as_slice(), &r_setup, b"aad", &ct1).unwrap(), b"single");
                    }
                    for l in [1, 32, 255 * suite.kdf_nh()] {
                        assert_eq!(s.export_to_vec(b"ctx", l).unwrap(), r.export_to_vec(b"ctx", l).unwrap());
                    }
                    assert_ne!(s.export_to_vec(b"ctx", 32).unwrap(), s.export_to_vec(b"ctx2", 32).unwrap());
                    ran += 1;
                }
            }
        }
    }
    eprintln!("hpke round trips: {ran} suite/mode combinations, {refused_auth} auth refusals, {unavailable} KEMs without a kernel in this build");
    let pq_available = PQ_KEMS.iter().filter(|&&k| kem_available(k)).count();
    assert_eq!(unavailable, 4 - pq_available);
    assert_eq!(ran, 12 * 4 + pq_available * 12 * 2);
    assert_eq!(refused_auth, pq_available * 12 * 2);
}

fn x25519_pair(seed: u8) -> (Vec<u8>, xpscrypto_core::SecureBuffer) {
    hpke::derive_keypair(X25519, &[seed; 32]).unwrap()
}

/// Tampering with ct, aad, enc, info, psk, the keys, or opening under another suite fails.
#[test]
fn tampering_and_wrong_suite_rejected() {
    let (pk_r, sk_r) = x25519_pair(1);
    let (pk_s, sk_s) = x25519_pair(2);
    let suite = Suite::new(X25519, 1, 1).unwrap();
    let psk = [9u8; 32];
    let s_setup = Setup::auth_psk(b"info", &psk, b"psk-id", sk_s.as_slice());
    let r_setup = Setup::auth_psk(b"info", &psk, b"psk-id", &pk_s);
    let (enc, ct) = hpke::seal(suite, &pk_r, &s_setup, b"aad", b"hello").unwrap();
    let ok = |suite: Suite, enc: &[u8], sk: &[u8], s: &Setup, aad: &[u8], ct: &[u8]| hpke::open(suite, enc, sk, s, aad, ct);
    assert_eq!(ok(suite, &enc, sk_r.as_slice(), &r_setup, b"aad", &ct).unwrap(), b"hello");
    let auth_failed = |r: xpscrypto_core::Result<Vec<u8>>| assert_eq!(status(r), Status::AuthenticationFailed);
    for i in 0..ct.len() * 8 {
        let mut c = ct.clone();
        c[i / 8] ^= 1 << (i % 8);
        auth_failed(ok(suite, &enc, sk_r.as_slice(), &r_setup, b"aad", &c));
    }
    for i in 0..enc.len() * 8 {
        let mut e = enc.clone();
        e[i / 8] ^= 1 << (i % 8);
        // A flipped enc is another X25519 point (or, rarely, a low-order one).
        let st = status(ok(suite, &e, sk_r.as_slice(), &r_setup, b"aad", &ct));
        assert!(matches!(st, Status::AuthenticationFailed | Status::WeakPublicKey), "bit {i}: {st:?}");
    }
    auth_failed(ok(suite, &enc, sk_r.as_slice(), &r_setup, b"aaD", &ct));
    auth_failed(ok(suite, &enc, sk_r.as_slice(), &r_setup, b"", &ct));
    auth_failed(ok(suite, &enc, sk_r.as_slice(), &Setup { info: b"infO", ..r_setup }, b"aad", &ct));
    auth_failed(ok(suite, &enc, sk_r.as_slice(), &Setup { psk: &[8; 32], ..r_setup }, b"aad", &ct));
    auth_failed(ok(suite, &enc, sk_r.as_slice(), &Setup { psk_id: b"psk-iD", ..r_setup }, b"aad", &ct));
    auth_failed(ok(suite, &enc, sk_r.as_slice(), &Setup { sender_key: Some(&pk_r), ..r_setup }, b"aad", &ct));
    auth_failed(ok(suite, &enc, x25519_pair(3).1.as_slice(), &r_setup, b"aad", &ct));
    // The mode is bound too: psk-only setup with the same psk.
    auth_failed(ok(suite, &enc, sk_r.as_slice(), &Setup::psk(b"info", &psk, b"psk-id"), b"aad", &ct));
    // Another KDF or AEAD of the same KEM derives other keys.
    for (kdf, aead) in [(2, 1), (3, 1), (1, 2), (1, 3)] {
        let r = ok(Suite::new(X25519, kdf, aead).unwrap(), &enc, sk_r.as_slice(), &r_setup, b"aad", &ct);
        assert!(matches!(status(r), Status::AuthenticationFailed), "kdf {kdf} aead {aead}");
    }
    // Another KEM: its key/enc sizes do not match (or it has no kernel here).
    for kem in PQ_KEMS {
        let st = status(ok(Suite::new(kem, 1, 1).unwrap(), &enc, sk_r.as_slice(), &Setup::base(b"info"), b"aad", &ct));
        assert!(matches!(st, Status::InvalidLength | Status::BadKeyLength | Status::UnknownAlgorithm), "kem {kem:#x}: {st:?}");
    }
    // Unknown / unimplemented ids.
    for (k, f, a) in [(0x10, 1, 1), (0x11, 2, 2), (0x12, 3, 3), (0x21, 3, 3), (0x50, 1, 1), (0x51, 2, 2), (0, 1, 1), (0xFFFF, 1, 1), (X25519, 0, 1), (X25519, 4, 1), (X25519, 0x10, 1), (X25519, 0x13, 1), (X25519, 1, 0), (X25519, 1, 4), (X25519, 1, 0xFFFE)] {
        assert_eq!(status(Suite::new(k, f, a)), Status::UnknownAlgorithm, "({k:#x}, {f:#x}, {a:#x})");
    }
    for k in [0x10, 0x12, 0x21, 0x7777] {
        assert_eq!(status(hpke::derive_keypair(k, &[0; 32])), Status::UnknownAlgorithm);
        assert_eq!(status(hpke::kem_sizes(k)), Status::UnknownAlgorithm);
    }
}

/// The message limit: the context refuses the call that would exhaust its u64 counter, and a
/// failed open leaves the sequence number where it was.
#[test]
fn sequence_numbers_and_overflow() {
    let (pk_r, sk_r) = x25519_pair(4);
    let suite = Suite::new(X25519, 1, 3).unwrap();
    let (enc, mut s) = hpke::setup_sender(suite, &pk_r, &Setup::base(b"")).unwrap();
    let mut r = hpke::setup_recipient(suite, &enc, sk_r.as_slice(), &Setup::base(b"")).unwrap();
    let c0 = s.seal(b"", b"zero").unwrap();
    let c1 = s.seal(b"", b"one").unwrap();
    // Out of order: the recipient is at seq 0, c1 was sealed at seq 1.
    assert_eq!(status(r.open(b"", &c1)), Status::AuthenticationFailed);
    assert_eq!(r.sequence(), 0);
    assert_eq!(r.open(b"", &c0).unwrap(), b"zero");
    assert_eq!(r.open(b"", &c1).unwrap(), b"one");
    assert_eq!(status(r.open(b"", &c1)), Status::AuthenticationFailed, "replay");
    assert_eq!((s.sequence(), r.sequence()), (2, 2));

    hazmat::hpke_sender_set_sequence_nonce_reuse(&mut s, u64::MAX - 2);
    hazmat::hpke_recipient_set_sequence(&mut r, u64::MAX - 2);
    for _ in 0..2 {
        let c = s.seal(b"a", b"late").unwrap();
        assert_eq!(r.open(b"a", &c).unwrap(), b"late");
    }
    assert_eq!(s.sequence(), u64::MAX);
    let mut out = [0xAAu8; 32];
    assert_eq!(status(s.seal_into(b"a", b"late", &mut out)), Status::InvalidState);
    assert_eq!(out, [0xAA; 32], "nothing written");
    assert_eq!(status(r.open(b"a", &[0; 20])), Status::InvalidState);
    assert_eq!(s.sequence(), u64::MAX);
    // Export keeps working.
    assert_eq!(s.export_to_vec(b"", 16).unwrap(), r.export_to_vec(b"", 16).unwrap());
}

/// Every wrong length and inconsistent mode input: a clear status, nothing written.
#[test]
fn bad_input() {
    let (pk_r, sk_r) = x25519_pair(5);
    let (pk_s, sk_s) = x25519_pair(6);
    let suite = Suite::new(X25519, 1, 1).unwrap();
    let base = Setup::base(b"");
    for n in [0, 1, 31, 33, 64] {
        assert_eq!(status(hpke::seal(suite, &vec![9; n], &base, b"", b"")), Status::BadKeyLength, "pk {n}");
        assert_eq!(status(hpke::setup_recipient(suite, &vec![9; n], sk_r.as_slice(), &base)), Status::InvalidLength, "enc {n}");
        assert_eq!(status(hpke::setup_recipient(suite, &pk_s, &vec![9; n], &base)), Status::BadKeyLength, "sk {n}");
        assert_eq!(status(hpke::setup_sender(suite, &pk_r, &Setup::auth(b"", &vec![1; n]))), Status::BadKeyLength, "skS {n}");
        assert_eq!(status(hpke::setup_recipient(suite, &pk_s, sk_r.as_slice(), &Setup::auth(b"", &vec![1; n]))), Status::BadKeyLength, "pkS {n}");
    }
    for n in [0, 1, 31] {
        assert_eq!(status(hpke::derive_keypair(X25519, &vec![1; n])), Status::InvalidLength, "ikm {n}");
        assert_eq!(status(hpke::setup_sender_derand(suite, &pk_r, &base, &vec![1; n])), Status::InvalidLength, "ikmE {n}");
    }
    // Low-order recipient key / enc: the all-zero DH output is refused.
    assert_eq!(status(hpke::seal(suite, &[0; 32], &base, b"", b"")), Status::WeakPublicKey);
    assert_eq!(status(hpke::setup_recipient(suite, &[0; 32], sk_r.as_slice(), &base)), Status::WeakPublicKey);
    let (enc, ct) = hpke::seal(suite, &pk_r, &base, b"", b"").unwrap();
    for n in 0..16 {
        assert_eq!(status(hpke::open(suite, &enc, sk_r.as_slice(), &base, b"", &ct[..n])), Status::InvalidLength, "ct {n}");
    }
    assert_eq!(hpke::open(suite, &enc, sk_r.as_slice(), &base, b"", &ct).unwrap(), b"");
    // Mode inputs.
    let psk = [1u8; 32];
    for (st, what) in [
        (Setup { psk: &psk, ..base }, "base with psk"),
        (Setup { psk_id: b"id", ..base }, "base with psk_id"),
        (Setup { mode: Mode::Psk, ..base }, "psk without psk"),
        (Setup { mode: Mode::Psk, psk: &psk, ..base }, "psk without psk_id"),
        (Setup { mode: Mode::Psk, psk_id: b"id", ..base }, "psk without psk value"),
        (Setup { mode: Mode::Auth, ..base }, "auth without key"),
        (Setup { sender_key: Some(sk_s.as_slice()), ..base }, "base with a sender key"),
        (Setup { mode: Mode::AuthPsk, sender_key: Some(sk_s.as_slice()), ..base }, "auth_psk without psk"),
    ] {
        assert_eq!(status(hpke::setup_sender(suite, &pk_r, &st)), Status::InvalidParameter, "{what}");
        assert_eq!(status(hpke::setup_recipient(suite, &enc, sk_r.as_slice(), &st)), Status::InvalidParameter, "{what}");
    }
    for m in [4u8, 5, 0xFF] {
        assert_eq!(status(Mode::from_u8(m)), Status::InvalidParameter);
    }
    // Export lengths: 1..=255*Nh.
    let (_, s) = hpke::setup_sender(suite, &pk_r, &base).unwrap();
    assert_eq!(status(s.export_to_vec(b"", 0)), Status::InvalidLength);
    assert_eq!(status(s.export_to_vec(b"", 255 * 32 + 1)), Status::OutputTooLong);
    assert_eq!(s.export_to_vec(b"", 255 * 32).unwrap().len(), 255 * 32);
    let (_, s512) = hpke::setup_sender(Suite::new(X25519, 3, 0xFFFF).unwrap(), &pk_r, &base).unwrap();
    assert_eq!(status(s512.export_to_vec(b"", 255 * 64 + 1)), Status::OutputTooLong);
    assert_eq!(s512.export_to_vec(b"", 255 * 64).unwrap().len(), 255 * 64);
    // Output buffers.
    let (_, mut s) = hpke::setup_sender(suite, &pk_r, &base).unwrap();
    let mut small = [0x55u8; 20];
    assert_eq!(status(s.seal_into(b"", &[1; 5], &mut small)), Status::BufferTooSmall);
    assert_eq!(small, [0x55; 20]);
    assert_eq!(s.sequence(), 0, "a failed seal does not consume a sequence number");
    // Derandomized encapsulation is deterministic, the random one is not.
    let a = hpke::setup_sender_derand(suite, &pk_r, &base, &[3; 32]).unwrap().0;
    assert_eq!(a, hpke::setup_sender_derand(suite, &pk_r, &base, &[3; 32]).unwrap().0);
    assert_ne!(hpke::setup_sender(suite, &pk_r, &base).unwrap().0, hpke::setup_sender(suite, &pk_r, &base).unwrap().0);
    // Debug output hides the secrets.
    let dbg = format!("{s:?}");
    assert!(dbg.contains("redacted"), "{dbg}");
}

/// draft-ietf-hpke-pq-05 A.2 (ML-KEM-768) and A.5 (X-Wing), transcribed into
/// `hpke/pq-draft-05.json`. Without the KEM's kernel: the DeriveKeyPair seed (= skRm) and the
/// whole key schedule, encryptions and exports from the published shared secret. With it: also
/// pkRm, the derandomized encapsulation (enc, shared_secret), decapsulation and both contexts.
#[test]
fn pq_draft_vectors() {
    let doc = load("hpke/pq-draft-05.json");
    let (mut full, mut partial) = (0, 0);
    for v in doc["vectors"].as_array().unwrap() {
        let id = v["id"].as_str().unwrap();
        let (kem, kdf, aead) = (u(v, "kem_id") as u16, u(v, "kdf_id") as u16, u(v, "aead_id") as u16);
        let suite = Suite::new(kem, kdf, aead).unwrap();
        assert_eq!(Mode::from_u8(u(v, "mode") as u8).unwrap(), Mode::Base);
        let info = h(v, "info");
        let setup = Setup::base(&info);
        assert_eq!(&hazmat::hpke_derive_seed(kem, &h(v, "ikmR")).unwrap()[..], &h(v, "skRm")[..], "{id}: skRm");

        let ss = h(v, "shared_secret");
        let mut s_ctx = hazmat::hpke_sender_from_shared_secret(suite, &setup, &ss).unwrap();
        let mut r_ctx = None;
        if kem_available(kem) {
            let (pk_r, sk_r) = hpke::derive_keypair(kem, &h(v, "ikmR")).unwrap();
            assert_eq!((pk_r.clone(), sk_r.as_slice().to_vec()), (h(v, "pkRm"), h(v, "skRm")), "{id}: key pair");
            let (enc, kss) = hpke::kem_encap(kem, &pk_r, None, Some(&h(v, "ikmE"))).unwrap();
            assert_eq!((enc.clone(), kss.to_vec()), (h(v, "enc"), ss.clone()), "{id}: encap");
            assert_eq!(&hpke::kem_decap(kem, &enc, sk_r.as_slice(), None).unwrap()[..], &ss[..], "{id}: decap");
            let (enc2, s2) = hpke::setup_sender_derand(suite, &pk_r, &setup, &h(v, "ikmE")).unwrap();
            assert_eq!(enc2, enc);
            s_ctx = s2;
            r_ctx = Some(hpke::setup_recipient(suite, &enc, sk_r.as_slice(), &setup).unwrap());
            full += 1;
        } else {
            assert_eq!(status(hpke::derive_keypair(kem, &h(v, "ikmR"))), Status::UnknownAlgorithm, "{id}");
            partial += 1;
        }
        let (k, n, e) = hazmat::hpke_sender_secrets_exposed(&s_ctx);
        assert_eq!((k, n, e.to_vec()), (h(v, "key"), h(v, "base_nonce"), h(v, "exporter_secret")), "{id}: key schedule");
        for (seq, x) in v["encryptions"].as_array().unwrap().iter().enumerate() {
            let (aad, pt, ct) = (h(x, "aad"), h(x, "pt"), h(x, "ct"));
            assert_eq!(s_ctx.seal(&aad, &pt).unwrap(), ct, "{id}: seal {seq}");
            if let Some(r) = r_ctx.as_mut() {
                assert_eq!(r.open(&aad, &ct).unwrap(), pt, "{id}: open {seq}");
            }
        }
        for x in v["exports"].as_array().unwrap() {
            let want = h(x, "exported_value");
            assert_eq!(&s_ctx.export_to_vec(&h(x, "exporter_context"), u(x, "L") as usize).unwrap()[..], &want[..], "{id}: export");
        }
    }
    eprintln!("hpke pq draft-05: {full} vectors end to end, {partial} without the KEM kernel (seed + key schedule only)");
    assert_eq!(full + partial, 2);
}
