//! Keyring: lifecycle over simulated months, envelope checks, persistence (wrong key, truncated,
//! corrupted, foreign and future files), crash safety under SIGKILL, concurrent writers, events,
//! audit log and the rotation service.

use std::io::{BufRead, BufReader};

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use xpscrypto_core::keyring::{Clock, EventKind, Kek, KeyState, Keyring, ManualClock, Options, RotationPolicy, DAY};
use xpscrypto_core::kdf::Argon2idParams;
use xpscrypto_core::{Alg, Status};

const KEK: [u8; 32] = [7; 32];
const T0: u64 = 1_765_000_000;

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("xps-keyring-test-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn clocked(start: u64) -> (Arc<ManualClock>, Options) {
    let c = Arc::new(ManualClock::new(start));
    (c.clone(), Options { clock: Some(c) })
}

fn status<T: std::fmt::Debug>(r: xpscrypto_core::Result<T>) -> Status {
    r.expect_err("must fail").status
}

#[test]
fn lifecycle_over_simulated_months() {
    let (clock, opts) = clocked(T0);
    let kr = Keyring::in_memory_with(&opts);
    let policy = RotationPolicy { max_age: Some(30 * DAY), max_uses: None, overlap: 10 * DAY };
    assert_eq!(kr.generate("orders", Alg::Aes256Gcm, Some(policy)).unwrap(), 1);
    let events = Arc::new(Mutex::new(Vec::new()));
    let ev2 = events.clone();
    kr.subscribe(move |e| ev2.lock().unwrap().push((e.kind, e.old_version, e.new_version, e.time)));
    // One envelope per simulated day for 120 days, a tick per day.
    let mut made: Vec<(u64, u32, Vec<u8>)> = Vec::new();
    let mut returned = Vec::new();
    for day in 0..120u64 {
        clock.set(T0 + day * DAY);
        returned.extend(kr.tick().unwrap());
        let msg = format!("day {day}");
        let env = kr.encrypt("orders", msg.as_bytes(), b"ctx").unwrap();
        let v = xpscrypto_core::keyring::envelope::parse(&env).unwrap().version;
        made.push((day, v, env));
        // Every envelope decrypts exactly while its version is primary or within its overlap.
        for (d, v, e) in &made {
            let r = kr.decrypt(e, b"ctx");
            let primary_until = T0 + (u64::from(*v)) * 30 * DAY; // v1 is primary for days 0..30, v2 30..60, …
            let usable = clock.now() < primary_until + 10 * DAY;
            match r {
                Ok(pt) => {
                    assert!(usable, "day {day}: envelope of day {d} (v{v}) decrypted after its version retired");
                    assert_eq!(&pt[..], format!("day {d}").as_bytes());
                }
                Err(e) => {
                    assert!(!usable, "day {day}: envelope of day {d} (v{v}) refused while usable: {e}");
                    assert_eq!(e.status, Status::KeyRetired);
                }
            }
        }
    }
    let info = kr.describe("orders").unwrap();
    assert_eq!(info.primary, Some(4));
    let states: Vec<KeyState> = info.versions.iter().map(|v| v.state).collect();
    assert_eq!(states, vec![KeyState::Retired, KeyState::Retired, KeyState::Retired, KeyState::Primary]);
    let ev = events.lock().unwrap().clone();
    let rotated: Vec<_> = ev.iter().filter(|e| e.0 == EventKind::Rotated).map(|e| (e.1, e.2, (e.3 - T0) / DAY)).collect();
    assert_eq!(rotated, vec![(Some(1), Some(2), 30), (Some(2), Some(3), 60), (Some(3), Some(4), 90)]);
    let retired: Vec<_> = ev.iter().filter(|e| e.0 == EventKind::Retired).map(|e| (e.1, (e.3 - T0) / DAY)).collect();
    assert_eq!(retired, vec![(Some(1), 40), (Some(2), 70), (Some(3), 100)]);
    let planned: Vec<_> = ev.iter().filter(|e| e.0 == EventKind::Planned).map(|e| (e.1, (e.3 - T0) / DAY)).collect();
    assert_eq!(planned, vec![(Some(1), 23), (Some(2), 53), (Some(3), 83), (Some(4), 113)], "planned once per version at 3/4 of the age");
    // tick() returns what it reported (rotations included), as the caller's ("api") doing.
    let kinds = |k: EventKind| returned.iter().filter(|e| e.kind == k).count();
    assert_eq!((kinds(EventKind::Planned), kinds(EventKind::Rotated), kinds(EventKind::Retired)), (4, 3, 3));
    assert!(returned.iter().all(|e| e.actor == "api"));
    // A new keyring announces again (the "planned" record is per keyring).
    let again = Keyring::in_memory_with(&opts);
    again.generate("orders", Alg::Aes256Gcm, Some(policy)).unwrap();
    clock.advance(23 * DAY);
    assert_eq!(again.tick().unwrap().iter().filter(|e| e.kind == EventKind::Planned).count(), 1);
}

