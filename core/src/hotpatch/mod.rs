//! Hot-patch: replace kernels of a running process with kernels from a signed, self-tested
//! shared library, atomically, with rollback, history and an audit log (brief §4, I-4–I-6).
//!
//! Pipeline of [`apply`] — each step has its own status, so a refusal names the step:
//!
//! | step | status | checks |
//! |---|---|---|
//! | parse | `PatchMalformed` | size limits, strict JSON schema of manifest and trust store |
//! | signature | `PatchSignature` | Ed25519 (and ML-DSA-65 where the trust store lists one) over [`Manifest::signed_bytes`]; distinct trusted signers ≥ threshold |
//! | digest | `PatchDigest` | payload size and SHA-256 equal the manifest's |
//! | policy | `PatchPolicy`, `PatchDowngrade` | signers may patch every op; time window; version newer than the active one per op |
//! | abi | `PatchAbi` | manifest and module kernel ABI = [`KERNEL_ABI_VERSION`]; module kernels = manifest ops |
//! | load | `PatchLoad` | an ELF shared library, loaded from the verified bytes (sealed memfd), exporting `xps_kernel_module` |
//! | cpu | `PatchCpu` | each kernel's CPU features ⊆ detected ∩ policy mask; CT-only policy |
//! | kat | `PatchKat` | the op's known-answer tests |
//! | differential | `PatchDifferential` | outputs equal the portable kernel's on random inputs of many sizes |
//! | audit | `PatchAudit` | the audit record is durably appended *before* the new table is published |
//!
//! Any refusal leaves the active table untouched and appends a `reject` audit record. The digest
//! and signature checks use built-in code that no patch can replace (the `sha2` crate and
//! ed25519-dalek / the portable ML-DSA kernel), so a patched SHA-256 or Ed25519 kernel cannot vouch
//! for the next patch. Patch modules are never unloaded while the process lives.

pub(crate) mod audit;
mod check;
mod load;
pub mod manifest;

pub use audit::{recent as audit_records, set_path as set_audit_log, AUDIT_ENV};
pub use manifest::{Manifest, TrustStore};

use crate::dispatch::{self, PatchLayer, KERNEL_ABI_VERSION};
use crate::error::{Error, Result, Status};
use serde_json::json;
use sha2::Digest;
use std::collections::HashMap;
use std::sync::Mutex;

/// The pipeline step a refusal happened at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Parse,
    Signature,
    Digest,
    Policy,
    Downgrade,
    Abi,
    Load,
    Cpu,
    Kat,
    Differential,
    Audit,
}

impl Step {
    pub fn status(self) -> Status {
        match self {
            Step::Parse => Status::PatchMalformed,
            Step::Signature => Status::PatchSignature,
            Step::Digest => Status::PatchDigest,
            Step::Policy => Status::PatchPolicy,
            Step::Downgrade => Status::PatchDowngrade,
            Step::Abi => Status::PatchAbi,
            Step::Load => Status::PatchLoad,
            Step::Cpu => Status::PatchCpu,
            Step::Kat => Status::PatchKat,
            Step::Differential => Status::PatchDifferential,
            Step::Audit => Status::PatchAudit,
        }
    }

    /// The step's name as in audit records and messages (`Downgrade` is part of `policy`).
    pub fn name(self) -> &'static str {
        match self {
            Step::Parse => "parse",
            Step::Signature => "signature",
            Step::Digest => "digest",
            Step::Policy | Step::Downgrade => "policy",
            Step::Abi => "abi",
            Step::Load => "load",
            Step::Cpu => "cpu",
            Step::Kat => "kat",
            Step::Differential => "differential",
            Step::Audit => "audit",
        }
    }

    /// The step a patch status stands for.
    pub fn from_status(s: Status) -> Option<Step> {
        [
            Step::Parse,
            Step::Signature,
            Step::Digest,
            Step::Policy,
            Step::Downgrade,
            Step::Abi,
            Step::Load,
            Step::Cpu,
            Step::Kat,
            Step::Differential,
            Step::Audit,
        ]
        .into_iter()
        .find(|st| st.status() == s)
    }
}

