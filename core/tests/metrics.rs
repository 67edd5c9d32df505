//! Metrics (issue 7, item 6): counts after known calls, bytes, failures, per-kernel attribution
//! after a forced kernel, snapshots across running and exited threads, reset, the on/off switch,
//! events, and the Prometheus text. Metrics are process-wide, so the tests of this binary run one
//! at a time and compare against `reset()` baselines.

use std::sync::{mpsc, Mutex, MutexGuard};
use xpscrypto_core::metrics::{self, KeyringEvent, PatchEvent, Snapshot};
use xpscrypto_core::{aead, dispatch, hash, kdf, kem, mac, sign, Alg, Status};

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    let g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    xpscrypto_core::init().unwrap();
    dispatch::reset().unwrap();
    metrics::set_enabled(true);
    metrics::reset();
    g
}

fn one(s: &Snapshot, op: &str) -> (u64, u64, u64) {
    s.totals(op)
}

#[test]
fn counts_bytes_and_failures_after_known_calls() {
    let _g = serial();
    let data = [7u8; 64];
    let mut d = [0u8; 32];
    for _ in 0..3 {
        hash::hash_into(Alg::Sha256, &data, &mut d).unwrap();
    }
    hash::hash(Alg::Sha256, &data[..10]).unwrap();
    let mut h = hash::Hasher::new(Alg::Sha256).unwrap();
    h.update(&data[..5]).update(&data[..6]);
    h.finalize();
    // A failure before any kernel ran: too small a digest buffer.
    assert_eq!(hash::hash_into(Alg::Sha256, &data, &mut [0u8; 8]).unwrap_err().status, Status::BufferTooSmall);
    // Wrong family: not an op, not counted.
    assert!(hash::hash_into(Alg::Aes256Gcm, &data, &mut d).is_err());

    let key = [1u8; 32];
    let nonce = [2u8; 12];
    let sealed = aead::seal_to_vec(Alg::Aes256Gcm, &key, &nonce, b"ad", &[3u8; 100]).unwrap();
    aead::seal_to_vec(Alg::Aes256Gcm, &key, &nonce, b"", &[3u8; 100]).unwrap();
    let k = aead::AeadKey::new(Alg::Aes256Gcm, &key).unwrap();
    k.seal_to_vec(&nonce, b"", &[3u8; 100]).unwrap();
    assert_eq!(k.open_to_vec(&nonce, b"ad", &sealed).unwrap().len(), 100);
    let mut bad = sealed.clone();
    bad[0] ^= 1;
    assert_eq!(aead::open_to_vec(Alg::Aes256Gcm, &key, &nonce, b"ad", &bad).unwrap_err().status, Status::AuthenticationFailed);

    mac::mac(Alg::HmacSha256, &key, &data).unwrap();
    let tag = mac::mac(Alg::HmacSha512, &key, &data[..16]).unwrap();
    mac::verify(Alg::HmacSha512, &key, &data[..16], &tag).unwrap();
    assert!(mac::verify(Alg::HmacSha512, &key, &data[..15], &tag).is_err());
    let mut okm = [0u8; 42];
    kdf::hkdf(Alg::HkdfSha256, &[5; 22], b"salt", b"info", &mut okm).unwrap();
    kdf::pbkdf2(Alg::Pbkdf2Sha256, b"password", b"salt", 2, &mut okm).unwrap();
    let (pk, sk) = sign::keypair(Alg::Ed25519, None).unwrap();
    let sig = sign::sign(Alg::Ed25519, sk.as_slice(), b"message").unwrap();
    sign::verify(Alg::Ed25519, &pk, b"message", &sig).unwrap();
    assert_eq!(sign::verify(Alg::Ed25519, &pk, b"messagf", &sig).unwrap_err().status, Status::BadSignature);
    let (kpk, ksk) = kem::keypair(Alg::MlKem768, None).unwrap();
    let (ct, _) = kem::encapsulate(Alg::MlKem768, &kpk, None).unwrap();
    kem::DecapsulationKey::new(Alg::MlKem768, ksk.as_slice()).unwrap().decapsulate(&ct).unwrap();

    let s = metrics::snapshot();
    let sha = dispatch::active_kernel("hash.sha256").unwrap();
    assert_eq!(one(&s, "hash.sha256"), (6, 3 * 64 + 10 + 11 + 64, 1));
    let m = s.get("hash.sha256", sha).unwrap();
    assert_eq!((m.calls, m.bytes, m.failures, m.alg), (5, 3 * 64 + 10 + 11, 0, Alg::Sha256));
    let none = s.get("hash.sha256", "none").unwrap();
    assert_eq!((none.calls, none.bytes, none.failures), (1, 64, 1));
    assert!(s.op("hash.aes-256-gcm").next().is_none());

    let gcm = dispatch::active_kernel("aead.aes-256-gcm").unwrap();
    assert_eq!(s.get("aead.aes-256-gcm.seal", gcm).map(|m| (m.calls, m.bytes, m.failures)), Some((3, 300, 0)));
    assert_eq!(s.get("aead.aes-256-gcm.open", gcm).map(|m| (m.calls, m.bytes, m.failures)), Some((2, 200, 1)));
    assert_eq!(one(&s, "mac.hmac-sha256"), (1, 64, 0));
    assert_eq!(one(&s, "mac.hmac-sha512"), (1, 16, 0));
    assert_eq!(one(&s, "mac.hmac-sha512.verify"), (2, 31, 1));
    assert_eq!(s.get("mac.hmac-sha256", sha).map(|m| m.calls), Some(1), "HMAC counts on its hash kernel");
    assert_eq!(one(&s, "kdf.hkdf-sha256"), (1, 22, 0));
    assert_eq!(one(&s, "kdf.pbkdf2-sha256"), (1, 8, 0));
    assert_eq!(one(&s, "sign.ed25519.keypair"), (1, 0, 0));
    assert_eq!(one(&s, "sign.ed25519.sign"), (1, 7, 0));
    assert_eq!(one(&s, "sign.ed25519.verify"), (2, 14, 1));
    assert_eq!(one(&s, "kem.ml-kem-768.keypair"), (1, 0, 0));
    assert_eq!(one(&s, "kem.ml-kem-768.encaps"), (1, 0, 0));
    assert_eq!(one(&s, "kem.ml-kem-768.decaps"), (1, ct.len() as u64, 0));
    let dk = s.op("kem.ml-kem-768.decaps").next().unwrap();
    assert_eq!(dk.kernel, dispatch::active_kernel("kem.ml-kem-768").unwrap());
    // Nothing else was counted (the HMAC inside HKDF/PBKDF2 is not a call of its own).
    let total: u64 = s.ops.iter().map(|m| m.calls).sum();
    assert_eq!(total, 6 + 5 + 1 + 1 + 2 + 2 + 4 + 3);
}