#[test]
fn min_version_revoke_destroy_and_states() {
    let (clock, opts) = clocked(T0);
    let kr = Keyring::in_memory_with(&opts);
    kr.generate("k", Alg::XChaCha20Poly1305, Some(RotationPolicy { max_age: None, max_uses: None, overlap: 100 * DAY })).unwrap();
    let e1 = kr.encrypt("k", b"one", b"").unwrap();
    kr.rotate("k", None).unwrap();
    let e2 = kr.encrypt("k", b"two", b"").unwrap();
    kr.rotate("k", None).unwrap();
    let e3 = kr.encrypt("k", b"three", b"").unwrap();
    assert_eq!(&kr.decrypt(&e1, b"").unwrap()[..], b"one");
    kr.set_min_decryption_version("k", 2).unwrap();
    assert_eq!(status(kr.decrypt(&e1, b"")), Status::BelowMinDecryptionVersion);
    assert_eq!(&kr.decrypt(&e2, b"").unwrap()[..], b"two");
    assert_eq!(status(kr.set_min_decryption_version("k", 9)), Status::InvalidParameter);
    kr.revoke("k", 2).unwrap();
    assert_eq!(status(kr.decrypt(&e2, b"")), Status::KeyRevoked);
    assert_eq!(status(kr.destroy("k", 3)), Status::InvalidState, "the primary cannot be destroyed");
    kr.destroy("k", 2).unwrap();
    assert_eq!(status(kr.decrypt(&e2, b"")), Status::KeyDestroyed);
    assert_eq!(&kr.decrypt(&e3, b"").unwrap()[..], b"three");
    // Tombstone kept, material gone, list never shows material.
    let info = kr.describe("k").unwrap();
    assert_eq!(info.versions[1].state, KeyState::Destroyed);
    assert_eq!(status(kr.revoke("k", 2)), Status::KeyDestroyed);
    // Expiry retires.
    kr.set_expiry("k", 3, Some(clock.now() + DAY)).unwrap();
    clock.advance(2 * DAY);
    assert_eq!(status(kr.decrypt(&e3, b"")), Status::KeyRetired);
    // Errors for unknown names, versions, families.
    assert_eq!(status(kr.encrypt("nope", b"", b"")), Status::UnknownKey);
    assert_eq!(status(kr.revoke("k", 99)), Status::UnknownKey);
    assert_eq!(status(kr.generate("k", Alg::Aes128Gcm, None)), Status::KeyExists);
    assert_eq!(status(kr.generate("bad name", Alg::Aes128Gcm, None)), Status::InvalidParameter);
    assert_eq!(status(kr.generate("h", Alg::Sha256, None)), Status::WrongAlgorithmFamily);
    assert_eq!(status(kr.generate("p", Alg::Poly1305, None)), Status::InvalidParameter);
    kr.generate("sig", Alg::Ed25519, None).unwrap();
    assert_eq!(status(kr.encrypt("sig", b"x", b"")), Status::WrongAlgorithmFamily);
}

#[cfg(feature = "testing")]
#[test]
fn destroy_wipes_the_secure_buffer() {
    static SEEN: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
    fn hook(b: &[u8]) {
        SEEN.lock().unwrap().push(b.to_vec());
    }
    xpscrypto_core::keyring::set_destroy_hook_for_testing(Some(hook));
    let kr = Keyring::in_memory();
    kr.import("imp", Alg::Aes256Gcm, &[0xAB; 32], false, false, None).unwrap();
    kr.rotate("imp", None).unwrap();
    kr.destroy("imp", 1).unwrap();
    xpscrypto_core::keyring::set_destroy_hook_for_testing(None);
    let seen = SEEN.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].len(), 32);
    assert!(seen[0].iter().all(|&b| b == 0), "material must be zero after destroy");
}

#[test]
fn envelopes_are_bound_and_checked() {
    let kr = Keyring::in_memory();
    kr.generate("e", Alg::Aes128Gcm, None).unwrap();
    let env = kr.encrypt("e", b"attack at dawn", b"aad").unwrap();
    assert_eq!(status(kr.decrypt(&env, b"other")), Status::AuthenticationFailed);
    // Every single-byte change is refused (header bound as AAD; no panic).
    for i in 0..env.len() {
        for bit in [0x01u8, 0x80] {
            let mut t = env.clone();
            t[i] ^= bit;
            assert!(kr.decrypt(&t, b"aad").is_err(), "byte {i} bit {bit:#x} accepted");
        }
    }
    for n in 0..env.len() {
        assert!(kr.decrypt(&env[..n], b"aad").is_err());
    }
    let mut future = env.clone();
    future[4] = 9;
    assert_eq!(status(kr.decrypt(&future, b"aad")), Status::UnsupportedFormat);
    assert_eq!(status(kr.decrypt(b"not an envelope", b"")), Status::MalformedEnvelope);
    // Rewrap under the new primary, plaintext unchanged.
    kr.rotate("e", None).unwrap();
    let re = kr.rewrap(&env, b"aad").unwrap();
    assert_eq!(xpscrypto_core::keyring::envelope::parse(&re).unwrap().version, 2);
    assert_eq!(&kr.decrypt(&re, b"aad").unwrap()[..], b"attack at dawn");
    let many = kr.rewrap_many(&[&env, &re, b"junk"], b"aad");
    assert!(many[0].is_ok() && many[1].is_ok() && many[2].is_err());
    // seal/open with the policy's default AEAD, created on first use.
    let s = kr.seal("auto", b"hi", b"").unwrap();
    assert_eq!(xpscrypto_core::keyring::envelope::parse(&s).unwrap().alg, Keyring::default_aead());
    assert_eq!(&kr.open_sealed(&s, b"").unwrap()[..], b"hi");
}