/// A refusal: the step and why.
#[derive(Debug)]
pub struct PatchFailure {
    pub step: Step,
    pub reason: String,
}

pub(crate) fn fail(step: Step, reason: impl Into<String>) -> PatchFailure {
    PatchFailure { step, reason: reason.into() }
}

impl From<PatchFailure> for Error {
    fn from(f: PatchFailure) -> Error {
        Error::new(f.step.status(), format!("hot-patch refused at step {}: {}", f.step.name(), f.reason))
    }
}

/// Options of [`apply`].
#[derive(Clone, Debug, Default)]
pub struct ApplyOptions {
    /// Accept a version that is not newer than the active one for its ops (an explicit,
    /// audited downgrade or re-apply). Off by default: no silent downgrade.
    pub allow_downgrade: bool,
}

/// What an apply or a rollback did.
#[derive(Clone, Debug)]
pub struct PatchReport {
    pub patch_id: String,
    pub version: u64,
    pub ops: Vec<String>,
    /// (op, kernel name) now active through this patch (empty for a rollback).
    pub kernels: Vec<(String, String)>,
    /// Distinct trusted signers whose signatures verified (empty for unsigned development patches).
    pub signers: Vec<String>,
    pub payload_sha256: [u8; 32],
    pub previous_generation: u64,
    pub new_generation: u64,
}

/// `apply` or `rollback`, in [`HistoryEntry`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Apply,
    Rollback,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::Apply => "apply",
            Action::Rollback => "rollback",
        }
    }
}

/// One generation created by the hot-patch machinery.
#[derive(Clone, Debug)]
pub struct HistoryEntry {
    pub generation: u64,
    pub previous_generation: u64,
    pub action: Action,
    /// The patch applied, or the patch removed by a rollback.
    pub patch_id: String,
    pub version: u64,
    pub ops: Vec<String>,
    /// RFC 3339 UTC.
    pub time: String,
    /// Patch ids active in this generation, bottom first.
    pub active: Vec<String>,
}

const HISTORY_MAX: usize = 4096;
static HISTORY: Mutex<Vec<HistoryEntry>> = Mutex::new(Vec::new());
/// Serializes apply/rollback (the heavy checks run outside the dispatch writer lock).
static PATCHING: Mutex<()> = Mutex::new(());
/// Loaded module per applied patch id (for `loaded_module_symbol_for_testing`).
static MODULES: Mutex<Option<HashMap<String, load::Module>>> = Mutex::new(None);

