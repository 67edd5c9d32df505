//! Shared helpers of the hot-patch tests: build patch modules, make signer keys, trust stores and
//! signed manifests, read the audit log. Tests in one binary share the process-wide dispatch
//! table, so every test takes [`serial`] first.
#![allow(dead_code)]

use serde_json::{json, Value};
use sha2::Digest;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};
use xpscrypto_core::hotpatch;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

pub fn serial() -> MutexGuard<'static, ()> {
    static M: Mutex<()> = Mutex::new(());
    let g = M.lock().unwrap_or_else(|e| e.into_inner());
    // Leave no patch of an earlier (possibly failed) test behind.
    while hotpatch::rollback().is_ok() {}
    g
}

/// A scratch directory for this test binary.
pub fn scratch() -> PathBuf {
    let d = std::env::temp_dir().join(format!("xps-hotpatch-test-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Builds the C SHA-256 example module with extra `-D` definitions; returns the .so bytes.
pub fn build_c_patch(tag: &str, defines: &[&str]) -> Vec<u8> {
    build_c_patch_with(tag, defines, &[])
}

/// [`build_c_patch`] with extra compiler/linker arguments.
pub fn build_c_patch_with(tag: &str, defines: &[&str], extra: &[&str]) -> Vec<u8> {
    let out = scratch().join(format!("libsha256_{tag}.so"));
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let r = root();
    let st = Command::new(&cc)
        .args(["-std=c11", "-O2", "-shared", "-fPIC", "-Wall", "-Werror"])
        .arg(format!("-I{}", r.join("include").display()))
        .args(defines.iter().map(|d| format!("-D{d}")))
        .arg("-o")
        .arg(&out)
        .arg(r.join("examples/patch/c-sha256/sha256_patch.c"))
        .args(extra)
        .status()
        .unwrap_or_else(|e| panic!("cannot run the C compiler {cc:?}: {e}"));
    assert!(st.success(), "compiling the C patch module ({tag}) failed");
    std::fs::read(&out).unwrap()
}

pub struct Signer {
    pub name: String,
    pub public: [u8; 32],
    pub secret: Vec<u8>,
}

pub fn signer(name: &str) -> Signer {
    let (public, secret) = hotpatch::signer_keygen().unwrap();
    Signer { name: name.into(), public, secret: secret.as_slice().to_vec() }
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub fn trust_store(signers: &[(&Signer, &[&str])], threshold: usize) -> Vec<u8> {
    let list: Vec<Value> = signers.iter().map(|(s, ops)| json!({ "name": s.name, "ed25519": hex(&s.public), "ops": ops })).collect();
    serde_json::to_vec(&json!({
        "format": "xpscrypto-trust-store/1",
        "min_required_signatures": threshold,
        "allow_unsigned": false,
        "signers": list,
    }))
    .unwrap()
}

pub fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// An unsigned manifest for `payload`.
pub fn manifest(id: &str, version: u64, ops: &[&str], payload: &[u8]) -> Value {
    json!({
        "format": "xpscrypto-patch-manifest/1",
        "id": id,
        "version": version,
        "kernel_abi": xpscrypto_core::dispatch::KERNEL_ABI_VERSION,
        "ops": ops,
        "payload": { "name": "libpatch.so", "size": payload.len(), "sha256": hex(&sha2::Sha256::digest(payload)) },
        "created": now(),
    })
}

pub fn sign(m: &Value, by: &[&Signer]) -> Vec<u8> {
    let mut text = serde_json::to_string(m).unwrap();
    for s in by {
        text = hotpatch::sign_manifest(text.as_bytes(), &s.name, &s.secret, None).unwrap();
    }
    text.into_bytes()
}

/// The last in-memory audit record.
pub fn last_audit() -> Value {
    serde_json::from_str(hotpatch::audit_records().last().expect("an audit record")).unwrap()
}

/// Builds the Rust AES-256-GCM example module (a nested cargo build into its own target
/// directory, so it does not wait on the test's build lock); returns the .so bytes.
pub fn build_rust_patch() -> Vec<u8> {
    static BUILT: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let r = root();
            let target = r.join("target").join("patch-examples");
            let cargo = option_env!("CARGO").unwrap_or("cargo");
            let st = Command::new(cargo)
                .args(["build", "--release", "--locked", "-p", "xps-patch-aes256gcm", "--target-dir"])
                .arg(&target)
                .current_dir(&r)
                .stdin(std::process::Stdio::null())
                .status()
                .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
            assert!(st.success(), "building examples/patch/rust-aes256gcm failed");
            std::fs::read(target.join("release").join("libxps_patch_aes256gcm.so")).unwrap()
        })
        .clone()
}

/// Calls a `u64 f(void)` exported by an applied patch module.
pub fn module_fn_u64(patch_id: &str, name: &str) -> u64 {
    let p = hotpatch::loaded_module_symbol_for_testing(patch_id, name).unwrap_or_else(|| panic!("{name} not exported by {patch_id}"));
    // SAFETY: the symbol is an `extern "C" fn() -> u64` (`unsigned long` on LP64) of a module
    // that is never unloaded.
    let f: extern "C" fn() -> u64 = unsafe { std::mem::transmute(p) };
    f()
}
