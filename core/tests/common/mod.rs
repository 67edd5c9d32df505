//! Shared helpers for the integration tests: vector loading and hex.
#![allow(dead_code)]

use serde_json::Value;
use std::path::PathBuf;

pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

pub fn load(rel: &str) -> Value {
    let p = vectors_dir().join(rel);
    let s = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&s).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub fn hx(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap_or_else(|e| panic!("bad hex {s:?}: {e}"))
}

pub fn h(v: &Value, k: &str) -> Vec<u8> {
    hx(v[k].as_str().unwrap_or_else(|| panic!("field {k} missing in {v}")))
}

pub fn u(v: &Value, k: &str) -> u64 {
    v[k].as_u64().unwrap_or_else(|| panic!("field {k} missing in {v}"))
}

/// Wycheproof-style iteration: (group, test) pairs.
pub fn wycheproof_tests(doc: &Value) -> Vec<(Value, Value)> {
    let mut v = Vec::new();
    for g in doc["testGroups"].as_array().unwrap() {
        for t in g["tests"].as_array().unwrap() {
            v.push((g.clone(), t.clone()));
        }
    }
    v
}

/// Parses a NIST CAVP / PQC KAT `.rsp` file into records of key → value (CRLF tolerant;
/// records end at a blank line or at the next `count`).
pub fn cavp(rel: &str) -> Vec<std::collections::HashMap<String, String>> {
    let p = vectors_dir().join(rel);
    let s = std::fs::read_to_string(&p).unwrap();
    let mut out = Vec::new();
    let mut cur = std::collections::HashMap::new();
    for line in s.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with('[') {
            if !cur.is_empty() && line.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            // Files without blank lines between records (the PQ KATs): a new `count` starts one.
            if k.trim() == "count" && cur.contains_key("count") {
                out.push(std::mem::take(&mut cur));
            }
            cur.insert(k.trim().to_string(), v.trim().to_string());
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Deterministic pseudo-random bytes for tests (xorshift; not cryptographic).
pub struct TestRng(u64);
impl TestRng {
    pub fn new(seed: u64) -> Self {
        TestRng(seed | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn fill(&mut self, b: &mut [u8]) {
        for c in b.chunks_mut(8) {
            let r = self.next_u64().to_le_bytes();
            c.copy_from_slice(&r[..c.len()]);
        }
    }
    /// Random bytes of a random length below `max`.
    pub fn bytes_upto(&mut self, max: usize) -> Vec<u8> {
        let n = self.below(max);
        self.bytes(n)
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut v = vec![0; n];
        self.fill(&mut v);
        v
    }
}