/// Generations created by apply/rollback, oldest first (the last 4096).
pub fn history() -> Vec<HistoryEntry> {
    HISTORY.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Applied patches, bottom first: (id, version, ops).
pub fn applied() -> Vec<(String, u64, Vec<&'static str>)> {
    dispatch::applied_patches()
}

fn record_history(e: HistoryEntry) {
    let mut h = HISTORY.lock().unwrap_or_else(|e| e.into_inner());
    if h.len() == HISTORY_MAX {
        h.remove(0);
    }
    h.push(e);
}

/// Test support: address of symbol `name` in the module of applied patch `patch_id`.
#[doc(hidden)]
pub fn loaded_module_symbol_for_testing(patch_id: &str, name: &str) -> Option<*mut std::ffi::c_void> {
    let m = MODULES.lock().unwrap_or_else(|e| e.into_inner()).as_ref()?.get(patch_id).cloned()?;
    m.symbol(name)
}

fn now_unix() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// What is known about a patch while the pipeline runs (for the audit record of a refusal).
#[derive(Default)]
struct Facts {
    id: Option<String>,
    version: Option<u64>,
    ops: Vec<String>,
    signers: Vec<String>,
    digest: Option<[u8; 32]>,
    /// The step running now (names the step of an unexpected panic).
    step: Option<Step>,
    allow_downgrade: bool,
    /// (op, kernel) the patch activates.
    kernels: Vec<(String, String)>,
    /// (op, "patch-id v<version>" or "built-in") the patch replaces.
    replaced: Vec<(String, String)>,
}

fn record(action: &str, f: &Facts, prev: u64, new: u64, result: &str, step: Option<Step>, reason: &str) -> serde_json::Value {
    let pairs = |v: &[(String, String)]| v.iter().map(|(a, b)| (a.clone(), serde_json::Value::from(b.clone()))).collect::<serde_json::Map<_, _>>();
    json!({
        "action": action,
        "patch_id": f.id,
        "version": f.version,
        "signers": f.signers,
        "payload_sha256": f.digest.map(|d| manifest::to_hex(&d)),
        "ops": f.ops,
        "kernels": pairs(&f.kernels),
        "replaced": pairs(&f.replaced),
        "allow_downgrade": f.allow_downgrade,
        "previous_generation": prev,
        "new_generation": new,
        "result": result,
        "step": step.map(Step::name),
        "status": step.map(|s| s.status().name()),
        "reason": reason,
    })
}

/// Runs the whole pipeline and, if every check passes, activates the patch's kernels in a new
/// dispatch generation. See the module documentation for the steps.
pub fn apply(manifest: &[u8], payload: &[u8], trust_store: &[u8], opts: &ApplyOptions) -> Result<PatchReport> {
    dispatch::table()?;
    let _serial = PATCHING.lock().unwrap_or_else(|e| e.into_inner());
    let mut facts = Facts { allow_downgrade: opts.allow_downgrade, step: Some(Step::Digest), ..Facts::default() };
    let result = if payload.len() > manifest::MAX_PAYLOAD_BYTES {
        Err(fail(Step::Digest, format!("payload of {} bytes, at most {} accepted", payload.len(), manifest::MAX_PAYLOAD_BYTES)))
    } else {
        // Our own copy: the bytes hashed, checked and loaded are these, whatever the caller's
        // memory does meanwhile (another thread, a file mapping that changes underneath).
        let payload = payload.to_vec();
        facts.digest = Some(sha2::Sha256::digest(&payload).into());
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(manifest, &payload, trust_store, opts, &mut facts))).unwrap_or_else(|_| {
            Err(fail(facts.step.unwrap_or(Step::Parse), "internal panic while checking the patch (a malformed module?)"))
        })
    };
    match result {
        Ok(r) => {
            crate::metrics::record_patch_event(crate::metrics::PatchEvent::Applied);
            Ok(r)
        }
        Err(f) => {
            crate::metrics::record_patch_event(crate::metrics::PatchEvent::Rejected);
            let g = dispatch::generation();
            // A refusal is audited best-effort: it changes nothing, so a failing log cannot undo it.
            let _ = audit::append(record("reject", &facts, g, g, "rejected", Some(f.step), &f.reason));
            Err(f.into())
        }
    }
}

