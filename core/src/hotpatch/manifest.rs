//! Manifest and trust-store formats (JSON, strict schema) and the exact bytes a manifest
//! signature covers. See `docs/HOTPATCH.md` for the documented formats.
//!
//! Signatures never cover JSON text: they cover [`Manifest::signed_bytes`], a domain-separated,
//! length-prefixed binary encoding of the parsed fields, so re-serializing the JSON (key order,
//! spaces, escapes) can neither break nor forge a signature.

use super::{fail, PatchFailure, Step};
use serde::Deserialize;

/// Largest manifest or trust store accepted (bytes).
pub const MAX_JSON_BYTES: usize = 64 * 1024;
/// Largest payload accepted (bytes).
pub const MAX_PAYLOAD_BYTES: usize = 64 * 1024 * 1024;
/// Format tags (the `format` field).
pub const MANIFEST_FORMAT: &str = "xpscrypto-patch-manifest/1";
pub const TRUST_STORE_FORMAT: &str = "xpscrypto-trust-store/1";
/// Domain separator at the start of the signed bytes.
pub const SIGNED_DOMAIN: &[u8] = b"xpscrypto hot-patch manifest v1\0";
const MAX_OPS: usize = 64;
const MAX_SIGNATURES: usize = 16;
const MAX_SIGNERS: usize = 64;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    format: String,
    id: String,
    version: u64,
    kernel_abi: u32,
    ops: Vec<String>,
    payload: RawPayload,
    created: u64,
    #[serde(default)]
    not_before: Option<u64>,
    #[serde(default)]
    not_after: Option<u64>,
    #[serde(default)]
    signatures: Vec<RawSignature>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPayload {
    name: String,
    size: u64,
    sha256: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignature {
    signer: String,
    ed25519: String,
    #[serde(default)]
    ml_dsa_65: Option<String>,
}

/// One signature entry of a manifest.
#[derive(Clone, Debug)]
pub struct ManifestSignature {
    pub signer: String,
    pub ed25519: [u8; 64],
    pub ml_dsa_65: Option<Vec<u8>>,
}

/// A parsed, schema-checked manifest (signatures not yet verified).
#[derive(Clone, Debug)]
pub struct Manifest {
    pub id: String,
    pub version: u64,
    pub kernel_abi: u32,
    pub ops: Vec<String>,
    pub payload_name: String,
    pub payload_size: u64,
    pub payload_sha256: [u8; 32],
    /// Unix seconds.
    pub created: u64,
    pub not_before: Option<u64>,
    pub not_after: Option<u64>,
    pub signatures: Vec<ManifestSignature>,
}

/// One signer of a trust store.
#[derive(Clone, Debug)]
pub struct Signer {
    pub name: String,
    pub ed25519: [u8; 32],
    /// When present, this signer's signatures must carry a valid ML-DSA-65 signature too.
    pub ml_dsa_65: Option<Vec<u8>>,
    /// Ops this signer may patch (`*` = all).
    pub ops: Vec<String>,
}

impl Signer {
    pub fn may_patch(&self, op: &str) -> bool {
        self.ops.iter().any(|o| o == "*" || o == op)
    }
}

/// A parsed, schema-checked trust store.
#[derive(Clone, Debug)]
pub struct TrustStore {
    pub signers: Vec<Signer>,
    pub min_required_signatures: usize,
    pub allow_unsigned: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrustStore {
    format: String,
    min_required_signatures: usize,
    allow_unsigned: bool,
    signers: Vec<RawSigner>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSigner {
    name: String,
    ed25519: String,
    #[serde(default)]
    ml_dsa_65: Option<String>,
    ops: Vec<String>,
}

fn malformed(what: &str, why: impl std::fmt::Display) -> PatchFailure {
    fail(Step::Parse, format!("{what}: {why}"))
}

fn parse_json<'a, T: Deserialize<'a>>(what: &str, bytes: &'a [u8]) -> Result<T, PatchFailure> {
    if bytes.len() > MAX_JSON_BYTES {
        return Err(malformed(what, format!("{} bytes, at most {MAX_JSON_BYTES} accepted", bytes.len())));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| malformed(what, "not UTF-8"))?;
    serde_json::from_str(text).map_err(|e| malformed(what, e))
}

/// Lower-case hex of exactly `n` bytes.
pub fn from_hex(what: &str, s: &str, n: Option<usize>) -> Result<Vec<u8>, PatchFailure> {
    let ok_len = n.is_none_or(|n| s.len() == 2 * n);
    if !ok_len || !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        let want = n.map_or("an even number of".to_string(), |n| (2 * n).to_string());
        return Err(malformed(what, format!("expected {want} lower-case hex digits")));
    }
    Ok((0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap_or(0)).collect())
}

pub fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Whether `s` is a valid patch id or signer name: 1–64 characters of `[A-Za-z0-9._-]`.
pub fn valid_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

fn check_name(what: &str, s: &str) -> Result<(), PatchFailure> {
    if !valid_name(s) {
        return Err(malformed(what, format!("{s:.64?} must be 1-64 characters of A-Z a-z 0-9 . _ -")));
    }
    Ok(())
}

fn check_op(what: &str, op: &str) -> Result<(), PatchFailure> {
    if crate::dispatch::op_index(op).is_none() {
        return Err(malformed(what, format!("unknown op {op:.64?}")));
    }
    Ok(())
}

impl Manifest {
    pub fn parse(bytes: &[u8]) -> Result<Manifest, PatchFailure> {
        let r: RawManifest = parse_json("manifest", bytes)?;
        if r.format != MANIFEST_FORMAT {
            return Err(malformed("manifest", format!("format must be {MANIFEST_FORMAT:?}")));
        }
        check_name("manifest id", &r.id)?;
        if r.version == 0 {
            return Err(malformed("manifest", "version must be at least 1"));
        }
        if r.ops.is_empty() || r.ops.len() > MAX_OPS {
            return Err(malformed("manifest", format!("1 to {MAX_OPS} ops required")));
        }
        for (i, op) in r.ops.iter().enumerate() {
            check_op("manifest", op)?;
            if r.ops[..i].contains(op) {
                return Err(malformed("manifest", format!("op {op} listed twice")));
            }
        }
        if r.payload.name.is_empty() || r.payload.name.len() > 255 || r.payload.name.contains(['/', '\\', '\0']) {
            return Err(malformed("manifest", "payload name must be a plain file name of 1-255 bytes"));
        }
        if r.payload.size == 0 || r.payload.size > MAX_PAYLOAD_BYTES as u64 {
            return Err(malformed("manifest", format!("payload size must be 1..={MAX_PAYLOAD_BYTES}")));
        }
        if let (Some(a), Some(b)) = (r.not_before, r.not_after) {
            if a > b {
                return Err(malformed("manifest", "not_before is after not_after"));
            }
        }
        if r.signatures.len() > MAX_SIGNATURES {
            return Err(malformed("manifest", format!("at most {MAX_SIGNATURES} signatures")));
        }
        let sha: [u8; 32] = from_hex("payload sha256", &r.payload.sha256, Some(32))?.try_into().unwrap_or([0; 32]);
        let mut signatures = Vec::with_capacity(r.signatures.len());
        for s in r.signatures {
            check_name("signature signer", &s.signer)?;
            let ed: [u8; 64] = from_hex("ed25519 signature", &s.ed25519, Some(64))?.try_into().unwrap_or([0; 64]);
            let ml = s.ml_dsa_65.map(|h| from_hex("ml_dsa_65 signature", &h, Some(ML_DSA_65_SIG))).transpose()?;
            signatures.push(ManifestSignature { signer: s.signer, ed25519: ed, ml_dsa_65: ml });
        }
        Ok(Manifest {
            id: r.id,
            version: r.version,
            kernel_abi: r.kernel_abi,
            ops: r.ops,
            payload_name: r.payload.name,
            payload_size: r.payload.size,
            payload_sha256: sha,
            created: r.created,
            not_before: r.not_before,
            not_after: r.not_after,
            signatures,
        })
    }

    /// The exact bytes every signature covers:
    ///
    /// ```text
    /// "xpscrypto hot-patch manifest v1\0"
    /// str(id) ‖ u64(version) ‖ u32(kernel_abi) ‖ u32(#ops) ‖ str(op)… ‖ str(payload.name)
    /// ‖ u64(payload.size) ‖ payload.sha256 (32 bytes) ‖ u64(created)
    /// ‖ opt(not_before) ‖ opt(not_after)
    /// ```
    /// with integers big-endian, `str(s)` = u32(len) ‖ UTF-8 bytes, `opt(x)` = 0x00 when absent
    /// or 0x01 ‖ u64(x). The `signatures` array is not covered.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let mut b = SIGNED_DOMAIN.to_vec();
        let s = |b: &mut Vec<u8>, x: &str| {
            b.extend_from_slice(&(x.len() as u32).to_be_bytes());
            b.extend_from_slice(x.as_bytes());
        };
        let opt = |b: &mut Vec<u8>, x: Option<u64>| match x {
            None => b.push(0),
            Some(v) => {
                b.push(1);
                b.extend_from_slice(&v.to_be_bytes());
            }
        };
        s(&mut b, &self.id);
        b.extend_from_slice(&self.version.to_be_bytes());
        b.extend_from_slice(&self.kernel_abi.to_be_bytes());
        b.extend_from_slice(&(self.ops.len() as u32).to_be_bytes());
        for op in &self.ops {
            s(&mut b, op);
        }
        s(&mut b, &self.payload_name);
        b.extend_from_slice(&self.payload_size.to_be_bytes());
        b.extend_from_slice(&self.payload_sha256);
        b.extend_from_slice(&self.created.to_be_bytes());
        opt(&mut b, self.not_before);
        opt(&mut b, self.not_after);
        b
    }

    /// The manifest as JSON (canonical layout, for tools that create or re-sign manifests).
    pub fn to_json(&self) -> String {
        let mut v = serde_json::json!({
            "format": MANIFEST_FORMAT,
            "id": self.id,
            "version": self.version,
            "kernel_abi": self.kernel_abi,
            "ops": self.ops,
            "payload": { "name": self.payload_name, "size": self.payload_size, "sha256": to_hex(&self.payload_sha256) },
            "created": self.created,
        });
        if let Some(x) = self.not_before {
            v["not_before"] = x.into();
        }
        if let Some(x) = self.not_after {
            v["not_after"] = x.into();
        }
        v["signatures"] = self
            .signatures
            .iter()
            .map(|s| {
                let mut e = serde_json::json!({ "signer": s.signer, "ed25519": to_hex(&s.ed25519) });
                if let Some(m) = &s.ml_dsa_65 {
                    e["ml_dsa_65"] = to_hex(m).into();
                }
                e
            })
            .collect();
        serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
    }
}

/// ML-DSA-65 public-key and signature sizes (FIPS 204).
pub const ML_DSA_65_PK: usize = 1952;
pub const ML_DSA_65_SIG: usize = 3309;

impl TrustStore {
    pub fn parse(bytes: &[u8]) -> Result<TrustStore, PatchFailure> {
        let r: RawTrustStore = parse_json("trust store", bytes)?;
        if r.format != TRUST_STORE_FORMAT {
            return Err(malformed("trust store", format!("format must be {TRUST_STORE_FORMAT:?}")));
        }
        if r.signers.len() > MAX_SIGNERS {
            return Err(malformed("trust store", format!("at most {MAX_SIGNERS} signers")));
        }
        let mut signers: Vec<Signer> = Vec::with_capacity(r.signers.len());
        for s in r.signers {
            check_name("signer name", &s.name)?;
            let ed: [u8; 32] = from_hex("signer ed25519 key", &s.ed25519, Some(32))?.try_into().unwrap_or([0; 32]);
            let ml = s.ml_dsa_65.map(|h| from_hex("signer ml_dsa_65 key", &h, Some(ML_DSA_65_PK))).transpose()?;
            if signers.iter().any(|o| o.name == s.name || o.ed25519 == ed) {
                return Err(malformed("trust store", format!("signer {} (or its key) listed twice", s.name)));
            }
            if s.ops.is_empty() || s.ops.len() > MAX_OPS {
                return Err(malformed("trust store", format!("signer {} needs 1 to {MAX_OPS} ops (or \"*\")", s.name)));
            }
            for op in &s.ops {
                if op != "*" {
                    check_op("trust store", op)?;
                }
            }
            signers.push(Signer { name: s.name, ed25519: ed, ml_dsa_65: ml, ops: s.ops });
        }
        if r.allow_unsigned {
            if !crate::policy::unsigned_patches_allowed() {
                return Err(fail(
                    Step::Policy,
                    "trust store says allow_unsigned: true, which is refused unless the development policy switch allows unsigned patches",
                ));
            }
        } else if r.min_required_signatures == 0 {
            return Err(malformed("trust store", "min_required_signatures must be at least 1 (allow_unsigned is false)"));
        }
        if r.min_required_signatures > signers.len() {
            return Err(malformed(
                "trust store",
                format!("min_required_signatures {} exceeds the {} signers listed", r.min_required_signatures, signers.len()),
            ));
        }
        Ok(TrustStore { signers, min_required_signatures: r.min_required_signatures, allow_unsigned: r.allow_unsigned })
    }
}
