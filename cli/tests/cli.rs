//! Runs the built `xps` binary: keys, trust stores, signing, verification, refusals with their
//! exit codes, `info --json`, and a dry-run apply + rollback of the real C SHA-256 patch module.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn xps(dir: &Path, args: &[&str]) -> Run {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_xps"))
        .args(args)
        .current_dir(dir)
        .env_remove("XPS_PATCH_AUDIT_LOG")
        .env_remove("XPS_AUTOTUNE")
        .output()
        .expect("run xps");
    Run {
        code: out.status.code().expect("exit code (not a signal)"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[track_caller]
fn ok(dir: &Path, args: &[&str]) -> String {
    let r = xps(dir, args);
    assert_eq!(r.code, 0, "xps {args:?} failed:\nstdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    r.stdout
}

/// A fresh scratch directory per test.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("xps-cli-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// keygen NAME → (NAME.key, NAME.pub) in `dir`.
fn keygen(dir: &Path, name: &str) {
    ok(dir, &["patch", "keygen", "--name", name, "--out", name]);
}

/// A signed manifest `payload.manifest.json` for an arbitrary payload, and a trust store
/// `trust.json` with signer alice.
fn signed_fixture(dir: &Path) {
    std::fs::write(dir.join("payload.bin"), b"not really a shared library, but verify never loads it").unwrap();
    keygen(dir, "alice");
    ok(dir, &["patch", "trust-store", "--signer", "alice=alice.pub:hash.sha256", "--out", "trust.json"]);
    ok(dir, &["patch", "sign", "--payload", "payload.bin", "--id", "test-patch", "--version", "7", "--ops", "hash.sha256", "--key", "alice.key", "--signer", "alice"]);
}

#[test]
fn keygen_writes_a_0600_key_and_refuses_to_overwrite() {
    let d = scratch("keygen");
    let out = ok(&d, &["patch", "keygen", "--name", "ops-alice", "--out", "k"]);
    let key = std::fs::read_to_string(d.join("k.key")).unwrap();
    let public = std::fs::read_to_string(d.join("k.pub")).unwrap();
    assert_eq!(std::fs::metadata(d.join("k.key")).unwrap().permissions().mode() & 0o777, 0o600);
    for (what, text) in [("key", &key), ("pub", &public)] {
        assert_eq!(text.len(), 65, "{what}: 64 hex digits and a newline");
        assert!(text.ends_with('\n') && text[..64].bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)), "{what}: {text:?}");
    }
    assert!(!out.contains(&key[..64]), "the secret key must never be printed");
    // The printed trust-store entry is JSON naming the signer and its public key.
    let line = out.lines().find(|l| l.starts_with('{')).expect("signer entry");
    let entry: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(entry["name"], "ops-alice");
    assert_eq!(entry["ed25519"], public.trim());
    assert_eq!(entry["ops"], serde_json::json!(["*"]));

    let again = xps(&d, &["patch", "keygen", "--name", "ops-alice", "--out", "k"]);
    assert_eq!(again.code, 3, "{}", again.stderr);
    assert!(again.stderr.contains("k.key") && again.stderr.contains("--force"), "{}", again.stderr);
    assert_eq!(std::fs::read_to_string(d.join("k.key")).unwrap(), key, "a refused keygen leaves the old key alone");

    ok(&d, &["patch", "keygen", "--name", "ops-alice", "--out", "k", "--force"]);
    assert_ne!(std::fs::read_to_string(d.join("k.key")).unwrap(), key);
    assert_eq!(std::fs::metadata(d.join("k.key")).unwrap().permissions().mode() & 0o777, 0o600);

    let bad = xps(&d, &["patch", "keygen", "--name", "no spaces", "--out", "x"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn trust_store_sign_verify_round_trip() {
    let d = scratch("roundtrip");
    signed_fixture(&d);
    let store: serde_json::Value = serde_json::from_slice(&std::fs::read(d.join("trust.json")).unwrap()).unwrap();
    assert_eq!(store["format"], "xpscrypto-trust-store/1");
    assert_eq!(store["min_required_signatures"], 1);
    assert_eq!(store["allow_unsigned"], false);
    assert_eq!(store["signers"][0]["ops"], serde_json::json!(["hash.sha256"]));

    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(d.join("payload.bin.manifest.json")).unwrap()).unwrap();
    assert_eq!(m["format"], "xpscrypto-patch-manifest/1");
    assert_eq!(m["kernel_abi"], xpscrypto_core::dispatch::KERNEL_ABI_VERSION);
    assert_eq!(m["payload"]["name"], "payload.bin");
    assert_eq!(m["signatures"][0]["signer"], "alice");

    let out = ok(&d, &["patch", "verify", "--manifest", "payload.bin.manifest.json", "--payload", "payload.bin", "--trust-store", "trust.json"]);
    for want in ["test-patch", "version:    7", "hash.sha256", "alice", "OK (not loaded)"] {
        assert!(out.contains(want), "missing {want:?} in:\n{out}");
    }
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn co_signing_meets_a_threshold_of_two() {
    let d = scratch("cosign");
    signed_fixture(&d);
    keygen(&d, "bob");
    ok(&d, &["patch", "trust-store", "--signer", "alice=alice.pub", "--signer", "bob=bob.pub", "--threshold", "2", "--out", "two.json"]);
    let args = ["patch", "verify", "--manifest", "payload.bin.manifest.json", "--payload", "payload.bin", "--trust-store", "two.json"];
    let one = xps(&d, &args);
    assert_eq!(one.code, 1, "{}", one.stderr);
    assert!(one.stderr.contains("refused at step signature (XPS_E_PATCH_SIGNATURE)"), "{}", one.stderr);
    ok(&d, &["patch", "sign", "--payload", "payload.bin", "--manifest", "payload.bin.manifest.json", "--key", "bob.key", "--signer", "bob"]);
    let out = ok(&d, &args);
    assert!(out.contains("alice, bob (2 verified, 2 required)"), "{out}");
    // Co-signing checks the payload and refuses to change signed fields.
    let other = xps(&d, &["patch", "sign", "--payload", "payload.bin", "--manifest", "payload.bin.manifest.json", "--key", "bob.key", "--signer", "bob", "--version", "8"]);
    assert_eq!(other.code, 1, "{}", other.stderr);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn verify_names_the_failing_step() {
    let d = scratch("verify-fail");
    signed_fixture(&d);
    // One flipped payload byte: step digest.
    let mut p = std::fs::read(d.join("payload.bin")).unwrap();
    p[3] ^= 1;
    std::fs::write(d.join("flipped.bin"), &p).unwrap();
    let r = xps(&d, &["patch", "verify", "--manifest", "payload.bin.manifest.json", "--payload", "flipped.bin", "--trust-store", "trust.json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("error: refused at step digest (XPS_E_PATCH_DIGEST)"), "{}", r.stderr);
    assert!(!r.stdout.contains("OK"), "{}", r.stdout);

    // A trust store of an unknown signer: step signature.
    keygen(&d, "mallory");
    ok(&d, &["patch", "trust-store", "--signer", "mallory=mallory.pub", "--out", "other.json"]);
    let r = xps(&d, &["patch", "verify", "--manifest", "payload.bin.manifest.json", "--payload", "payload.bin", "--trust-store", "other.json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("refused at step signature (XPS_E_PATCH_SIGNATURE)"), "{}", r.stderr);

    // An expired manifest: step policy (as apply would refuse it).
    ok(&d, &["patch", "sign", "--payload", "payload.bin", "--id", "old", "--version", "1", "--ops", "hash.sha256", "--key", "alice.key", "--signer", "alice", "--not-after", "1000", "--out", "old.json"]);
    let r = xps(&d, &["patch", "verify", "--manifest", "old.json", "--payload", "payload.bin", "--trust-store", "trust.json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("refused at step policy"), "{}", r.stderr);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn usage_errors_exit_2() {
    let d = scratch("usage");
    for args in [
        &[][..],
        &["frobnicate"],
        &["patch"],
        &["patch", "frobnicate"],
        &["info", "--yaml"],
        &["info", "extra"],
        &["patch", "verify", "--manifest", "m.json"],
        &["patch", "keygen", "--name"],
        &["patch", "keygen", "--name", "a", "--name", "b", "--out", "k"],
        &["patch", "trust-store", "--signer", "nameonly", "--out", "t.json"],
        &["patch", "trust-store", "--signer", "a=a.pub", "--threshold", "two", "--out", "t.json"],
        &["patch", "sign", "--payload", "p", "--key", "k", "--signer", "s"],
    ] {
        let r = xps(&d, args);
        assert_eq!(r.code, 2, "xps {args:?}: {}", r.stderr);
        assert!(r.stderr.starts_with("error: ") && r.stderr.contains("usage: xps"), "xps {args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "xps {args:?}: usage goes to stderr");
    }
    let help = ok(&d, &["help"]);
    for code in ["0  success", "1  the patch", "2  usage error", "3  I/O error"] {
        assert!(help.contains(code), "xps help documents exit code {code:?}");
    }
    assert!(ok(&d, &["patch", "sign", "--help"]).contains("usage: xps patch sign"));
    assert!(ok(&d, &["help", "patch", "apply"]).contains("usage: xps patch apply"));
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn io_errors_exit_3_and_oversized_inputs_are_refused() {
    let d = scratch("io");
    signed_fixture(&d);
    let r = xps(&d, &["patch", "verify", "--manifest", "missing.json", "--payload", "payload.bin", "--trust-store", "trust.json"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("missing.json"), "the message names the path: {}", r.stderr);
    let r = xps(&d, &["patch", "sign", "--payload", "nope.so", "--id", "x", "--version", "1", "--ops", "hash.sha256", "--key", "alice.key", "--signer", "alice"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("nope.so"), "{}", r.stderr);

    std::fs::write(d.join("huge.json"), vec![b' '; 64 * 1024 + 1]).unwrap();
    let r = xps(&d, &["patch", "verify", "--manifest", "huge.json", "--payload", "payload.bin", "--trust-store", "trust.json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("huge.json") && r.stderr.contains("64 KiB"), "{}", r.stderr);
    let r = xps(&d, &["patch", "verify", "--manifest", "payload.bin.manifest.json", "--payload", "payload.bin", "--trust-store", "huge.json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn info_json_lists_ops_and_candidates() {
    let d = scratch("info");
    let v: serde_json::Value = serde_json::from_str(&ok(&d, &["info", "--json"])).expect("one JSON object");
    assert_eq!(v["version"], xpscrypto_core::VERSION);
    assert_eq!(v["kernel_abi"], xpscrypto_core::dispatch::KERNEL_ABI_VERSION);
    assert!(v["cpu_features"].is_array());
    assert!(v["generation"].as_u64().unwrap() >= 1);
    assert_eq!(v["applied_patches"], serde_json::json!([]));
    let ops = v["ops"].as_array().unwrap();
    let sha = ops.iter().find(|o| o["op"] == "hash.sha256").expect("hash.sha256 listed");
    let candidates = sha["candidates"].as_array().unwrap();
    assert_eq!(candidates[0]["name"], "sha256/portable");
    assert_eq!(candidates[0]["available"], true);
    assert!(candidates.iter().any(|c| c["name"] == sha["active"]));
    for c in candidates {
        assert!(c["constant_time"].is_boolean() && c["requires"].is_array(), "{c}");
    }
    let table = ok(&d, &["info"]);
    assert!(table.contains("hash.sha256") && table.contains("kernel ABI"), "{table}");
    assert!(table.contains("autotune:            off"), "{table}");
    assert_eq!(v["curve25519_backend"], xpscrypto_core::cpu::curve25519_backend());
    assert!(table.contains(&format!("curve25519 backend:  {}", xpscrypto_core::cpu::curve25519_backend())), "{table}");
    // Autotune off: every size bucket runs the active kernel, nothing measured.
    assert_eq!(v["autotune"], false);
    for o in ops {
        assert!(o["by_size"].as_array().unwrap().iter().all(|k| *k == o["active"]), "{o}");
        assert_eq!(o["tuned_ns"], serde_json::json!({}));
    }
    std::fs::remove_dir_all(&d).unwrap();
}

/// `--autotune` and `XPS_AUTOTUNE=1` measure the candidates and show the per-bucket kernels.
#[test]
fn info_shows_autotune_decisions() {
    let d = scratch("autotune");
    let by_flag: serde_json::Value = serde_json::from_str(&ok(&d, &["info", "--json", "--autotune"])).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_xps")).args(["info", "--json"]).env("XPS_AUTOTUNE", "1").output().unwrap();
    assert!(out.status.success());
    let by_env: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for v in [&by_flag, &by_env] {
        assert_eq!(v["autotune"], true);
        assert_eq!(v["bucket_limits"], serde_json::json!([256, 2048, 65536]));
        for o in v["ops"].as_array().unwrap() {
            let available: Vec<&serde_json::Value> =
                o["candidates"].as_array().unwrap().iter().filter(|c| c["available"] == true).map(|c| &c["name"]).collect();
            let by_size = o["by_size"].as_array().unwrap();
            assert_eq!(by_size.len(), 4);
            assert!(by_size.iter().all(|k| available.contains(&k)), "{o}");
            let tuned = o["tuned_ns"].as_object().unwrap();
            let sized = o["op"].as_str().unwrap().starts_with("hash.") || o["op"].as_str().unwrap().starts_with("aead.");
            assert_eq!(!tuned.is_empty(), sized && available.len() >= 2, "{o}");
        }
    }
    let table = ok(&d, &["info", "--autotune"]);
    assert!(table.contains("autotune:            on"), "{table}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn sign_and_verify_with_ml_dsa_65() {
    let d = scratch("mldsa");
    std::fs::write(d.join("payload.bin"), b"payload").unwrap();
    ok(&d, &["patch", "keygen", "--name", "pq", "--out", "pq", "--ml-dsa"]);
    assert_eq!(std::fs::metadata(d.join("pq.ml-dsa-65.key")).unwrap().permissions().mode() & 0o777, 0o600);
    ok(&d, &["patch", "trust-store", "--signer", "pq=pq.pub", "--ml-dsa-pub", "pq=pq.ml-dsa-65.pub", "--out", "trust.json"]);
    let verify = ["patch", "verify", "--manifest", "m.json", "--payload", "payload.bin", "--trust-store", "trust.json"];
    let base = ["patch", "sign", "--payload", "payload.bin", "--id", "pq-patch", "--version", "1", "--ops", "hash.sha256", "--key", "pq.key", "--signer", "pq", "--out", "m.json"];
    ok(&d, &base);
    let r = xps(&d, &verify);
    assert_eq!(r.code, 1, "an Ed25519-only signature is not enough: {}", r.stderr);
    assert!(r.stderr.contains("ML-DSA-65"), "{}", r.stderr);
    let mut with_ml = base.to_vec();
    with_ml.extend(["--ml-dsa-key", "pq.ml-dsa-65.key"]);
    ok(&d, &with_ml);
    assert!(ok(&d, &verify).contains("OK (not loaded)"));
    std::fs::remove_dir_all(&d).unwrap();
}

/// Compiles the example C SHA-256 patch module into `dir`.
fn build_c_patch(dir: &Path) -> PathBuf {
    let so = dir.join("libpatch.so");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let root = repo_root();
    let st = Command::new(&cc)
        .args(["-std=c11", "-O2", "-shared", "-fPIC"])
        .arg(format!("-I{}", root.join("include").display()))
        .arg("-o")
        .arg(&so)
        .arg(root.join("examples/patch/c-sha256/sha256_patch.c"))
        .status()
        .unwrap_or_else(|e| panic!("cannot run the C compiler {cc:?}: {e}"));
    assert!(st.success(), "compiling the C patch module failed");
    so
}

#[test]
fn apply_and_rollback_the_c_sha256_patch() {
    let d = scratch("apply");
    build_c_patch(&d);
    keygen(&d, "release");
    ok(&d, &["patch", "trust-store", "--signer", "release=release.pub:hash.sha256", "--out", "trust.json"]);
    ok(&d, &["patch", "sign", "--payload", "libpatch.so", "--id", "c-sha256", "--version", "1", "--ops", "hash.sha256", "--key", "release.key", "--signer", "release"]);
    let common = ["patch", "apply", "--manifest", "libpatch.so.manifest.json", "--trust-store", "trust.json", "--audit-log", "audit.log"];

    let mut args = common.to_vec();
    args.extend(["--payload", "libpatch.so", "--rollback"]);
    let r = xps(&d, &args);
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    let out = &r.stdout;
    assert!(out.contains("applied patch c-sha256 version 1"), "{out}");
    assert!(out.contains("hash.sha256: sha256/c-portable"), "the patched kernel is active:\n{out}");
    assert!(out.contains("hash.sha256 on sha256/c-portable: sha256(\"abc\")"), "{out}");
    assert!(out.contains("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), "{out}");
    assert!(out.contains("rolled back patch c-sha256 version 1"), "{out}");
    let restored = out.split("kernels restored:").nth(1).expect("restored section");
    assert!(!restored.lines().nth(1).unwrap_or("").contains("c-portable"), "{out}");
    let log = std::fs::read_to_string(d.join("audit.log")).unwrap();
    let actions: Vec<String> = log.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["action"].as_str().unwrap().to_string()).collect();
    assert_eq!(actions, ["apply", "rollback"]);

    // A flipped payload byte is refused at step digest, and the refusal is audited.
    let mut p = std::fs::read(d.join("libpatch.so")).unwrap();
    let last = p.len() - 1;
    p[last] ^= 0x80;
    std::fs::write(d.join("flipped.so"), &p).unwrap();
    let mut args = common.to_vec();
    args.extend(["--payload", "flipped.so"]);
    let r = xps(&d, &args);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("refused at step digest (XPS_E_PATCH_DIGEST)"), "{}", r.stderr);
    let last_record: serde_json::Value = serde_json::from_str(std::fs::read_to_string(d.join("audit.log")).unwrap().lines().last().unwrap()).unwrap();
    assert_eq!(last_record["action"], "reject");
    assert_eq!(last_record["step"], "digest");
    std::fs::remove_dir_all(&d).unwrap();
}