/// The steps before anything is loaded — parse, signature, digest, policy (signers per op, time
/// window, versions) and the manifest's kernel ABI — shared by [`apply`] and [`verify_only`].
/// Fills `facts` as it learns them (for the audit record of a refusal).
fn precheck(manifest: &[u8], payload: &[u8], trust_store: &[u8], opts: &ApplyOptions, facts: &mut Facts) -> std::result::Result<(Manifest, bool), PatchFailure> {
    // parse
    facts.step = Some(Step::Parse);
    let m = Manifest::parse(manifest)?;
    facts.id = Some(m.id.clone());
    facts.version = Some(m.version);
    facts.ops = m.ops.clone();
    let trust = TrustStore::parse(trust_store)?;
    // signature
    facts.step = Some(Step::Signature);
    let signers = verify_signatures(&m, &trust)?;
    facts.signers = signers.iter().map(|s| s.name.clone()).collect();
    // digest
    facts.step = Some(Step::Digest);
    if payload.len() as u64 != m.payload_size {
        return Err(fail(Step::Digest, format!("payload is {} bytes, the manifest says {}", payload.len(), m.payload_size)));
    }
    let digest: [u8; 32] = *facts.digest.get_or_insert_with(|| sha2::Sha256::digest(payload).into());
    if digest != m.payload_sha256 {
        return Err(fail(Step::Digest, "payload SHA-256 differs from the manifest's"));
    }
    // policy
    facts.step = Some(Step::Policy);
    let unsigned = signers.is_empty();
    for op in &m.ops {
        if unsigned {
            break; // allow_unsigned development mode (refused at parse unless the policy allows it)
        }
        let allowed = signers.iter().filter(|s| s.may_patch(op)).count();
        if allowed < trust.min_required_signatures {
            let denied: Vec<&str> = signers.iter().filter(|s| !s.may_patch(op)).map(|s| s.name.as_str()).collect();
            return Err(fail(
                Step::Policy,
                format!("op {op}: {allowed} signer(s) allowed to patch it, {} required (not allowed: {})", trust.min_required_signatures, denied.join(", ")),
            ));
        }
    }
    let now = now_unix();
    if m.not_before.is_some_and(|t| now < t) || m.not_after.is_some_and(|t| now > t) {
        return Err(fail(Step::Policy, format!("outside the manifest's time window (now {now}, not_before {:?}, not_after {:?})", m.not_before, m.not_after)));
    }
    dispatch::with_state(|st| check_versions(st, &m, opts))?;
    if m.kernel_abi != KERNEL_ABI_VERSION {
        return Err(fail(Step::Abi, format!("manifest kernel ABI {} differs from the library's {KERNEL_ABI_VERSION}", m.kernel_abi)));
    }
    Ok((m, unsigned))
}

fn run(manifest: &[u8], payload: &[u8], trust_store: &[u8], opts: &ApplyOptions, facts: &mut Facts) -> std::result::Result<PatchReport, PatchFailure> {
    if !crate::policy::hot_patch_allowed() {
        return Err(fail(Step::Policy, "policy: hot_patch_allowed is off"));
    }
    let (m, unsigned) = precheck(manifest, payload, trust_store, opts, facts)?;
    // load (from the verified bytes) + abi
    facts.step = Some(Step::Load);
    let module = load::load(payload, &m.payload_sha256)?;
    facts.step = Some(Step::Abi);
    let kernels = load::kernels(&module, &m.ops)?;
    let ops = dispatch::ops();
    facts.kernels = kernels.iter().map(|(i, c)| (ops[*i].name.to_string(), c.desc().name().to_string())).collect();
    // cpu
    facts.step = Some(Step::Cpu);
    for (i, c) in &kernels {
        if !dispatch::is_available(c.desc()) {
            let missing = crate::cpu::feature_names(c.desc().requires & !(crate::cpu::features() & crate::policy::isa_mask()));
            let why = if missing.is_empty() { "the CT-only policy refuses a kernel without a constant-time claim".to_string() } else { format!("needs CPU features {missing:?}") };
            return Err(fail(Step::Cpu, format!("{}: kernel {}: {why}", ops[*i].name, c.desc().name())));
        }
    }
    // kat, then differential
    facts.step = Some(Step::Kat);
    for (i, c) in &kernels {
        check::known_answers(ops[*i].name, c)?;
    }
    facts.step = Some(Step::Differential);
    for (i, c) in &kernels {
        check::differential(ops[*i].name, c)?;
    }
    facts.step = Some(Step::Audit);
    // audit + swap (under the dispatch writer lock: versions re-checked, record written, then published)
    let layer = PatchLayer {
        id: m.id.clone(),
        version: m.version,
        kernels: kernels.clone(),
        payload_sha256: m.payload_sha256,
        signers: facts.signers.clone(),
    };
    let (prev, new) = dispatch::push_patch(layer, |st, prev, next| {
        check_versions(st, &m, opts)?;
        facts.replaced = m
            .ops
            .iter()
            .map(|op| {
                let (v, id) = dispatch::patch_version_of(st, dispatch::op_index(op).unwrap_or(usize::MAX));
                (op.clone(), id.map_or_else(|| "built-in".to_string(), |id| format!("{id} v{v}")))
            })
            .collect();
        let mut reason = Vec::new();
        if unsigned {
            reason.push("unsigned (development policy)");
        }
        if opts.allow_downgrade {
            reason.push("allow_downgrade");
        }
        audit::append(record("apply", facts, prev, next, "ok", None, &reason.join("; ")))
            .map_err(|e| Error::from(fail(Step::Audit, format!("cannot write the audit log: {e}"))))
    })
    .map_err(|e| PatchFailure { step: Step::from_status(e.status).unwrap_or(Step::Audit), reason: e.detail.to_string() })?;
    MODULES.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert_with(HashMap::new).insert(m.id.clone(), module.clone());
    record_history(HistoryEntry {
        generation: new,
        previous_generation: prev,
        action: Action::Apply,
        patch_id: m.id.clone(),
        version: m.version,
        ops: m.ops.clone(),
        time: audit::now_rfc3339(),
        active: applied().into_iter().map(|(id, _, _)| id).collect(),
    });
    Ok(PatchReport {
        patch_id: m.id,
        version: m.version,
        ops: m.ops,
        kernels: kernels.iter().map(|(i, c)| (ops[*i].name.to_string(), c.desc().name().to_string())).collect(),
        signers: facts.signers.clone(),
        payload_sha256: m.payload_sha256,
        previous_generation: prev,
        new_generation: new,
    })
}