#[test]
fn signatures_macs_kems_and_public_keys() {
    let kr = Keyring::in_memory();
    for alg in [Alg::Ed25519, Alg::MlDsa65, Alg::Ed25519MlDsa65] {
        let name = format!("sig-{}", alg.name().replace('+', "-"));
        kr.generate(&name, alg, None).unwrap();
        let s1 = kr.sign(&name, b"msg").unwrap();
        kr.rotate(&name, None).unwrap();
        let s2 = kr.sign(&name, b"msg").unwrap();
        kr.verify(&s1, b"msg").unwrap();
        kr.verify(&s2, b"msg").unwrap();
        assert!(kr.verify(&s1, b"other").is_err());
        let (v, a, pk) = kr.public_key(&name, Some(1)).unwrap();
        assert_eq!((v, a), (1, alg));
        let sig = xpscrypto_core::keyring::envelope::parse(&s1).unwrap().body.to_vec();
        xpscrypto_core::sign::verify(alg, &pk, b"msg", &sig).unwrap();
        kr.revoke(&name, 1).unwrap();
        assert_eq!(status(kr.verify(&s1, b"msg")), Status::KeyRevoked);
    }
    kr.generate("mac", Alg::HmacSha256, None).unwrap();
    let (v, tag) = kr.mac("mac", b"data").unwrap();
    kr.verify_mac("mac", v, b"data", &tag).unwrap();
    assert!(kr.verify_mac("mac", v, b"datA", &tag).is_err());
    kr.generate("kem", Alg::MlKem768, None).unwrap();
    let (_, _, pk) = kr.public_key("kem", None).unwrap();
    let (ct, ss) = xpscrypto_core::kem::encapsulate(Alg::MlKem768, &pk, None).unwrap();
    assert_eq!(kr.decapsulate("kem", None, &ct).unwrap()[..], ss[..]);
    assert_eq!(status(kr.public_key("mac", None)), Status::WrongAlgorithmFamily);
    let seed = [3u8; 64];
    kr.import("kem2", Alg::MlKem768, &seed, true, false, None).unwrap();
    assert_eq!(kr.public_key("kem2", None).unwrap().2, xpscrypto_core::kem::keypair(Alg::MlKem768, Some(&seed)).unwrap().0);
}

#[test]
fn max_uses_rotates_before_the_limit() {
    let kr = Keyring::in_memory();
    kr.generate("g", Alg::Aes256Gcm, Some(RotationPolicy { max_age: None, max_uses: Some(100), overlap: DAY })).unwrap();
    let mut versions = std::collections::BTreeMap::new();
    for _ in 0..250 {
        let e = kr.encrypt("g", b"x", b"").unwrap();
        *versions.entry(xpscrypto_core::keyring::envelope::parse(&e).unwrap().version).or_insert(0) += 1;
    }
    // No version ever served more than max_uses encryptions.
    assert_eq!(versions.values().copied().collect::<Vec<_>>(), vec![100, 100, 50]);
    assert_eq!(RotationPolicy::default_for(Alg::Aes256Gcm).max_uses, Some(1 << 32));
    assert_eq!(RotationPolicy::default_for(Alg::XChaCha20Poly1305).max_uses, None);
    // tick rotates at 15/16 of max_uses.
    let kr = Keyring::in_memory();
    kr.generate("t", Alg::Aes256Gcm, Some(RotationPolicy { max_age: None, max_uses: Some(16), overlap: DAY })).unwrap();
    for _ in 0..12 {
        kr.encrypt("t", b"x", b"").unwrap();
    }
    let ev = kr.tick().unwrap();
    assert!(ev.iter().any(|e| e.kind == EventKind::Planned), "3/4 of max_uses announces the rotation");
    assert_eq!(kr.describe("t").unwrap().primary, Some(1));
    assert_eq!(kr.describe("t").unwrap().versions[0].uses, 12);
    for _ in 0..3 {
        kr.encrypt("t", b"x", b"").unwrap();
    }
    kr.tick().unwrap();
    assert_eq!(kr.describe("t").unwrap().primary, Some(2), "15/16 of max_uses rotates");
}

