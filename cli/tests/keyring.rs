//! Runs the built `xps` binary through keyring sessions: raw-key and passphrase keyrings, keys,
//! envelopes of files, rotation, rewrap (one file and in place, in bulk), list/describe (text and
//! JSON), lifecycle refusals with their statuses and exit codes, hostile keyring files, and the
//! key-encryption-key options (never a passphrase on the command line).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use xpscrypto_core::keyring::envelope;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `xps ARGS` in `dir` with extra environment variables (stdin is not a terminal: closed).
fn xps_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut c = Command::new(env!("CARGO_BIN_EXE_xps"));
    c.args(args).current_dir(dir).env_remove("XPS_PATCH_AUDIT_LOG").env_remove("XPS_TEST_PASSPHRASE");
    for (k, v) in env {
        c.env(k, v);
    }
    let out: Output = c.output().expect("run xps");
    Run {
        code: out.status.code().expect("exit code (not a signal)"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn xps(dir: &Path, args: &[&str]) -> Run {
    xps_env(dir, args, &[])
}

#[track_caller]
fn ok(dir: &Path, args: &[&str]) -> String {
    let r = xps(dir, args);
    assert_eq!(r.code, 0, "xps {args:?} failed:\nstdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    r.stdout
}

/// Runs and expects exit code `code` with `want` in stderr; returns stderr.
#[track_caller]
fn fails(dir: &Path, args: &[&str], code: i32, want: &str) -> String {
    let r = xps(dir, args);
    assert_eq!(r.code, code, "xps {args:?}: expected exit {code}:\nstdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains(want), "xps {args:?}: stderr lacks {want:?}:\n{}", r.stderr);
    r.stderr
}

/// `base` + `more`.
fn with<'a>(base: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
    base.iter().chain(more).copied().collect()
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("xps-keyring-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// (key, version) an envelope file names.
fn envelope_of(p: &Path) -> (String, u32) {
    let b = std::fs::read(p).unwrap();
    let e = envelope::parse(&b).expect("an envelope");
    (e.key.to_string(), e.version)
}

const KEK: [&str; 2] = ["--raw-key-file", "kek.hex"];

/// A raw-key keyring `kr` in `dir` (the key as 64 hex digits and a newline, mode 0600).
fn raw_keyring(dir: &Path) {
    std::fs::write(dir.join("kek.hex"), "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n").unwrap();
    std::fs::set_permissions(dir.join("kek.hex"), std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = ok(dir, &with(&["keyring", "create", "kr"], &KEK));
    assert!(out.contains("created keyring kr") && out.contains("raw 32-byte key"), "{out}");
}

#[test]
fn full_session_with_a_raw_key_file() {
    let d = scratch("session");
    raw_keyring(&d);
    assert_eq!(mode(&d.join("kr")), 0o600);
    let before = std::fs::read(d.join("kr")).unwrap();
    let again = fails(&d, &with(&["keyring", "create", "kr"], &KEK), 3, "already exists");
    assert!(again.contains("kr"), "{again}");
    assert_eq!(std::fs::read(d.join("kr")).unwrap(), before, "a refused create leaves the file alone");

    let out = ok(&d, &with(&["keyring", "generate", "kr", "app", "aes-256-gcm", "--max-age", "90d", "--overlap", "30d"], &KEK));
    assert!(out.contains("generated app version 1 (aes-256-gcm)") && out.contains("max age 90d") && out.contains("overlap 30d"), "{out}");
    ok(&d, &with(&["keyring", "generate", "kr", "sig", "ed25519", "--max-uses", "1000", "--overlap", "12h"], &KEK));
    fails(&d, &with(&["keyring", "generate", "kr", "app", "aes-256-gcm"], &KEK), 1, "XPS_E_KEY_EXISTS");

    // Encrypt a file, rotate, the old envelope still decrypts.
    let plaintext = b"attack at dawn\n".repeat(100);
    std::fs::write(d.join("plain.txt"), &plaintext).unwrap();
    let aad = ["--aad-hex", "c0ffee"];
    let out = ok(&d, &with(&with(&["keyring", "encrypt", "kr", "app", "--in", "plain.txt", "--out", "v1.env"], &aad), &KEK));
    assert!(out.contains("key app version 1"), "{out}");
    assert_eq!(envelope_of(&d.join("v1.env")), ("app".into(), 1));
    let out = ok(&d, &with(&["keyring", "rotate", "kr", "app"], &KEK));
    assert!(out.contains("rotated app: version 2 (aes-256-gcm) is primary"), "{out}");
    assert!(out.contains("version 1 is decrypt-only until"), "{out}");
    ok(&d, &with(&with(&["keyring", "decrypt", "kr", "--in", "v1.env", "--out", "back.txt"], &aad), &KEK));
    assert_eq!(std::fs::read(d.join("back.txt")).unwrap(), plaintext);
    assert_eq!(mode(&d.join("back.txt")), 0o600, "plaintext is written mode 0600");

    // Wrong AAD: refused, no output file.
    fails(&d, &with(&["keyring", "decrypt", "kr", "--in", "v1.env", "--out", "bad.txt", "--aad-hex", "c0ffef"], &KEK), 1, "XPS_E_AUTHENTICATION_FAILED");
    assert!(!d.join("bad.txt").exists(), "no output after a failed decryption");
    // An existing output is not replaced without --force.
    fails(&d, &with(&with(&["keyring", "decrypt", "kr", "--in", "v1.env", "--out", "back.txt"], &aad), &KEK), 3, "--force");
    ok(&d, &with(&with(&["keyring", "decrypt", "kr", "--in", "v1.env", "--out", "back.txt", "--force"], &aad), &KEK));

    // Rewrap one file: the new envelope names the new primary.
    let out = ok(&d, &with(&with(&["keyring", "rewrap", "kr", "--in", "v1.env", "--out", "v2.env"], &aad), &KEK));
    assert!(out.contains("-> version 2"), "{out}");
    assert_eq!(envelope_of(&d.join("v2.env")), ("app".into(), 2));
    ok(&d, &with(&with(&["keyring", "decrypt", "kr", "--in", "v2.env", "--out", "back2.txt"], &aad), &KEK));
    assert_eq!(std::fs::read(d.join("back2.txt")).unwrap(), plaintext);

    // Bulk rewrap in place (modes kept).
    for f in ["a.env", "b.env", "c.env"] {
        std::fs::copy(d.join("v1.env"), d.join(f)).unwrap();
    }
    std::fs::set_permissions(d.join("b.env"), std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = ok(&d, &with(&with(&["keyring", "rewrap", "kr", "--in-place", "a.env", "b.env", "c.env"], &aad), &KEK));
    assert!(out.contains("rewrapped 3 envelope file(s)"), "{out}");
    for f in ["a.env", "b.env", "c.env"] {
        assert_eq!(envelope_of(&d.join(f)), ("app".into(), 2), "{f}");
        assert!(out.contains(&format!("{f}: key app version 1 (aes-256-gcm) -> version 2")), "{out}");
    }
    assert_eq!(mode(&d.join("b.env")), 0o640);

    // Bulk with a corrupted and a missing file: those reported, the others rewritten, exit 1.
    std::fs::copy(d.join("v1.env"), d.join("good.env")).unwrap();
    let mut bad = std::fs::read(d.join("v1.env")).unwrap();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    std::fs::write(d.join("flipped.env"), &bad).unwrap();
    let r = xps(&d, &with(&with(&["keyring", "rewrap", "kr", "--in-place", "flipped.env", "good.env", "missing.env"], &aad), &KEK));
    assert_eq!(r.code, 1, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("rewrap flipped.env") && r.stderr.contains("XPS_E_AUTHENTICATION_FAILED"), "{}", r.stderr);
    assert!(r.stderr.contains("missing.env"), "{}", r.stderr);
    assert!(r.stderr.contains("2 of 3 envelope files failed"), "{}", r.stderr);
    assert_eq!(envelope_of(&d.join("good.env")), ("app".into(), 2));
    assert_eq!(std::fs::read(d.join("flipped.env")).unwrap(), bad, "a failed file is left as it was");
    assert!(!d.join("missing.env").exists());

    // list / describe, text and JSON; never material.
    let table = ok(&d, &with(&["keyring", "list", "kr"], &KEK));
    for want in ["app", "sig", "decrypt-only", "primary", "aes-256-gcm", "ed25519", "uses"] {
        assert!(table.contains(want), "list lacks {want:?}:\n{table}");
    }
    let keys: serde_json::Value = serde_json::from_str(&ok(&d, &with(&["keyring", "list", "kr", "--json"], &KEK))).expect("JSON");
    let keys = keys.as_array().unwrap();
    assert_eq!(keys.len(), 2);
    let app = keys.iter().find(|k| k["name"] == "app").unwrap();
    assert_eq!(app["primary"], 2);
    assert_eq!(app["policy"]["overlap"], 30 * 86400);
    assert_eq!(app["policy"]["max_uses"], 1u64 << 32, "the AES-GCM default is kept when only --max-age/--overlap are given");
    let states: Vec<(u64, &str, &str)> = app["versions"].as_array().unwrap().iter().map(|v| (v["version"].as_u64().unwrap(), v["state"].as_str().unwrap(), v["alg"].as_str().unwrap())).collect();
    assert_eq!(states, [(1, "decrypt-only", "aes-256-gcm"), (2, "primary", "aes-256-gcm")]);
    // Each run gave back the unused part of its lease: uses are exact (1 encryption under v1;
    // 1 + 3 + 1 rewraps under v2).
    let uses: Vec<u64> = app["versions"].as_array().unwrap().iter().map(|v| v["uses"].as_u64().unwrap()).collect();
    assert_eq!(uses, [1, 5]);
    let sig: serde_json::Value = serde_json::from_str(&ok(&d, &with(&["keyring", "describe", "kr", "sig", "--json"], &KEK))).expect("JSON");
    assert_eq!(sig["policy"]["max_uses"], 1000);
    assert_eq!(sig["policy"]["overlap"], 12 * 3600);
    let pk_hex = sig["versions"][0]["public_key"].as_str().unwrap().to_string();
    assert_eq!(pk_hex.len(), 64);
    let text = ok(&d, &with(&["keyring", "describe", "kr", "app"], &KEK));
    for want in ["key:                    app", "primary:                version 2", "max age 90d", "decrypts until", "min_decryption_version: 0"] {
        assert!(text.contains(want), "describe lacks {want:?}:\n{text}");
    }
    for out in [&table, &text] {
        assert!(!out.contains("00112233445566778899"), "the key-encryption key is never printed");
    }

    // Public keys: hex on stdout, raw or hex to a file; none for symmetric keys.
    assert_eq!(ok(&d, &with(&["keyring", "public-key", "kr", "sig"], &KEK)).trim(), pk_hex);
    ok(&d, &with(&["keyring", "public-key", "kr", "sig", "--version", "1", "--out", "sig.pub"], &KEK));
    let raw = std::fs::read(d.join("sig.pub")).unwrap();
    assert_eq!(raw.len(), 32);
    assert_eq!(raw.iter().map(|b| format!("{b:02x}")).collect::<String>(), pk_hex);
    ok(&d, &with(&["keyring", "public-key", "kr", "sig", "--out", "sig.pub.hex", "--hex"], &KEK));
    assert_eq!(std::fs::read_to_string(d.join("sig.pub.hex")).unwrap(), format!("{pk_hex}\n"));
    fails(&d, &with(&["keyring", "public-key", "kr", "sig", "--out", "sig.pub"], &KEK), 3, "already exists");
    fails(&d, &with(&["keyring", "public-key", "kr", "app"], &KEK), 1, "XPS_E_WRONG_ALGORITHM_FAMILY");

    // Revoke: decryption refused with the status, non-zero exit, no output.
    ok(&d, &with(&["keyring", "revoke", "kr", "app", "1"], &KEK));
    fails(&d, &with(&with(&["keyring", "decrypt", "kr", "--in", "v1.env", "--out", "revoked.txt"], &aad), &KEK), 1, "XPS_E_KEY_REVOKED");
    assert!(!d.join("revoked.txt").exists());
    fails(&d, &with(&with(&["keyring", "rewrap", "kr", "--in", "v1.env", "--out", "revoked.env"], &aad), &KEK), 1, "XPS_E_KEY_REVOKED");
    assert!(!d.join("revoked.env").exists());

    // Destroy (not the primary), min_decryption_version.
    fails(&d, &with(&["keyring", "destroy", "kr", "app", "2"], &KEK), 1, "XPS_E_INVALID_STATE");
    ok(&d, &with(&["keyring", "destroy", "kr", "app", "1"], &KEK));
    fails(&d, &with(&with(&["keyring", "decrypt", "kr", "--in", "v1.env", "--out", "x.txt"], &aad), &KEK), 1, "XPS_E_KEY_DESTROYED");
    fails(&d, &with(&["keyring", "set-min-version", "kr", "app", "3"], &KEK), 1, "XPS_E_INVALID_PARAMETER");
    ok(&d, &with(&["keyring", "rotate", "kr", "app"], &KEK));
    let out = ok(&d, &with(&["keyring", "set-min-version", "kr", "app", "3"], &KEK));
    assert!(out.contains("min_decryption_version 0 -> 3"), "{out}");
    fails(&d, &with(&with(&["keyring", "decrypt", "kr", "--in", "v2.env", "--out", "x.txt"], &aad), &KEK), 1, "XPS_E_BELOW_MIN_DECRYPTION_VERSION");
    assert!(!d.join("x.txt").exists());
    let app: serde_json::Value = serde_json::from_str(&ok(&d, &with(&["keyring", "describe", "kr", "app", "--json"], &KEK))).unwrap();
    assert_eq!(app["min_decryption_version"], 3);
    assert_eq!(app["versions"][0]["state"], "destroyed");
    fails(&d, &with(&["keyring", "describe", "kr", "nope"], &KEK), 1, "XPS_E_UNKNOWN_KEY");
    fails(&d, &with(&["keyring", "encrypt", "kr", "sig", "--in", "plain.txt", "--out", "s.env"], &KEK), 1, "XPS_E_WRONG_ALGORITHM_FAMILY");
    assert!(!d.join("s.env").exists());

    // set-policy keeps what is not given.
    let out = ok(&d, &with(&["keyring", "set-policy", "kr", "app", "--max-uses", "none"], &KEK));
    assert!(out.contains("policy max age 90d, max uses none, overlap 30d"), "{out}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn passphrase_keyrings_and_kek_options() {
    let d = scratch("passphrase");
    let pw = [("XPS_TEST_PASSPHRASE", "correct horse battery staple")];
    let env = ["--passphrase-env", "XPS_TEST_PASSPHRASE"];
    let r = xps_env(&d, &with(&with(&["keyring", "create", "kr"], &env), &["--argon2id", "t=1,m=64,p=1"]), &pw);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Argon2id t=1, m=64 KiB, p=1"), "{}", r.stdout);
    let r = xps_env(&d, &with(&["keyring", "generate", "kr", "app", "xchacha20-poly1305"], &env), &pw);
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::write(d.join("plain.txt"), b"secret").unwrap();
    let r = xps_env(&d, &with(&["keyring", "encrypt", "kr", "app", "--in", "plain.txt", "--out", "p.env"], &env), &pw);
    assert_eq!(r.code, 0, "{}", r.stderr);

    // The same passphrase from a file (first line; the newline is not part of it).
    std::fs::write(d.join("pw.txt"), "correct horse battery staple\nsecond line ignored\n").unwrap();
    std::fs::set_permissions(d.join("pw.txt"), std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = ok(&d, &["keyring", "decrypt", "kr", "--in", "p.env", "--out", "back.txt", "--passphrase-file", "pw.txt"]);
    assert!(out.contains("from key app version 1 (xchacha20-poly1305)"), "{out}");
    assert_eq!(std::fs::read(d.join("back.txt")).unwrap(), b"secret");
    // A group-readable passphrase file works, with a warning.
    std::fs::set_permissions(d.join("pw.txt"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let r = xps(&d, &["keyring", "list", "kr", "--passphrase-file", "pw.txt"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("warning: passphrase file pw.txt has mode 0644"), "{}", r.stderr);

    // Wrong passphrase; a raw key for a passphrase keyring.
    let r = xps_env(&d, &with(&["keyring", "list", "kr"], &env), &[("XPS_TEST_PASSPHRASE", "wrong")]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("XPS_E_AUTHENTICATION_FAILED") && r.stderr.contains("open keyring kr"), "{}", r.stderr);
    std::fs::write(d.join("raw.key"), [7u8; 32]).unwrap();
    std::fs::set_permissions(d.join("raw.key"), std::fs::Permissions::from_mode(0o600)).unwrap();
    fails(&d, &["keyring", "list", "kr", "--raw-key-file", "raw.key"], 1, "XPS_E_INVALID_PARAMETER");

    // No key-encryption key (stdin is not a terminal; there is no prompt): usage error, exit 2.
    let e = fails(&d, &["keyring", "list", "kr"], 2, "--passphrase-env VAR, --passphrase-file PATH or --raw-key-file PATH");
    assert!(e.contains("usage: xps keyring list"), "{e}");
    fails(&d, &with(&["keyring", "list", "kr"], &env), 2, "XPS_TEST_PASSPHRASE is not set");
    fails(&d, &["keyring", "list", "kr", "--passphrase-file", "pw.txt", "--raw-key-file", "raw.key"], 2, "only one of");
    std::fs::write(d.join("empty.txt"), "\nx\n").unwrap();
    fails(&d, &["keyring", "list", "kr", "--passphrase-file", "empty.txt"], 1, "first line is empty");

    // A passphrase on the command line is refused, and not echoed.
    for args in [
        &["keyring", "list", "kr", "--passphrase", "hunter2"][..],
        &["keyring", "list", "kr", "--passphrase=hunter2"],
        &["keyring", "create", "new", "--password", "hunter2"],
    ] {
        let r = xps(&d, args);
        assert_eq!(r.code, 2, "xps {args:?}: {}", r.stderr);
        assert!(r.stderr.contains("never taken on the command line") && r.stderr.contains("`ps`"), "{}", r.stderr);
        assert!(!r.stderr.contains("hunter2") && r.stdout.is_empty(), "the passphrase is never echoed: {}", r.stderr);
    }
    assert!(!d.join("new").exists());
    let help = ok(&d, &["keyring", "--help"]);
    assert!(help.contains("never taken as a command-line argument") && help.contains("`ps`"), "{help}");
    assert!(!ok(&d, &["help", "keyring", "create"]).contains("--passphrase "), "no --passphrase option is documented");

    // --argon2id only goes with a passphrase, and parameters a file cannot carry are refused.
    fails(&d, &["keyring", "create", "k2", "--raw-key-file", "raw.key", "--argon2id", "t=1"], 2, "--argon2id applies to a passphrase");
    let r = xps_env(&d, &with(&with(&["keyring", "create", "k3"], &env), &["--argon2id", "t=0,m=64,p=1"]), &pw);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("XPS_E_INVALID_PARAMETER"), "{}", r.stderr);
    assert!(!d.join("k3").exists());
    fails(&d, &with(&["keyring", "create", "k4", "--argon2id", "q=1"], &env), 2, "--argon2id");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn hostile_keyring_and_key_files_are_refused_with_their_status() {
    let d = scratch("hostile");
    raw_keyring(&d);
    ok(&d, &with(&["keyring", "generate", "kr", "app", "aes-256-gcm"], &KEK));
    let good = std::fs::read(d.join("kr")).unwrap();
    let list = with(&["keyring", "list", "kr"], &KEK);

    // A flipped byte in the header (bound as AAD) and in the body: authentication fails.
    for at in [40, good.len() / 2, good.len() - 1] {
        let mut b = good.clone();
        b[at] ^= 0x20;
        std::fs::write(d.join("kr"), &b).unwrap();
        fails(&d, &list, 1, "XPS_E_AUTHENTICATION_FAILED");
    }
    // Truncated, foreign, empty.
    std::fs::write(d.join("kr"), &good[..50]).unwrap();
    fails(&d, &list, 1, "XPS_E_MALFORMED_KEYRING");
    std::fs::write(d.join("kr"), b"{\"not\": \"a keyring\"}\n").unwrap();
    fails(&d, &list, 1, "XPS_E_MALFORMED_KEYRING");
    std::fs::write(d.join("kr"), b"").unwrap();
    fails(&d, &list, 1, "XPS_E_MALFORMED_KEYRING");
    // Another key-encryption key.
    std::fs::write(d.join("kr"), &good).unwrap();
    std::fs::write(d.join("other.hex"), "ff".repeat(32)).unwrap();
    fails(&d, &["keyring", "list", "kr", "--raw-key-file", "other.hex"], 1, "XPS_E_AUTHENTICATION_FAILED");
    ok(&d, &list);

    // Missing keyring file: I/O, exit 3, naming it.
    let e = fails(&d, &with(&["keyring", "list", "nope.kr"], &KEK), 3, "XPS_E_KEYRING_IO");
    assert!(e.contains("nope.kr"), "{e}");
    // Bad raw key files.
    std::fs::write(d.join("short.key"), [1u8; 31]).unwrap();
    fails(&d, &["keyring", "list", "kr", "--raw-key-file", "short.key"], 1, "expected exactly 32 bytes, or 64 hex digits");
    std::fs::write(d.join("bad.hex"), "zz".repeat(32)).unwrap();
    fails(&d, &["keyring", "list", "kr", "--raw-key-file", "bad.hex"], 1, "64 hex digits");
    fails(&d, &["keyring", "list", "kr", "--raw-key-file", "missing.key"], 3, "missing.key");

    // Hostile envelopes: not an envelope, truncated.
    std::fs::write(d.join("junk.env"), b"hello").unwrap();
    fails(&d, &with(&["keyring", "decrypt", "kr", "--in", "junk.env", "--out", "o.txt"], &KEK), 1, "XPS_E_MALFORMED_ENVELOPE");
    std::fs::write(d.join("plain.txt"), b"x").unwrap();
    ok(&d, &with(&["keyring", "encrypt", "kr", "app", "--in", "plain.txt", "--out", "e.env"], &KEK));
    let e = std::fs::read(d.join("e.env")).unwrap();
    std::fs::write(d.join("short.env"), &e[..e.len() - 20]).unwrap();
    fails(&d, &with(&["keyring", "decrypt", "kr", "--in", "short.env", "--out", "o.txt"], &KEK), 1, "XPS_E_");
    assert!(!d.join("o.txt").exists());
    // An existing encrypt output is kept unless --force.
    std::fs::write(d.join("keep.env"), b"keep").unwrap();
    fails(&d, &with(&["keyring", "encrypt", "kr", "app", "--in", "plain.txt", "--out", "keep.env"], &KEK), 3, "already exists");
    assert_eq!(std::fs::read(d.join("keep.env")).unwrap(), b"keep");
    ok(&d, &with(&["keyring", "encrypt", "kr", "app", "--in", "plain.txt", "--out", "keep.env", "--force"], &KEK));
    assert_eq!(envelope_of(&d.join("keep.env")).1, 1);
    // No temporary files are left behind.
    let leftovers: Vec<String> = std::fs::read_dir(&d).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.contains(".tmp")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn tick_rotates_and_retires_by_policy() {
    let d = scratch("tick");
    raw_keyring(&d);
    ok(&d, &with(&["keyring", "generate", "kr", "fast", "aes-256-gcm", "--max-age", "1s", "--overlap", "0"], &KEK));
    ok(&d, &with(&["keyring", "generate", "kr", "slow", "aes-256-gcm"], &KEK));
    std::thread::sleep(std::time::Duration::from_millis(1300));
    let out = ok(&d, &with(&["keyring", "tick", "kr"], &KEK));
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.contains(&"rotated fast 1->2 maximum age 1 s reached"), "{out}");
    assert!(lines.contains(&"retired fast 1->- overlap window 0"), "{out}");
    assert!(!out.contains("slow"), "{out}");
    let app: serde_json::Value = serde_json::from_str(&ok(&d, &with(&["keyring", "describe", "kr", "fast", "--json"], &KEK))).unwrap();
    assert_eq!(app["primary"], 2);
    assert_eq!(app["versions"][0]["state"], "retired");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let out = ok(&d, &with(&["keyring", "tick", "kr", "--json"], &KEK));
    let events: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).expect("one JSON object per line")).collect();
    let rotated = events.iter().find(|e| e["kind"] == "rotated").expect("rotated again");
    assert_eq!((rotated["key"].as_str(), rotated["old_version"].as_u64(), rotated["new_version"].as_u64()), (Some("fast"), Some(2), Some(3)));
    assert_eq!(rotated["actor"], "api");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn rewrap_in_place_refuses_symlinks_and_drops_special_mode_bits() {
    let d = scratch("inplace");
    raw_keyring(&d);
    ok(&d, &with(&["keyring", "generate", "kr", "app", "aes-256-gcm"], &KEK));
    std::fs::write(d.join("plain.txt"), b"hello").unwrap();
    ok(&d, &with(&["keyring", "encrypt", "kr", "app", "--in", "plain.txt", "--out", "v1.env"], &KEK));
    ok(&d, &with(&["keyring", "rotate", "kr", "app"], &KEK));
    let v1 = std::fs::read(d.join("v1.env")).unwrap();

    // setuid, setgid and sticky bits are not carried over to the rewritten file.
    std::fs::write(d.join("special.env"), &v1).unwrap();
    std::fs::set_permissions(d.join("special.env"), std::fs::Permissions::from_mode(0o7750)).unwrap();
    let special = std::fs::metadata(d.join("special.env")).unwrap().permissions().mode() & 0o7777;
    ok(&d, &with(&["keyring", "rewrap", "kr", "--in-place", "special.env"], &KEK));
    assert_eq!(envelope_of(&d.join("special.env")), ("app".into(), 2));
    let after = std::fs::metadata(d.join("special.env")).unwrap().permissions().mode() & 0o7777;
    assert_eq!(after, special & 0o777, "mode {special:o} rewritten as {after:o}");

    // A symlinked envelope is refused (the link stays a link, its target untouched); the other
    // files are still rewrapped.
    std::fs::write(d.join("target.env"), &v1).unwrap();
    std::os::unix::fs::symlink("target.env", d.join("link.env")).unwrap();
    std::fs::write(d.join("plain.env"), &v1).unwrap();
    let r = xps(&d, &with(&["keyring", "rewrap", "kr", "--in-place", "link.env", "plain.env"], &KEK));
    assert_eq!(r.code, 1, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("link.env is a symbolic link"), "{}", r.stderr);
    assert!(r.stderr.contains("1 of 2 envelope files failed"), "{}", r.stderr);
    assert!(std::fs::symlink_metadata(d.join("link.env")).unwrap().file_type().is_symlink(), "the link is still a link");
    assert_eq!(std::fs::read(d.join("target.env")).unwrap(), v1, "the link's target is untouched");
    assert_eq!(envelope_of(&d.join("plain.env")), ("app".into(), 2));
    // A dangling link too.
    std::os::unix::fs::symlink("nowhere.env", d.join("dangling.env")).unwrap();
    fails(&d, &with(&["keyring", "rewrap", "kr", "--in-place", "dangling.env"], &KEK), 1, "dangling.env is a symbolic link");
    assert!(std::fs::symlink_metadata(d.join("dangling.env")).unwrap().file_type().is_symlink());
    assert!(!d.join("nowhere.env").exists());
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn keyring_usage_errors_exit_2() {
    let d = scratch("usage");
    raw_keyring(&d);
    for args in [
        &["keyring"][..],
        &["keyring", "frobnicate", "kr"],
        &["keyring", "create"],
        &["keyring", "generate", "kr", "app"],
        &["keyring", "generate", "kr", "app", "aes-999", "--raw-key-file", "kek.hex"],
        &["keyring", "generate", "kr", "app", "aes-256-gcm", "--max-age", "10y", "--raw-key-file", "kek.hex"],
        &["keyring", "generate", "kr", "app", "aes-256-gcm", "--max-uses", "0", "--raw-key-file", "kek.hex"],
        &["keyring", "generate", "kr", "app", "aes-256-gcm", "--overlap", "none", "--raw-key-file", "kek.hex"],
        &["keyring", "revoke", "kr", "app", "zero", "--raw-key-file", "kek.hex"],
        &["keyring", "revoke", "kr", "app", "0", "--raw-key-file", "kek.hex"],
        &["keyring", "revoke", "kr", "app", "1", "2", "--raw-key-file", "kek.hex"],
        &["keyring", "list", "kr", "-x", "--raw-key-file", "kek.hex"],
        &["keyring", "encrypt", "kr", "app", "--in", "p", "--raw-key-file", "kek.hex"],
        &["keyring", "encrypt", "kr", "app", "--in", "p", "--out", "q", "--aad-hex", "xyz", "--raw-key-file", "kek.hex"],
        &["keyring", "rewrap", "kr", "a.env", "--raw-key-file", "kek.hex"],
        &["keyring", "rewrap", "kr", "--in-place", "--raw-key-file", "kek.hex"],
        &["keyring", "rewrap", "kr", "--in-place", "a.env", "--out", "b.env", "--raw-key-file", "kek.hex"],
        &["keyring", "public-key", "kr", "sig", "--hex", "--raw-key-file", "kek.hex"],
        &["keyring", "set-policy", "kr", "app", "--raw-key-file", "kek.hex"],
        &["keyring", "tick", "kr", "--raw-key-file"],
    ] {
        let r = xps(&d, args);
        assert_eq!(r.code, 2, "xps {args:?}: {}", r.stderr);
        assert!(r.stderr.starts_with("error: ") && r.stderr.contains("usage: xps keyring"), "xps {args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "xps {args:?}: usage goes to stderr");
    }
    assert!(ok(&d, &["help"]).contains("xps keyring rewrap"));
    assert!(ok(&d, &["help", "keyring", "rewrap"]).contains("usage: xps keyring rewrap"));
    assert!(ok(&d, &["keyring", "tick", "--help"]).contains("usage: xps keyring tick"));
    assert!(ok(&d, &["keyring", "help"]).contains("set-min-version"));
    std::fs::remove_dir_all(&d).unwrap();
}