fn check_versions(st: &dispatch::WriterState, m: &Manifest, opts: &ApplyOptions) -> Result<()> {
    if opts.allow_downgrade {
        return Ok(());
    }
    for op in &m.ops {
        let i = dispatch::op_index(op).unwrap_or(usize::MAX);
        let (active, id) = dispatch::patch_version_of(st, i);
        if m.version <= active {
            return Err(fail(
                Step::Downgrade,
                format!("op {op}: version {} is not newer than the active version {active} (patch {})", m.version, id.unwrap_or_default()),
            )
            .into());
        }
    }
    Ok(())
}

impl From<Error> for PatchFailure {
    fn from(e: Error) -> PatchFailure {
        PatchFailure { step: Step::from_status(e.status).unwrap_or(Step::Policy), reason: e.detail.to_string() }
    }
}

/// Verifies every signature of a known signer (an invalid one refuses the manifest; signatures
/// by unknown signers are ignored) and returns the distinct signers whose signatures verified.
fn verify_signatures<'t>(m: &Manifest, trust: &'t TrustStore) -> std::result::Result<Vec<&'t manifest::Signer>, PatchFailure> {
    let msg = m.signed_bytes();
    let mut valid: Vec<&manifest::Signer> = Vec::new();
    let mut unknown: Vec<&str> = Vec::new();
    for s in &m.signatures {
        let Some(signer) = trust.signers.iter().find(|t| t.name == s.signer) else {
            unknown.push(&s.signer);
            continue;
        };
        let ed_ok = ed25519_dalek::VerifyingKey::from_bytes(&signer.ed25519)
            .and_then(|vk| vk.verify_strict(&msg, &ed25519_dalek::Signature::from_bytes(&s.ed25519)))
            .is_ok();
        if !ed_ok {
            return Err(fail(Step::Signature, format!("the Ed25519 signature by {} does not verify", s.signer)));
        }
        if let Some(pk) = &signer.ml_dsa_65 {
            let Some(sig) = &s.ml_dsa_65 else {
                return Err(fail(Step::Signature, format!("signer {} must also sign with ML-DSA-65", s.signer)));
            };
            if !ml_dsa_65_verify(pk, &msg, sig) {
                return Err(fail(Step::Signature, format!("the ML-DSA-65 signature by {} does not verify", s.signer)));
            }
        }
        if !valid.iter().any(|v| v.name == signer.name) {
            valid.push(signer);
        }
    }
    if valid.len() < trust.min_required_signatures || (valid.is_empty() && !trust.allow_unsigned) {
        let extra = if unknown.is_empty() { String::new() } else { format!(" (ignored signatures by unknown signers: {})", unknown.join(", ")) };
        return Err(fail(
            Step::Signature,
            format!("{} distinct trusted signer(s) signed, {} required{extra}", valid.len(), trust.min_required_signatures.max(1)),
        ));
    }
    Ok(valid)
}