#[test]
fn calls_are_attributed_to_the_kernel_that_ran() {
    let _g = serial();
    let auto = dispatch::active_kernel("hash.sha256").unwrap();
    let key = aead::AeadKey::new(Alg::Aes256Gcm, &[4; 32]).unwrap();
    dispatch::force("hash.sha256", "sha256/portable").unwrap();
    dispatch::force("aead.aes-256-gcm", "aes-gcm/composed").unwrap();
    let mut d = [0u8; 32];
    for _ in 0..2 {
        hash::hash_into(Alg::Sha256, b"forced", &mut d).unwrap();
    }
    key.seal_to_vec(&[0; 12], b"", b"x").unwrap();
    dispatch::reset().unwrap();
    hash::hash_into(Alg::Sha256, b"auto", &mut d).unwrap();
    let s = metrics::snapshot();
    assert_eq!(s.get("hash.sha256", "sha256/portable").map(|m| (m.calls, m.bytes)), Some(if auto == "sha256/portable" { (3, 16) } else { (2, 12) }));
    if auto != "sha256/portable" {
        assert_eq!(s.get("hash.sha256", auto).map(|m| (m.calls, m.bytes)), Some((1, 4)));
    }
    assert_eq!(s.get("aead.aes-256-gcm.seal", "aes-gcm/composed").map(|m| m.calls), Some(1), "a key made before the force runs on the forced kernel");
    // Many kernel switches on one thread: every (op, kernel) pair keeps its own counters.
    metrics::reset();
    for round in 0..50 {
        dispatch::force("hash.sha256", "sha256/portable").unwrap();
        hash::hash_into(Alg::Sha256, b"p", &mut d).unwrap();
        dispatch::reset().unwrap();
        hash::hash_into(Alg::Sha256, b"aa", &mut d).unwrap();
        let _ = round;
    }
    let s = metrics::snapshot();
    assert_eq!(one(&s, "hash.sha256"), (100, 150, 0));
    if auto != "sha256/portable" {
        assert_eq!(s.get("hash.sha256", "sha256/portable").map(|m| (m.calls, m.bytes)), Some((50, 50)));
        assert_eq!(s.get("hash.sha256", auto).map(|m| (m.calls, m.bytes)), Some((50, 100)));
    }
}