#[test]
fn persistence_and_hostile_files() {
    let d = dir();
    let path = d.join("ring.xpk");
    let _ = std::fs::remove_file(&path);
    let (_, opts) = clocked(T0);
    let kr = Keyring::create(&path, &Kek::Raw(&KEK), &opts).unwrap();
    assert_eq!(status(Keyring::create(&path, &Kek::Raw(&KEK), &opts)), Status::KeyExists);
    kr.generate("app", Alg::Aes256Gcm, None).unwrap();
    let e1 = kr.encrypt("app", b"persisted", b"").unwrap();
    kr.rotate("app", None).unwrap();
    kr.generate("sig", Alg::Ed25519, None).unwrap();
    let s1 = kr.sign("sig", b"m").unwrap();
    drop(kr);
    let kr = Keyring::open(&path, &Kek::Raw(&KEK), &opts).unwrap();
    assert_eq!(&kr.decrypt(&e1, b"").unwrap()[..], b"persisted");
    kr.verify(&s1, b"m").unwrap();
    assert_eq!(kr.describe("app").unwrap().primary, Some(2));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    // Wrong key, wrong kind of key.
    assert_eq!(status(Keyring::open(&path, &Kek::Raw(&[8; 32]), &opts)), Status::AuthenticationFailed);
    assert_eq!(status(Keyring::open(&path, &Kek::Raw(&[8; 31]), &opts)), Status::BadKeyLength);
    assert_eq!(status(Keyring::open(&path, &Kek::passphrase(b"pw"), &opts)), Status::InvalidParameter);
    // Every byte flipped: an error, never a panic, never a silently different keyring.
    let bytes = std::fs::read(&path).unwrap();
    let bad = d.join("bad.xpk");
    for i in 0..bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 0x01;
        std::fs::write(&bad, &b).unwrap();
        let st = status(Keyring::open(&bad, &Kek::Raw(&KEK), &opts));
        assert!(
            matches!(st, Status::AuthenticationFailed | Status::MalformedKeyring | Status::UnsupportedFormat | Status::InvalidParameter),
            "byte {i}: {st:?}"
        );
    }
    for n in [0, 3, 50, 91, 92, 100, bytes.len() - 1] {
        std::fs::write(&bad, &bytes[..n]).unwrap();
        assert_eq!(status(Keyring::open(&bad, &Kek::Raw(&KEK), &opts)), Status::MalformedKeyring, "truncated to {n}");
    }
    let mut future = bytes.clone();
    future[4] = 2;
    std::fs::write(&bad, &future).unwrap();
    assert_eq!(status(Keyring::open(&bad, &Kek::Raw(&KEK), &opts)), Status::UnsupportedFormat);
    std::fs::write(&bad, b"PK\x03\x04 this is a zip file, not a keyring .................................................").unwrap();
    assert_eq!(status(Keyring::open(&bad, &Kek::Raw(&KEK), &opts)), Status::MalformedKeyring);
    assert_eq!(status(Keyring::open(&d.join("missing.xpk"), &Kek::Raw(&KEK), &opts)), Status::KeyringIo);
    // Passphrase keyrings (small Argon2id parameters for the test; the file stores them).
    let pp = d.join("pp.xpk");
    let _ = std::fs::remove_file(&pp);
    let small = Argon2idParams { t_cost: 1, m_cost_kib: 64, parallelism: 1 };
    let k2 = Keyring::create(&pp, &Kek::Passphrase { passphrase: b"correct horse", params: small }, &opts).unwrap();
    k2.generate("x", Alg::Aes128Gcm, None).unwrap();
    drop(k2);
    assert_eq!(status(Keyring::open(&pp, &Kek::passphrase(b"wrong horse"), &opts)), Status::AuthenticationFailed);
    let k2 = Keyring::open(&pp, &Kek::passphrase(b"correct horse"), &opts).unwrap();
    assert_eq!(k2.list().len(), 1);
}

#[test]
fn save_as_copies_and_envelope_len_predicts() {
    let d = dir();
    let (_, opts) = clocked(T0);
    let kr = Keyring::in_memory_with(&opts);
    kr.generate("m", Alg::Aes256Gcm, None).unwrap();
    kr.generate("x", Alg::XChaCha20Poly1305, None).unwrap();
    kr.generate("s", Alg::Ed25519, None).unwrap();
    for (name, n) in [("m", 0usize), ("m", 1000), ("x", 5)] {
        let want = kr.envelope_len(name, n).unwrap();
        assert_eq!(kr.encrypt(name, &vec![1u8; n], b"").unwrap().len(), want);
    }
    assert_eq!(status(kr.envelope_len("s", 1)), Status::WrongAlgorithmFamily);
    assert_eq!(status(kr.envelope_len("nope", 1)), Status::UnknownKey);
    let e = kr.encrypt("m", b"moved to disk", b"ad").unwrap();
    let path = d.join("saved.xpk");
    let _ = std::fs::remove_file(&path);
    kr.save_as(&path, &Kek::Raw(&KEK)).unwrap();
    assert_eq!(status(kr.save_as(&path, &Kek::Raw(&KEK))), Status::KeyExists, "never overwrites");
    let disk = Keyring::open(&path, &Kek::Raw(&KEK), &opts).unwrap();
    assert_eq!(&disk.decrypt(&e, b"ad").unwrap()[..], b"moved to disk");
    // The copy records the uses made (3), not the in-memory lease (which is unbounded).
    let m = disk.describe("m").unwrap();
    assert_eq!(m.versions[0].uses, 3);
    disk.encrypt("m", b"still usable", b"").unwrap();
    assert_eq!(disk.list().len(), 3);
    assert!(kr.path().is_none(), "the original stays in memory");
}