/// ML-DSA-65 signing on the built-in portable kernel (a patched kernel never sees a signer's key).
fn ml_dsa_65_sign(sk: &[u8], msg: &[u8]) -> Result<Vec<u8>> {
    let i = dispatch::op_index("sign.ml-dsa-65").ok_or_else(|| Error::new(Status::UnknownAlgorithm, "ml-dsa-65 is not in this build"))?;
    let dispatch::Candidate::Sign(k) = dispatch::ops()[i].candidates[0] else { return Err(Error::new(Status::Internal, "ml-dsa-65 op kind")) };
    if sk.len() != k.sk_len {
        return Err(Error::new(Status::BadKeyLength, format!("an ML-DSA-65 secret key is {} bytes, got {}", k.sk_len, sk.len())));
    }
    let mut sig = vec![0u8; k.sig_len];
    let mut n = 0usize;
    // SAFETY: live slices with the kernel's lengths; empty context; hedged signing (flags 0).
    let rc = unsafe { (k.sign)(sk.as_ptr(), sk.len(), msg.as_ptr(), msg.len(), std::ptr::null(), 0, 0, sig.as_mut_ptr(), sig.len(), &mut n) };
    if rc != 0 || n != k.sig_len {
        return Err(Error::new(Status::from_code(rc).unwrap_or(Status::Internal), "ML-DSA-65 signing of the manifest failed"));
    }
    Ok(sig)
}

/// ML-DSA-65 verification on the built-in portable kernel (never a patched one).
fn ml_dsa_65_verify(pk: &[u8], msg: &[u8], sig: &[u8]) -> bool {
    let Some(i) = dispatch::op_index("sign.ml-dsa-65") else { return false };
    let dispatch::Candidate::Sign(k) = dispatch::ops()[i].candidates[0] else { return false };
    if pk.len() != k.pk_len || sig.len() != k.sig_len {
        return false;
    }
    // SAFETY: live slices with the kernel's exact lengths; empty context.
    unsafe { (k.verify)(pk.as_ptr(), pk.len(), msg.as_ptr(), msg.len(), std::ptr::null(), 0, sig.as_ptr(), sig.len()) == 0 }
}

/// Removes the newest applied patch: its ops return to the kernels they had before it (a new
/// generation with the previous content). `NothingToRollback` if no patch is applied.
pub fn rollback() -> Result<PatchReport> {
    dispatch::table()?;
    let _serial = PATCHING.lock().unwrap_or_else(|e| e.into_inner());
    let mut facts = Facts::default();
    let popped = dispatch::pop_patch(|layer, prev, next| {
        facts.id = Some(layer.id.clone());
        facts.version = Some(layer.version);
        facts.ops = layer.kernels.iter().map(|(i, _)| dispatch::ops()[*i].name.to_string()).collect();
        facts.signers = layer.signers.clone();
        facts.digest = Some(layer.payload_sha256);
        audit::append(record("rollback", &facts, prev, next, "ok", None, ""))
            .map_err(|e| Error::from(fail(Step::Audit, format!("cannot write the audit log: {e}"))))
    })?;
    let Some((layer, prev, new)) = popped else {
        let g = dispatch::generation();
        let _ = audit::append(record("rollback", &facts, g, g, "rejected", None, "no applied patch"));
        return Err(Error::new(Status::NothingToRollback, "no applied hot-patch to roll back"));
    };
    let ops: Vec<String> = layer.kernels.iter().map(|(i, _)| dispatch::ops()[*i].name.to_string()).collect();
    crate::metrics::record_patch_event(crate::metrics::PatchEvent::RolledBack);
    record_history(HistoryEntry {
        generation: new,
        previous_generation: prev,
        action: Action::Rollback,
        patch_id: layer.id.clone(),
        version: layer.version,
        ops: ops.clone(),
        time: audit::now_rfc3339(),
        active: applied().into_iter().map(|(id, _, _)| id).collect(),
    });
    Ok(PatchReport {
        patch_id: layer.id,
        version: layer.version,
        ops,
        kernels: Vec::new(),
        signers: layer.signers,
        payload_sha256: layer.payload_sha256,
        previous_generation: prev,
        new_generation: new,
    })
}

