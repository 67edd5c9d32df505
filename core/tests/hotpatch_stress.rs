//! Zero-downtime semantics (issue 6 item 4): worker threads run AEAD seal/open (through a key
//! handle created before any patch, and one-shot), hashes (one-shot and streams that straddle
//! swaps), signatures and KEM operations in a loop, checking every output against a reference,
//! while another thread applies and rolls back two patches hundreds of times. After each apply
//! returns, calls on that thread — through pre-patch key handles too — must run on the patch
//! (the modules count calls per thread); after each rollback they must not.

mod patchkit;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use patchkit::*;
use sha2::Digest;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use xpscrypto_core::aead::AeadKey;
use xpscrypto_core::hash::Hasher;
use xpscrypto_core::hotpatch::{self, ApplyOptions};
use xpscrypto_core::{aead, hash, kem, sign, Alg};

const SHA_OP: &str = "hash.sha256";
const AES_OP: &str = "aead.aes-256-gcm";

fn cycles() -> usize {
    std::env::var("XPS_STRESS_CYCLES").ok().and_then(|v| v.parse().ok()).unwrap_or(300)
}

#[test]
fn swaps_under_load_lose_nothing() {
    let _s = serial();
    let sha_payload = build_c_patch("good", &[]);
    let aes_payload = build_rust_patch();
    let alice = signer("alice");
    let trust = trust_store(&[(&alice, &[SHA_OP, AES_OP])], 1);
    let sha_man = sign(&manifest("c-sha256", 1, &[SHA_OP], &sha_payload), &[&alice]);
    let aes_man = sign(&manifest("rust-aes256gcm", 1, &[AES_OP], &aes_payload), &[&alice]);

    // References, computed by independent implementations (sha2, aes-gcm) or before any patch.
    let msgs: Vec<Vec<u8>> = [0usize, 1, 63, 64, 65, 1000, 4096, 70_000].iter().map(|&n| (0..n).map(|i| (i * 13 + n) as u8).collect()).collect();
    let digests: Vec<Vec<u8>> = msgs.iter().map(|m| sha2::Sha256::digest(m).to_vec()).collect();
    let key = [0x42u8; 32];
    let nonce = [7u8; 12];
    let oracle = aes_gcm::Aes256Gcm::new_from_slice(&key).unwrap();
    let sealed: Vec<Vec<u8>> =
        msgs.iter().map(|m| oracle.encrypt((&nonce).into(), Payload { msg: m, aad: b"hdr" }).unwrap()).collect();
    let (ed_pk, ed_sk) = sign::keypair(Alg::Ed25519, Some(&[9u8; 32])).unwrap();
    let ed_sig = sign::sign(Alg::Ed25519, ed_sk.as_slice(), b"stress").unwrap();
    let (kem_pk, kem_sk) = kem::keypair(Alg::MlKem768, Some(&[5u8; 64])).unwrap();
    let (kem_ct, kem_ss) = kem::encapsulate(Alg::MlKem768, &kem_pk, Some(&[6u8; 32])).unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let ops = Arc::new(AtomicU64::new(0));
    let aead_key = Arc::new(AeadKey::new(Alg::Aes256Gcm, &key).unwrap()); // created before any patch
    let mut workers = Vec::new();
    {
        // Hashes: one-shot, and streams whose pieces straddle swaps (they finish on their kernel).
        let (stop, ops, msgs, digests) = (stop.clone(), ops.clone(), msgs.clone(), digests.clone());
        workers.push(std::thread::spawn(move || {
            let mut bad = 0u64;
            while !stop.load(Ordering::Relaxed) {
                for (m, d) in msgs.iter().zip(&digests) {
                    bad += u64::from(hash::hash(Alg::Sha256, m).unwrap() != *d);
                    let mut h = Hasher::new(Alg::Sha256).unwrap();
                    for piece in m.chunks(997) {
                        h.update(piece);
                        std::thread::yield_now();
                    }
                    bad += u64::from(h.finalize() != *d);
                    ops.fetch_add(2, Ordering::Relaxed);
                }
            }
            bad
        }));
    }
    {
        // AEAD through the shared pre-patch key handle and one-shot.
        let (stop, ops, msgs, sealed, k) = (stop.clone(), ops.clone(), msgs.clone(), sealed.clone(), aead_key.clone());
        workers.push(std::thread::spawn(move || {
            let mut bad = 0u64;
            while !stop.load(Ordering::Relaxed) {
                for (m, s) in msgs.iter().zip(&sealed) {
                    bad += u64::from(k.seal_to_vec(&nonce, b"hdr", m).unwrap() != *s);
                    bad += u64::from(k.open_to_vec(&nonce, b"hdr", s).map(|p| p != *m).unwrap_or(true));
                    let mut out = vec![0u8; m.len() + 16];
                    aead::seal(Alg::Aes256Gcm, &key, &nonce, b"hdr", m, &mut out).unwrap();
                    bad += u64::from(out != *s);
                    let mut t = s.clone();
                    t[0] ^= 1;
                    bad += u64::from(k.open_to_vec(&nonce, b"hdr", &t).is_ok());
                    ops.fetch_add(4, Ordering::Relaxed);
                }
            }
            bad
        }));
    }
    {
        // Signatures and KEM.
        let (stop, ops) = (stop.clone(), ops.clone());
        let (ed_pk, ed_sk, ed_sig) = (ed_pk.clone(), ed_sk.as_slice().to_vec(), ed_sig.clone());
        let (kem_pk, kem_sk, kem_ct, kem_ss) = (kem_pk.clone(), kem_sk.as_slice().to_vec(), kem_ct.clone(), kem_ss.to_vec());
        workers.push(std::thread::spawn(move || {
            let mut bad = 0u64;
            while !stop.load(Ordering::Relaxed) {
                bad += u64::from(sign::sign(Alg::Ed25519, &ed_sk, b"stress").unwrap() != ed_sig);
                bad += u64::from(sign::verify(Alg::Ed25519, &ed_pk, b"stress", &ed_sig).is_err());
                bad += u64::from(kem::decapsulate(Alg::MlKem768, &kem_sk, &kem_ct).unwrap().as_slice() != &kem_ss[..]);
                let (ct, ss) = kem::encapsulate(Alg::MlKem768, &kem_pk, Some(&[6u8; 32])).unwrap();
                bad += u64::from(ct != kem_ct || ss.as_slice() != &kem_ss[..]);
                ops.fetch_add(4, Ordering::Relaxed);
            }
            bad
        }));
    }

    let n = cycles();
    let t0 = std::time::Instant::now();
    for i in 0..n {
        hotpatch::apply(&sha_man, &sha_payload, &trust, &ApplyOptions::default()).unwrap();
        // Started after apply returned: runs on the patch.
        let before = module_fn_u64("c-sha256", "xps_sha256_patch_thread_uses");
        assert_eq!(hash::hash(Alg::Sha256, &msgs[5]).unwrap(), digests[5]);
        assert_eq!(module_fn_u64("c-sha256", "xps_sha256_patch_thread_uses"), before + 1, "cycle {i}: hash after apply");

        hotpatch::apply(&aes_man, &aes_payload, &trust, &ApplyOptions::default()).unwrap();
        assert_eq!(aead_key.kernel_name().unwrap(), "aes-256-gcm/rustcrypto-aes-gcm");
        let before = module_fn_u64("rust-aes256gcm", "xps_aes256gcm_patch_thread_uses");
        assert_eq!(aead_key.seal_to_vec(&nonce, b"hdr", &msgs[3]).unwrap(), sealed[3]);
        assert_eq!(module_fn_u64("rust-aes256gcm", "xps_aes256gcm_patch_thread_uses"), before + 1, "cycle {i}: pre-patch key handle after apply");

        // Roll back in the other order every second cycle (layers are a stack).
        hotpatch::rollback().unwrap();
        let aes_before = module_fn_u64("rust-aes256gcm", "xps_aes256gcm_patch_thread_uses");
        assert_eq!(aead_key.seal_to_vec(&nonce, b"hdr", &msgs[3]).unwrap(), sealed[3]);
        assert_eq!(module_fn_u64("rust-aes256gcm", "xps_aes256gcm_patch_thread_uses"), aes_before, "cycle {i}: AES patch still used after rollback");
        let sha_before = module_fn_u64("c-sha256", "xps_sha256_patch_thread_uses");
        hash::hash(Alg::Sha256, b"x").unwrap();
        assert_eq!(module_fn_u64("c-sha256", "xps_sha256_patch_thread_uses"), sha_before + 1, "cycle {i}: SHA patch must stay until its own rollback");
        hotpatch::rollback().unwrap();
        hash::hash(Alg::Sha256, b"x").unwrap();
        assert_eq!(module_fn_u64("c-sha256", "xps_sha256_patch_thread_uses"), sha_before + 1, "cycle {i}: SHA patch still used after rollback");
    }
    let elapsed = t0.elapsed();
    stop.store(true, Ordering::Relaxed);
    let bad: u64 = workers.into_iter().map(|w| w.join().unwrap()).sum();
    let done = ops.load(Ordering::Relaxed);
    eprintln!("{n} cycles (2 applies + 2 rollbacks each) in {elapsed:?}; {done} checked worker operations");
    assert_eq!(bad, 0, "wrong or failed operations during swaps");
    assert!(done > 0);
    assert!(hotpatch::applied().is_empty());
}