/// Child mode: rotate `key` in `$XPS_KR_CHILD` forever (or `$XPS_KR_COUNT` times), printing
/// "done <version>" after each rotation returns (it is durable then).
#[test]
fn child_rotator() {
    let Ok(path) = std::env::var("XPS_KR_CHILD") else { return };
    let key = std::env::var("XPS_KR_KEY").unwrap_or_else(|_| "k".into());
    let count: usize = std::env::var("XPS_KR_COUNT").ok().and_then(|v| v.parse().ok()).unwrap_or(usize::MAX);
    let kr = Keyring::open(Path::new(&path), &Kek::Raw(&KEK), &Options::default()).unwrap();
    for i in 0..count {
        let v = kr.rotate(&key, None).unwrap();
        if let Ok(extra) = std::env::var("XPS_KR_EXTRA") {
            kr.generate(&format!("{extra}-{i}"), Alg::Aes128Gcm, None).unwrap();
        }
        println!("done {v}");
        use std::io::Write;
        std::io::stdout().flush().unwrap();
    }
}

fn spawn_child(path: &Path, env: &[(&str, String)]) -> std::process::Child {
    let mut c = std::process::Command::new(std::env::current_exe().unwrap());
    c.args(["--exact", "child_rotator", "--nocapture", "--test-threads=1"]).env("XPS_KR_CHILD", path).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c.spawn().unwrap()
}

#[test]
fn sigkill_never_loses_a_reported_rotation() {
    let d = dir();
    let path = d.join("crash.xpk");
    let _ = std::fs::remove_file(&path);
    let kr = Keyring::create(&path, &Kek::Raw(&KEK), &Options::default()).unwrap();
    kr.generate("k", Alg::Aes256Gcm, None).unwrap();
    drop(kr);
    let rounds: usize = std::env::var("XPS_KR_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let mut seed = 0x9E37_79B9u32;
    let mut reported_max = 1u32;
    for round in 0..rounds {
        let mut child = spawn_child(&path, &[]);
        let out = child.stdout.take().unwrap();
        // Kill after a random number of reported rotations (0–5), or at a random instant.
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let wait_lines = seed % 6;
        // A rotation counts as reported only when its whole line arrived.
        let mut r = BufReader::new(out);
        let take = |r: &mut BufReader<std::process::ChildStdout>| -> Option<u32> {
            let mut line = Vec::new();
            loop {
                line.clear();
                if r.read_until(b'\n', &mut line).ok()? == 0 || line.last() != Some(&b'\n') {
                    return None;
                }
                if let Some(v) = std::str::from_utf8(&line).ok()?.trim_end().strip_prefix("done ").and_then(|v| v.parse().ok()) {
                    return Some(v);
                }
            }
        };
        for _ in 0..wait_lines {
            match take(&mut r) {
                Some(v) => reported_max = reported_max.max(v),
                None => break,
            }
        }
        std::thread::sleep(std::time::Duration::from_micros(u64::from(seed % 3000)));
        // SAFETY: sending SIGKILL to our own child process id.
        unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        let _ = child.wait();
        // Anything printed in full before the kill counts as reported.
        while let Some(v) = take(&mut r) {
            reported_max = reported_max.max(v);
        }
        let kr = Keyring::open(&path, &Kek::Raw(&KEK), &Options::default()).unwrap_or_else(|e| panic!("round {round}: keyring unreadable: {e}"));
        let primary = kr.describe("k").unwrap().primary.unwrap();
        assert!(primary >= reported_max, "round {round}: reported rotation to v{reported_max} lost (primary v{primary})");
    }
    // No temporary files left visible as keyrings; the lock file is the only companion.
    assert!(reported_max > 1, "children never reported a rotation");
}

#[test]
fn concurrent_writers_lose_no_update() {
    let d = dir();
    let path = d.join("shared.xpk");
    let _ = std::fs::remove_file(&path);
    let kr = Keyring::create(&path, &Kek::Raw(&KEK), &Options::default()).unwrap();
    kr.generate("k", Alg::Aes256Gcm, None).unwrap();
    let n = 20;
    let children: Vec<_> = ["a", "b"]
        .iter()
        .map(|tag| spawn_child(&path, &[("XPS_KR_COUNT", n.to_string()), ("XPS_KR_EXTRA", tag.to_string())]))
        .collect();
    // Meanwhile this process rotates too.
    for _ in 0..n {
        kr.rotate("k", None).unwrap();
    }
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let kr = Keyring::open(&path, &Kek::Raw(&KEK), &Options::default()).unwrap();
    let info = kr.describe("k").unwrap();
    assert_eq!(info.versions.len(), 1 + 3 * n, "every rotation of every process is in the file");
    assert_eq!(kr.list().len(), 1 + 2 * n);
    // An in-process reader sees other processes' changes (decrypt of an unknown version reloads).
    let other = Keyring::open(&path, &Kek::Raw(&KEK), &Options::default()).unwrap();
    kr.rotate("k", None).unwrap();
    let e = kr.encrypt("k", b"fresh", b"").unwrap();
    assert_eq!(&other.decrypt(&e, b"").unwrap()[..], b"fresh");
}

#[test]
fn audit_log_and_rotation_service() {
    let d = dir();
    let log = d.join("keyring-audit.jsonl");
    let _ = std::fs::remove_file(&log);
    let (clock, opts) = clocked(T0);
    let kr = Keyring::in_memory_with(&opts);
    kr.set_audit_log(Some(log.clone()));
    kr.generate("svc", Alg::Aes256Gcm, Some(RotationPolicy { max_age: Some(DAY), max_uses: None, overlap: 0 })).unwrap();
    kr.start_auto_rotation(std::time::Duration::from_millis(5));
    assert!(kr.auto_rotation_running());
    clock.advance(2 * DAY);
    let t = std::time::Instant::now();
    while kr.describe("svc").unwrap().primary != Some(2) {
        assert!(t.elapsed() < std::time::Duration::from_secs(10), "the rotation service did not rotate");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    kr.stop_auto_rotation();
    assert!(!kr.auto_rotation_running());
    let ev = kr.drain_events();
    assert!(ev.iter().any(|e| e.kind == EventKind::Rotated && e.actor == "auto-rotation"));
    assert!(ev.iter().any(|e| e.kind == EventKind::Retired && e.old_version == Some(1)), "overlap 0 retires at once");
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&log).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines[0]["action"], "generated");
    assert!(lines.iter().any(|l| l["action"] == "rotated" && l["actor"] == "auto-rotation" && l["old_version"] == 1 && l["new_version"] == 2));
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains("material") || !text.contains("\"key_material\""));
}