/// Checks a manifest and payload against a trust store without loading anything: the parse,
/// signature, digest, policy (signers per op, time window, version against this process's
/// active patches) and manifest-ABI steps of [`apply`] (the operator's `xps patch verify`).
/// Returns the manifest and the distinct signers that verified. Writes no audit record.
pub fn verify_only(manifest: &[u8], payload: &[u8], trust_store: &[u8]) -> Result<(Manifest, Vec<String>)> {
    let mut facts = Facts::default();
    let (m, _) = precheck(manifest, payload, trust_store, &ApplyOptions::default(), &mut facts)?;
    Ok((m, facts.signers))
}

/// Signs a manifest: appends (or replaces) `signer`'s signature made with a 32-byte Ed25519
/// secret key (and an ML-DSA-65 secret key when given). Returns the new manifest JSON.
pub fn sign_manifest(manifest: &[u8], signer: &str, ed25519_secret: &[u8], ml_dsa_65_secret: Option<&[u8]>) -> Result<String> {
    if !manifest::valid_name(signer) {
        return Err(Error::new(Status::InvalidParameter, "signer names are 1-64 characters of A-Z a-z 0-9 . _ -"));
    }
    let mut m = Manifest::parse(manifest)?;
    let sk = zeroize::Zeroizing::new(<[u8; 32]>::try_from(ed25519_secret).map_err(|_| Error::new(Status::BadKeyLength, "an Ed25519 secret key is 32 bytes"))?);
    let msg = m.signed_bytes();
    let ed = ed25519_dalek::Signer::sign(&ed25519_dalek::SigningKey::from_bytes(&sk), &msg).to_bytes();
    let ml = ml_dsa_65_secret.map(|k| ml_dsa_65_sign(k, &msg)).transpose()?;
    m.signatures.retain(|s| s.signer != signer);
    m.signatures.push(manifest::ManifestSignature { signer: signer.to_string(), ed25519: ed, ml_dsa_65: ml });
    // Round-trip through the parser so a signed manifest is always one `apply` accepts as JSON.
    let out = m.to_json();
    Manifest::parse(out.as_bytes())?;
    Ok(out)
}

/// A fresh Ed25519 signer key pair for manifests: (public key, 32-byte secret seed in secure memory).
pub fn signer_keygen() -> Result<([u8; 32], crate::SecureBuffer)> {
    let mut seed = crate::SecureBuffer::new(32)?;
    crate::rand::random_bytes(seed.as_mut_slice())?;
    let sk = zeroize::Zeroizing::new(<[u8; 32]>::try_from(seed.as_slice()).map_err(|_| Error::new(Status::Internal, "seed size"))?);
    let pk = ed25519_dalek::SigningKey::from_bytes(&sk).verifying_key().to_bytes();
    Ok((pk, seed))
}

/// The Ed25519 public key of a 32-byte signer secret.
pub fn signer_public_key(ed25519_secret: &[u8]) -> Result<[u8; 32]> {
    let sk = zeroize::Zeroizing::new(<[u8; 32]>::try_from(ed25519_secret).map_err(|_| Error::new(Status::BadKeyLength, "an Ed25519 secret key is 32 bytes"))?);
    Ok(ed25519_dalek::SigningKey::from_bytes(&sk).verifying_key().to_bytes())
}