#[test]
fn snapshot_sums_running_and_exited_threads() {
    let _g = serial();
    const PER_THREAD: u64 = 500;
    let exited: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(|| {
                let mut d = [0u8; 32];
                for _ in 0..PER_THREAD {
                    hash::hash_into(Alg::Sha3_256, &[1u8; 3], &mut d).unwrap();
                }
            })
        })
        .collect();
    exited.into_iter().for_each(|t| t.join().unwrap());
    assert_eq!(one(&metrics::snapshot(), "hash.sha3-256"), (4 * PER_THREAD, 12 * PER_THREAD, 0), "exited threads are folded in");
    // A thread that is still running: its counts are read from its live block.
    let (counted_tx, counted_rx) = mpsc::channel();
    let (exit_tx, exit_rx) = mpsc::channel::<()>();
    let live = std::thread::spawn(move || {
        let mut d = [0u8; 32];
        for _ in 0..7 {
            hash::hash_into(Alg::Sha3_256, &[1u8; 5], &mut d).unwrap();
        }
        counted_tx.send(()).unwrap();
        exit_rx.recv().unwrap();
    });
    counted_rx.recv().unwrap();
    assert_eq!(one(&metrics::snapshot(), "hash.sha3-256"), (4 * PER_THREAD + 7, 12 * PER_THREAD + 35, 0));
    exit_tx.send(()).unwrap();
    live.join().unwrap();
    assert_eq!(one(&metrics::snapshot(), "hash.sha3-256"), (4 * PER_THREAD + 7, 12 * PER_THREAD + 35, 0), "nothing lost or doubled at exit");
    // Reset covers exited threads too.
    metrics::reset();
    assert_eq!(one(&metrics::snapshot(), "hash.sha3-256"), (0, 0, 0));
}

#[test]
fn reset_and_the_switch() {
    let _g = serial();
    let mut d = [0u8; 64];
    hash::hash_into(Alg::Sha512, b"abc", &mut d).unwrap();
    metrics::record_keyring_event(KeyringEvent::Rotate);
    assert_eq!(one(&metrics::snapshot(), "hash.sha512"), (1, 3, 0));
    metrics::reset();
    let s = metrics::snapshot();
    assert!(s.ops.is_empty(), "{:?}", s.ops);
    assert_eq!(s.keyring_event(KeyringEvent::Rotate), 0);
    assert_eq!((s.selftest_runs_passed, s.selftest_runs_failed, s.mlock_failures), (0, 0, 0));
    metrics::set_enabled(false);
    assert!(!metrics::enabled());
    hash::hash_into(Alg::Sha512, b"abc", &mut d).unwrap();
    assert!(metrics::snapshot().ops.is_empty());
    metrics::set_enabled(true);
    hash::hash_into(Alg::Sha512, b"abcd", &mut d).unwrap();
    assert_eq!(one(&metrics::snapshot(), "hash.sha512"), (1, 4, 0));
}