/// Writes the seed corpora of the envelope and keyring-file fuzz targets when
/// `XPS_WRITE_FUZZ_SEEDS` names the fuzz/corpus directory (run once by hand; the files are
/// committed and replayed by `fuzz_corpus.rs`).
#[test]
fn write_fuzz_seeds() {
    let Ok(dir) = std::env::var("XPS_WRITE_FUZZ_SEEDS") else { return };
    let dir = Path::new(&dir);
    let kr = Keyring::in_memory();
    kr.generate("seed-aead", Alg::Aes256Gcm, None).unwrap();
    kr.generate("seed-x", Alg::XChaCha20Poly1305, None).unwrap();
    kr.generate("seed-sig", Alg::Ed25519, None).unwrap();
    let w = |sub: &str, name: &str, b: &[u8]| std::fs::write(dir.join(sub).join(name), b).unwrap();
    w("envelope", "aes-gcm.bin", &kr.encrypt("seed-aead", b"hello", b"").unwrap());
    w("envelope", "xchacha-empty.bin", &kr.encrypt("seed-x", b"", b"").unwrap());
    w("envelope", "signature.bin", &kr.sign("seed-sig", b"m").unwrap());
    w("envelope", "truncated.bin", &kr.encrypt("seed-aead", b"hello", b"").unwrap()[..20]);
    w("envelope", "magic-only.bin", b"XPSE");
    let d = dir.join("keyring_file");
    let path = std::env::temp_dir().join(format!("xps-seed-{}.xpk", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let f = Keyring::create(&path, &Kek::Raw(&KEK), &Options::default()).unwrap();
    f.generate("a", Alg::Aes128Gcm, None).unwrap();
    f.generate("b", Alg::Ed25519, None).unwrap();
    std::fs::write(d.join("file-two-keys.xpk"), std::fs::read(&path).unwrap()).unwrap();
    std::fs::write(d.join("header-only.xpk"), &std::fs::read(&path).unwrap()[..92]).unwrap();
    std::fs::write(d.join("empty.bin"), b"").unwrap();
    // Plain bodies (what the decoder sees after authentication), built by the library's encoder.
    let keys = xpscrypto_core::keyring::model::decode(&xpscrypto_core::keyring::model::encode(&[])).unwrap();
    std::fs::write(d.join("body-empty.bin"), &xpscrypto_core::keyring::model::encode(&keys)[..]).unwrap();
    std::fs::write(d.join("body-magic.bin"), b"XKB1\x00\x00\x00\x01\x00\x00\x00\x01k").unwrap();
    let _ = std::fs::remove_file(&path);
}

/// `XPS_WRITE_INTEROP` names tests/interop/keyring: writes the shared keyring file (raw KEK
/// 00 01 … 1f) and the Rust entries of envelopes.json (run once by hand; committed). Every
/// language's suite decrypts and verifies every entry, whichever language wrote it.
#[test]
fn write_interop_fixture() {
    let Ok(dir) = std::env::var("XPS_WRITE_INTEROP") else { return };
    let dir = Path::new(&dir);
    let kek: Vec<u8> = (0u8..32).collect();
    let path = dir.join("interop.xpk");
    let _ = std::fs::remove_file(&path);
    let kr = Keyring::create(&path, &Kek::Raw(&kek), &Options::default()).unwrap();
    // No expiry, no automatic rotation, old versions decrypt-only for a century: the fixture
    // keeps working whatever the date.
    let forever = RotationPolicy { max_age: None, max_uses: None, overlap: 36_500 * DAY };
    kr.generate("interop-aes", Alg::Aes256Gcm, Some(forever)).unwrap();
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let mut entries = Vec::new();
    let mut aead = |kr: &Keyring, key: &str, pt: &[u8], aad: &[u8]| {
        let env = kr.encrypt(key, pt, aad).unwrap();
        entries.push(serde_json::json!({"from": "rust", "kind": "aead", "key": key, "plaintext_hex": hex(pt), "aad_hex": hex(aad), "envelope_hex": hex(&env)}));
    };
    aead(&kr, "interop-aes", b"rust says hello (version 1)", b"interop/rust");
    kr.rotate("interop-aes", None).unwrap();
    kr.generate("interop-xchacha", Alg::XChaCha20Poly1305, Some(forever)).unwrap();
    kr.generate("interop-sign", Alg::Ed25519, Some(forever)).unwrap();
    kr.generate("interop-mac", Alg::HmacSha256, Some(forever)).unwrap();
    aead(&kr, "interop-aes", b"rust says hello (version 2)", b"interop/rust");
    aead(&kr, "interop-xchacha", b"", b"");
    let msg = b"signed by rust";
    let sig = kr.sign("interop-sign", msg).unwrap();
    entries.push(serde_json::json!({"from": "rust", "kind": "signature", "key": "interop-sign", "message_hex": hex(msg), "envelope_hex": hex(&sig)}));
    let doc = serde_json::json!({
        "about": "Cross-language keyring fixture: interop.xpk (raw KEK kek_hex) and envelopes written by each language's generator; every suite decrypts/verifies all of them.",
        "kek_hex": hex(&kek),
        "entries": entries,
    });
    std::fs::write(dir.join("envelopes.json"), serde_json::to_string_pretty(&doc).unwrap() + "\n").unwrap();
    let _ = std::fs::remove_file(dir.join("interop.xpk.lock"));
}

/// The committed fixture: every entry decrypts / verifies in Rust, whoever wrote it.
#[test]
fn interop_fixture_entries_open_in_rust() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/interop/keyring");
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(root.join("envelopes.json")).unwrap()).unwrap();
    let unhex = |s: &str| (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect::<Vec<u8>>();
    let d = dir();
    let copy = d.join("interop-copy.xpk");
    std::fs::copy(root.join("interop.xpk"), &copy).unwrap();
    let kr = Keyring::open(&copy, &Kek::Raw(&unhex(doc["kek_hex"].as_str().unwrap())), &Options::default()).unwrap();
    let mut from = std::collections::BTreeSet::new();
    for e in doc["entries"].as_array().unwrap() {
        from.insert(e["from"].as_str().unwrap().to_string());
        let env = unhex(e["envelope_hex"].as_str().unwrap());
        match e["kind"].as_str().unwrap() {
            "aead" => {
                let aad = unhex(e["aad_hex"].as_str().unwrap());
                assert_eq!(&kr.decrypt(&env, &aad).unwrap()[..], &unhex(e["plaintext_hex"].as_str().unwrap())[..], "{e}");
                assert_eq!(status(kr.decrypt(&env, b"other aad")), Status::AuthenticationFailed);
            }
            "signature" => {
                let msg = unhex(e["message_hex"].as_str().unwrap());
                kr.verify(&env, &msg).unwrap();
                assert!(kr.verify(&env, b"another message").is_err());
            }
            k => panic!("unknown kind {k}"),
        }
    }
    assert!(from.contains("rust"), "{from:?}");
}

#[test]
fn unusable_policies_and_argon2_parameters_are_refused_up_front() {
    let kr = Keyring::in_memory();
    for p in [RotationPolicy { max_age: None, max_uses: Some(0), overlap: DAY }, RotationPolicy { max_age: Some(0), max_uses: None, overlap: DAY }] {
        assert_eq!(status(kr.generate("k", Alg::Aes256Gcm, Some(p))), Status::InvalidParameter);
        assert_eq!(status(kr.import("k", Alg::Aes256Gcm, &[1; 32], false, true, Some(p))), Status::InvalidParameter);
    }
    kr.generate("k", Alg::Aes256Gcm, None).unwrap();
    assert_eq!(status(kr.set_policy("k", RotationPolicy { max_age: None, max_uses: Some(0), overlap: 0 })), Status::InvalidParameter);
    // A file whose parameters could not be read back is never written.
    let path = dir().join("bad-params.xpk");
    let _ = std::fs::remove_file(&path);
    for params in [Argon2idParams { t_cost: 65, m_cost_kib: 64, parallelism: 1 }, Argon2idParams { t_cost: 1, m_cost_kib: 64, parallelism: 65 }, Argon2idParams { t_cost: 0, m_cost_kib: 64, parallelism: 1 }] {
        assert_eq!(status(Keyring::create(&path, &Kek::Passphrase { passphrase: b"pw", params }, &Options::default())), Status::InvalidParameter);
        assert_eq!(status(kr.save_as(&path, &Kek::Passphrase { passphrase: b"pw", params })), Status::InvalidParameter);
        assert!(!path.exists());
    }
}

#[test]
fn closing_a_file_keyring_returns_its_unused_lease() {
    let path = dir().join("lease-return.xpk");
    let _ = std::fs::remove_file(&path);
    let kr = Keyring::create(&path, &Kek::Raw(&KEK), &Options::default()).unwrap();
    kr.generate("k", Alg::Aes256Gcm, None).unwrap();
    for _ in 0..3 {
        kr.encrypt("k", b"x", b"").unwrap();
    }
    // A second process-like handle leases after the first: the first cannot give its block back.
    let other = Keyring::open(&path, &Kek::Raw(&KEK), &Options::default()).unwrap();
    assert_eq!(other.describe("k").unwrap().versions[0].uses, xpscrypto_core::keyring::LEASE_BLOCK, "an open lease counts as used elsewhere");
    drop(kr);
    let reopened = Keyring::open(&path, &Kek::Raw(&KEK), &Options::default()).unwrap();
    assert_eq!(reopened.describe("k").unwrap().versions[0].uses, 3, "closing returned the unused lease");
    other.encrypt("k", b"y", b"").unwrap();
    reopened.encrypt("k", b"z", b"").unwrap();
    drop(other);
    drop(reopened);
    // `other` leased 3..3+B, `reopened` leased after it: only the newest lease can be returned,
    // the older one stays counted (an upper bound, never an undercount).
    let last = Keyring::open(&path, &Kek::Raw(&KEK), &Options::default()).unwrap();
    assert_eq!(last.describe("k").unwrap().versions[0].uses, 3 + xpscrypto_core::keyring::LEASE_BLOCK + 1);
}

#[test]
fn unsubscribe_inside_a_callback_stops_the_rest_of_the_batch() {
    let kr = Keyring::in_memory();
    kr.generate("k", Alg::Aes256Gcm, Some(RotationPolicy { max_age: None, max_uses: None, overlap: 0 })).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (s2, kr2) = (seen.clone(), kr.clone());
    let id = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let id2 = id.clone();
    let sub = kr.subscribe(move |e| {
        s2.lock().unwrap().push(e.kind);
        // Unsubscribing itself from inside its own call must not wait for itself.
        assert!(kr2.unsubscribe(id2.load(std::sync::atomic::Ordering::SeqCst)));
    });
    id.store(sub, std::sync::atomic::Ordering::SeqCst);
    // Overlap 0: one rotation reports "rotated" and "retired" in one batch.
    kr.rotate("k", None).unwrap();
    assert_eq!(*seen.lock().unwrap(), vec![EventKind::Rotated], "no call after unsubscribe, even within the batch");
    assert!(!kr.unsubscribe(sub));
}

#[test]
fn concurrent_starts_leave_one_rotation_thread_and_stop_ends_it() {
    fn rotation_threads() -> usize {
        std::fs::read_dir("/proc/self/task")
            .map(|d| d.filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok()).filter(|c| c.trim() == "xps-keyring-rot").count())
            .unwrap_or(0)
    }
    let kr = Keyring::in_memory();
    let before = rotation_threads();
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| kr.start_auto_rotation(std::time::Duration::from_millis(1)));
        }
    });
    assert!(kr.auto_rotation_running());
    kr.stop_auto_rotation();
    if cfg!(target_os = "linux") {
        // Thread names are cut to 15 bytes by the kernel ("xps-keyring-rot").
        assert_eq!(rotation_threads(), before, "no rotation thread outlives stop");
    }
}

#[test]
fn create_never_replaces_a_symlink_and_the_manual_clock_saturates() {
    let d = dir();
    let target = d.join("victim.txt");
    std::fs::write(&target, b"not a keyring").unwrap();
    let link = d.join("link.xpk");
    let _ = std::fs::remove_file(&link);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert_eq!(status(Keyring::create(&link, &Kek::Raw(&KEK), &Options::default())), Status::KeyExists);
        let dangling = d.join("dangling.xpk");
        let _ = std::fs::remove_file(&dangling);
        std::os::unix::fs::symlink(d.join("nowhere"), &dangling).unwrap();
        assert_eq!(status(Keyring::create(&dangling, &Kek::Raw(&KEK), &Options::default())), Status::KeyExists);
        assert!(!d.join("nowhere").exists(), "nothing written through the dangling link");
        assert_eq!(std::fs::read(&target).unwrap(), b"not a keyring");
    }
    let c = ManualClock::new(u64::MAX - 1);
    assert_eq!(c.advance(10), u64::MAX);
    assert_eq!(c.now(), u64::MAX);
}
