//! Records the compiler version and the locked versions of the peer crates, so every report says
//! exactly what was measured.

use std::path::Path;
use std::process::Command;

const PEERS: &[&str] = &[
    "openssl",
    "openssl-sys",
    "ring",
    "aws-lc-rs",
    "aws-lc-sys",
    "aes-gcm",
    "chacha20poly1305",
    "sha2",
    "sha3",
    "blake3",
    "hmac",
    "pbkdf2",
    "argon2",
    "aes",
    "ghash",
    "chacha20",
    "poly1305",
];

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(rustc)
        .arg("-V")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=BENCH_RUSTC_VERSION={version}");

    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    println!("cargo:rerun-if-changed=build.rs");
    let text = std::fs::read_to_string(&lock).unwrap_or_default();
    let mut found = Vec::new();
    let mut name: Option<String> = None;
    for line in text.lines() {
        if let Some(n) = line.strip_prefix("name = \"") {
            name = Some(n.trim_end_matches('"').to_string());
        } else if let Some(v) = line.strip_prefix("version = \"") {
            if let Some(n) = name.take() {
                if PEERS.contains(&n.as_str()) {
                    found.push(format!("{n} {}", v.trim_end_matches('"')));
                }
            }
        }
    }
    found.sort();
    println!("cargo:rustc-env=BENCH_LOCKED_VERSIONS={}", found.join(", "));
}