#[test]
fn events_are_counted() {
    let _g = serial();
    for e in [KeyringEvent::Generate, KeyringEvent::Rotate, KeyringEvent::Rotate, KeyringEvent::Failed] {
        metrics::record_keyring_event(e);
    }
    assert_eq!(KeyringEvent::from_name("rotate"), Some(KeyringEvent::Rotate));
    let e = xpscrypto_core::hotpatch::apply(b"not json", b"", b"{}", &Default::default()).unwrap_err();
    assert_eq!(e.status, Status::PatchMalformed);
    assert_eq!(xpscrypto_core::hotpatch::rollback().unwrap_err().status, Status::NothingToRollback);
    xpscrypto_core::selftest::run_all().unwrap();
    let s = metrics::snapshot();
    assert_eq!(s.keyring_events, vec![("generate", 1), ("rotate", 2), ("retire", 0), ("revoke", 0), ("destroy", 0), ("failed", 1)]);
    assert_eq!(s.patch_events, vec![("applied", 0), ("rejected", 1), ("rolled_back", 0)]);
    assert_eq!(s.patch_event(PatchEvent::Rejected), 1);
    assert_eq!((s.selftest_runs_passed, s.selftest_runs_failed, s.selftest_checks_failed), (1, 0, 0));
    assert!(s.selftest_checks_passed >= dispatch::ops().len() as u64 + 3, "one check per kernel and construction");
    assert!(s.ops.is_empty(), "self-tests are not counted as operations: {:?}", s.ops);
}

#[test]
fn prometheus_text_exposition() {
    let _g = serial();
    let mut d = [0u8; 32];
    hash::hash_into(Alg::Sha256, &[0u8; 64], &mut d).unwrap();
    hash::hash_into(Alg::Sha256, &[0u8; 64], &mut d).unwrap();
    let _ = hash::hash_into(Alg::Sha256, &[0u8; 64], &mut [0u8; 1]);
    metrics::record_keyring_event(KeyringEvent::Revoke);
    let text = metrics::prometheus();
    let kernel = dispatch::active_kernel("hash.sha256").unwrap();
    let want = [
        "# TYPE xps_op_calls_total counter".to_string(),
        format!("xps_op_calls_total{{op=\"hash.sha256\",alg=\"sha256\",kernel=\"{kernel}\"}} 2"),
        "xps_op_calls_total{op=\"hash.sha256\",alg=\"sha256\",kernel=\"none\"} 1".to_string(),
        format!("xps_op_bytes_total{{op=\"hash.sha256\",alg=\"sha256\",kernel=\"{kernel}\"}} 128"),
        format!("xps_op_failures_total{{op=\"hash.sha256\",alg=\"sha256\",kernel=\"{kernel}\"}} 0"),
        "xps_op_failures_total{op=\"hash.sha256\",alg=\"sha256\",kernel=\"none\"} 1".to_string(),
        "xps_selftest_runs_total{result=\"pass\"} 0".to_string(),
        "xps_mlock_failures_total 0".to_string(),
        "xps_patch_events_total{kind=\"rolled_back\"} 0".to_string(),
        "xps_keyring_events_total{kind=\"revoke\"} 1".to_string(),
    ];
    let lines: Vec<&str> = text.lines().collect();
    for w in &want {
        assert!(lines.contains(&w.as_str()), "missing line {w:?} in\n{text}");
    }
    // Structure: each family has HELP then TYPE counter, then its samples; sample lines are
    // `name{labels} integer` with the family's name; the text ends with a newline.
    assert!(text.ends_with('\n'));
    let mut family = String::new();
    let mut families = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if let Some(rest) = l.strip_prefix("# HELP ") {
            family = rest.split(' ').next().unwrap().to_string();
            assert_eq!(lines[i + 1], format!("# TYPE {family} counter"));
            families.push(family.clone());
        } else if !l.starts_with('#') {
            let (name, value) = l.rsplit_once(' ').unwrap();
            assert!(value.parse::<u64>().is_ok(), "{l}");
            let metric = name.split('{').next().unwrap();
            assert_eq!(metric, family, "{l}");
            if let Some(labels) = name.strip_prefix(metric).and_then(|r| r.strip_prefix('{')) {
                assert!(labels.ends_with('}'), "{l}");
            }
        }
    }
    assert_eq!(
        families,
        [
            "xps_op_calls_total",
            "xps_op_bytes_total",
            "xps_op_failures_total",
            "xps_selftest_runs_total",
            "xps_selftest_checks_total",
            "xps_mlock_failures_total",
            "xps_patch_events_total",
            "xps_keyring_events_total"
        ]
    );
}
