//! `xps patch …`: signer keys, trust stores, manifest signing, verification and a dry-run apply.

use crate::args::{self, split_list, Spec};
use crate::files::{read_bounded, read_public_hex, read_secret_hex, write_atomic, write_new};
use crate::{core_error, patch_failure, refused_at, say, Fail};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use xpscrypto_core::hotpatch::manifest::{
    to_hex, ManifestSignature, MAX_JSON_BYTES, MAX_PAYLOAD_BYTES, ML_DSA_65_PK, TRUST_STORE_FORMAT,
};
use xpscrypto_core::hotpatch::{self, ApplyOptions, Manifest, Step, TrustStore};
use xpscrypto_core::{aead, dispatch, hash, kdf, kem, mac, sign, Alg, Error, SecureBuffer};

pub const KEYGEN_USAGE: &str = "\
usage: xps patch keygen --name NAME --out PREFIX [--ml-dsa] [--force]

Makes an Ed25519 signer key pair for hot-patch manifests and writes
  PREFIX.key   the 32-byte secret key, hex (mode 0600)
  PREFIX.pub   the public key, hex
then prints the trust-store signer entry to paste. The secret is never printed.

  --name NAME   signer name (1-64 characters of A-Z a-z 0-9 . _ -)
  --out PREFIX  path prefix of the key files
  --ml-dsa      also make an ML-DSA-65 key pair (PREFIX.ml-dsa-65.key, PREFIX.ml-dsa-65.pub);
                a trust store listing it requires this signer to sign with both keys
  --force       replace existing key files (default: refuse, exit 3)
";

pub const TRUST_STORE_USAGE: &str = "\
usage: xps patch trust-store --signer NAME=PUBFILE[:op1,op2] ... [--ml-dsa-pub NAME=FILE ...]
                             [--threshold N] --out FILE

Writes a trust store (format xpscrypto-trust-store/1, allow_unsigned false) and checks it with
the library's parser.

  --signer NAME=PUBFILE[:OPS]  a signer, its Ed25519 public key file (as written by keygen) and
                               the ops it may patch (comma-separated; default: all, \"*\")
  --ml-dsa-pub NAME=FILE       ML-DSA-65 public key file of signer NAME (then its signatures
                               must carry a valid ML-DSA-65 signature too)
  --threshold N                distinct trusted signers required (min_required_signatures, default 1)
  --out FILE                   where to write it (replaced atomically)
";

pub const SIGN_USAGE: &str = "\
usage: xps patch sign --payload FILE --key KEYFILE --signer NAME
                      (--id ID --version N --ops OP1,OP2 [--not-before UNIX] [--not-after UNIX]
                       | --manifest EXISTING)
                      [--ml-dsa-key FILE] [--out MANIFEST]

Without --manifest: creates a manifest for the payload (format xpscrypto-patch-manifest/1,
the library's kernel ABI, payload file name, size and SHA-256, created = now) and signs it.
With --manifest: co-signs an existing manifest (adds this signer's signature, or replaces it);
the payload must match the manifest, and --id/--version/--ops, if given, must equal its fields.

  --payload FILE     the patch module (shared library)
  --key KEYFILE      the signer's Ed25519 secret key (hex, from `xps patch keygen`)
  --signer NAME      the signer name the trust store lists for this key
  --id ID            patch id (1-64 characters of A-Z a-z 0-9 . _ -)
  --version N        patch version (>= 1; must be newer than the active one for each op)
  --ops OPS          ops the module replaces, comma-separated (see `xps info`)
  --not-before UNIX  optional start of validity (Unix seconds)
  --not-after UNIX   optional end of validity (Unix seconds)
  --ml-dsa-key FILE  the signer's ML-DSA-65 secret key (hex), when the trust store lists one
  --manifest M       co-sign this manifest instead of creating one
  --out MANIFEST     output (default: the --manifest file, else <payload>.manifest.json)
";

pub const VERIFY_USAGE: &str = "\
usage: xps patch verify --manifest M --payload P --trust-store T

Checks the manifest schema, the signatures against the trust store, the payload's size and
SHA-256, the signers' op permissions, the validity window and the kernel ABI version. Nothing is
loaded: the load, CPU, known-answer and differential steps run only in `xps patch apply`.
";

pub const APPLY_USAGE: &str = "\
usage: xps patch apply --manifest M --payload P --trust-store T
                       [--allow-downgrade] [--audit-log FILE] [--rollback]

A dry run for operators: runs the whole hot-patch pipeline inside this xps process (signatures,
digest, policy, load, ABI, CPU, known-answer and differential tests, audited swap), prints the
kernels now active, exercises each patched op through the public API, and with --rollback rolls
the patch back. The patch only ever lives in this process: it ends when xps exits. Services are
patched through the C ABI (xps_patch_apply) or the language bindings.

  --allow-downgrade   accept a version that is not newer than the active one (audited)
  --audit-log FILE    append audit records here (default: $XPS_PATCH_AUDIT_LOG, else none)
  --rollback          roll the patch back afterwards and show the restored kernels
";

const KEYGEN: Spec = Spec { usage: KEYGEN_USAGE, values: &["name", "out"], repeated: &[], flags: &["ml-dsa", "force"], positional: &[], more: None };
const TRUST: Spec = Spec { usage: TRUST_STORE_USAGE, values: &["threshold", "out"], repeated: &["signer", "ml-dsa-pub"], flags: &[], positional: &[], more: None };
const SIGN: Spec = Spec {
    usage: SIGN_USAGE,
    values: &["payload", "id", "version", "ops", "key", "signer", "out", "manifest", "not-after", "not-before", "ml-dsa-key"],
    repeated: &[],
    flags: &[],
    positional: &[],
    more: None,
};
const VERIFY: Spec = Spec { usage: VERIFY_USAGE, values: &["manifest", "payload", "trust-store"], repeated: &[], flags: &[], positional: &[], more: None };
const APPLY: Spec = Spec {
    usage: APPLY_USAGE,
    values: &["manifest", "payload", "trust-store", "audit-log"],
    repeated: &[],
    flags: &["allow-downgrade", "rollback"],
    positional: &[],
    more: None,
};

const JSON_LIMIT: u64 = MAX_JSON_BYTES as u64;
const PAYLOAD_LIMIT: u64 = MAX_PAYLOAD_BYTES as u64;

use xpscrypto_core::hotpatch::manifest::valid_name;

fn now_unix() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// A JSON string literal.
fn js(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// One trust-store signer entry on one line, in the documented key order.
fn signer_entry(name: &str, ed25519: &[u8], ml_dsa_65: Option<&[u8]>, ops: &[String]) -> String {
    let ml = ml_dsa_65.map_or(String::new(), |k| format!(", \"ml_dsa_65\": \"{}\"", to_hex(k)));
    let ops: Vec<String> = ops.iter().map(|o| js(o)).collect();
    format!("{{\"name\": {}, \"ed25519\": \"{}\"{ml}, \"ops\": [{}]}}", js(name), to_hex(ed25519), ops.join(", "))
}

fn with_suffix(prefix: &str, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{prefix}{suffix}"))
}

// ---------------------------------------------------------------------------------------------
// keygen
// ---------------------------------------------------------------------------------------------

/// `hex(secret) + "\n"` in secure memory, written to a new 0600 file.
fn write_secret(path: &Path, secret: &[u8], force: bool) -> Result<(), Fail> {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = SecureBuffer::new(2 * secret.len() + 1).map_err(|e| core_error("keygen", &e))?;
    let t = text.as_mut_slice();
    for (i, b) in secret.iter().enumerate() {
        t[2 * i] = DIGITS[usize::from(b >> 4)];
        t[2 * i + 1] = DIGITS[usize::from(b & 15)];
    }
    t[2 * secret.len()] = b'\n';
    write_new(path, 0o600, force, text.as_slice())
}

pub fn keygen(argv: &[String]) -> Result<(), Fail> {
    let a = args::parse(&KEYGEN, argv)?;
    let name = a.required("name")?;
    let prefix = a.required("out")?;
    let force = a.flag("force");
    let ml_dsa = a.flag("ml-dsa");
    if !valid_name(name) {
        return Err(a.usage_error(format!("--name {name:?}: a signer name is 1-64 characters of A-Z a-z 0-9 . _ -")));
    }
    if prefix.is_empty() || prefix.ends_with('/') {
        return Err(a.usage_error(format!("--out {prefix:?}: give a path prefix such as keys/{name}")));
    }
    let mut paths = vec![with_suffix(prefix, ".key"), with_suffix(prefix, ".pub")];
    if ml_dsa {
        paths.push(with_suffix(prefix, ".ml-dsa-65.key"));
        paths.push(with_suffix(prefix, ".ml-dsa-65.pub"));
    }
    // Refuse before writing anything, so a refusal never leaves half a key pair behind.
    if !force {
        if let Some(p) = paths.iter().find(|p| p.symlink_metadata().is_ok()) {
            return Err(Fail::Io(format!("{} already exists; not overwriting it (use --force to replace it)", p.display())));
        }
    }
    let (public, secret) = hotpatch::signer_keygen().map_err(|e| core_error("keygen", &e))?;
    write_secret(&paths[0], secret.as_slice(), force)?;
    write_new(&paths[1], 0o644, force, format!("{}\n", to_hex(&public)).as_bytes())?;
    let mut ml_public = None;
    if ml_dsa {
        let (pk, sk) = sign::keypair(Alg::MlDsa65, None).map_err(|e| core_error("ML-DSA-65 keygen", &e))?;
        write_secret(&paths[2], sk.as_slice(), force)?;
        write_new(&paths[3], 0o644, force, format!("{}\n", to_hex(&pk)).as_bytes())?;
        ml_public = Some(pk);
    }
    for p in &paths {
        say!("wrote {}", p.display());
    }
    say!("");
    say!("trust-store signer entry (add it to \"signers\", narrow \"ops\" as needed):");
    say!("{}", signer_entry(name, &public, ml_public.as_deref(), &["*".to_string()]));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// trust-store
// ---------------------------------------------------------------------------------------------

pub fn trust_store(argv: &[String]) -> Result<(), Fail> {
    let a = args::parse(&TRUST, argv)?;
    let out = a.required("out")?;
    let threshold: usize = a.number("threshold")?.unwrap_or(1);
    let specs = a.all("signer");
    if specs.is_empty() {
        return Err(a.usage_error("at least one --signer NAME=PUBFILE is required"));
    }
    let mut ml: Vec<(&str, &str)> = Vec::new();
    for s in a.all("ml-dsa-pub") {
        let (name, file) = s.split_once('=').filter(|(n, f)| !n.is_empty() && !f.is_empty()).ok_or_else(|| a.usage_error(format!("--ml-dsa-pub {s:?}: expected NAME=FILE")))?;
        ml.push((name, file));
    }
    let (mut signers, mut names) = (Vec::new(), Vec::new());
    for s in specs {
        let (name, rest) = s.split_once('=').filter(|(n, r)| !n.is_empty() && !r.is_empty()).ok_or_else(|| a.usage_error(format!("--signer {s:?}: expected NAME=PUBFILE[:op1,op2]")))?;
        // `:ops` is the part after the last colon, unless that part looks like a path.
        let (file, ops) = match rest.rsplit_once(':') {
            Some((f, o)) if !f.is_empty() && !o.contains('/') => (f, split_list(o)),
            _ => (rest, Vec::new()),
        };
        let ops = if ops.is_empty() { vec!["*".to_string()] } else { ops };
        let public = read_public_hex(file, 32, &format!("public key of {name}"))?;
        let ml_public = match ml.iter().find(|(n, _)| *n == name) {
            Some((_, f)) => Some(read_public_hex(f, ML_DSA_65_PK, &format!("ML-DSA-65 public key of {name}"))?),
            None => None,
        };
        names.push(name);
        signers.push(signer_entry(name, &public, ml_public.as_deref(), &ops));
    }
    if let Some((n, _)) = ml.iter().find(|(n, _)| !names.contains(n)) {
        return Err(a.usage_error(format!("--ml-dsa-pub names {n:?}, which no --signer defines")));
    }
    let text = format!(
        "{{\n  \"format\": {},\n  \"min_required_signatures\": {threshold},\n  \"allow_unsigned\": false,\n  \"signers\": [\n    {}\n  ]\n}}\n",
        js(TRUST_STORE_FORMAT),
        signers.join(",\n    ")
    );
    let parsed = TrustStore::parse(text.as_bytes()).map_err(patch_failure)?;
    write_atomic(out, text.as_bytes())?;
    say!("wrote {out}: {} signer(s), {} signature(s) required", parsed.signers.len(), parsed.min_required_signatures);
    for s in &parsed.signers {
        say!("  {}  ed25519 {}{}  ops {}", s.name, to_hex(&s.ed25519), if s.ml_dsa_65.is_some() { " + ML-DSA-65" } else { "" }, s.ops.join(","));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// sign
// ---------------------------------------------------------------------------------------------

fn sha256(data: &[u8]) -> Result<[u8; 32], Fail> {
    let d = hash::hash(Alg::Sha256, data).map_err(|e| core_error("sha256", &e))?;
    d.try_into().map_err(|_| Fail::Refused("sha256: unexpected digest length".into()))
}

pub fn sign(argv: &[String]) -> Result<(), Fail> {
    let a = args::parse(&SIGN, argv)?;
    let payload_path = a.required("payload")?;
    let key_path = a.required("key")?;
    let signer = a.required("signer")?;
    let existing = a.get("manifest");
    let version: Option<u64> = a.number("version")?;
    let not_before: Option<u64> = a.number("not-before")?;
    let not_after: Option<u64> = a.number("not-after")?;
    let ops = a.get("ops").map(split_list);
    if ops.as_ref().is_some_and(Vec::is_empty) {
        return Err(a.usage_error("--ops needs at least one op"));
    }
    if existing.is_some() && (not_before.is_some() || not_after.is_some()) {
        return Err(a.usage_error("--not-before/--not-after cannot change when co-signing (they are signed fields; create a new manifest)"));
    }
    if existing.is_none() {
        for o in ["id", "version", "ops"] {
            a.required(o)?;
        }
    }

    let payload = read_bounded(payload_path, PAYLOAD_LIMIT, "payload")?;
    let digest = sha256(&payload)?;
    let (unsigned, default_out) = match existing {
        None => {
            let name = Path::new(payload_path)
                .file_name()
                .and_then(|n| n.to_str())
                .ok_or_else(|| a.usage_error(format!("--payload {payload_path:?}: no UTF-8 file name")))?;
            let m = Manifest {
                id: a.required("id")?.to_string(),
                version: version.unwrap_or(0),
                kernel_abi: dispatch::KERNEL_ABI_VERSION,
                ops: ops.clone().unwrap_or_default(),
                payload_name: name.to_string(),
                payload_size: payload.len() as u64,
                payload_sha256: digest,
                created: now_unix(),
                not_before,
                not_after,
                signatures: Vec::new(),
            };
            (m.to_json().into_bytes(), format!("{payload_path}.manifest.json"))
        }
        Some(path) => {
            let bytes = read_bounded(path, JSON_LIMIT, "manifest")?;
            let m = Manifest::parse(&bytes).map_err(patch_failure)?;
            if m.payload_size != payload.len() as u64 || m.payload_sha256 != digest {
                return Err(refused_at(Step::Digest, format!("payload {payload_path} is not the one manifest {path} describes (size or SHA-256 differs); not co-signing")));
            }
            let mismatch = |what: &str, given: String, have: String| refused_at(Step::Parse, format!("--{what} {given} differs from the manifest's {have}; not co-signing"));
            if let Some(id) = a.get("id").filter(|id| *id != m.id) {
                return Err(mismatch("id", id.to_string(), m.id));
            }
            if let Some(v) = version.filter(|v| *v != m.version) {
                return Err(mismatch("version", v.to_string(), m.version.to_string()));
            }
            if let Some(o) = ops.filter(|o| *o != m.ops) {
                return Err(mismatch("ops", o.join(","), m.ops.join(",")));
            }
            (bytes, path.to_string())
        }
    };
    let out = a.get("out").map_or(default_out, str::to_string);

    let key = read_secret_hex(key_path, Some(32), "signing key")?;
    let ml_key = a.get("ml-dsa-key").map(|p| read_secret_hex(p, None, "ML-DSA-65 signing key")).transpose()?;
    let public = hotpatch::signer_public_key(key.as_slice()).map_err(|e| core_error("signing key", &e))?;
    let signed = hotpatch::sign_manifest(&unsigned, signer, key.as_slice(), ml_key.as_ref().map(SecureBuffer::as_slice))
        .map_err(|e| core_error("sign", &e))?;
    let m = Manifest::parse(signed.as_bytes()).map_err(patch_failure)?;
    write_atomic(&out, signed.as_bytes())?;

    say!("{} manifest for patch {} version {} (ops {})", if existing.is_some() { "co-signed" } else { "signed" }, m.id, m.version, m.ops.join(", "));
    say!("payload:    {} ({} bytes, sha256 {})", m.payload_name, m.payload_size, to_hex(&m.payload_sha256));
    say!("signer:     {signer} (ed25519 {}{})", to_hex(&public), if ml_key.is_some() { " + ML-DSA-65" } else { "" });
    say!("signatures: {}", m.signatures.iter().map(|s: &ManifestSignature| s.signer.as_str()).collect::<Vec<_>>().join(", "));
    say!("wrote {out}");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// verify
// ---------------------------------------------------------------------------------------------

struct Inputs {
    manifest: Vec<u8>,
    payload: Vec<u8>,
    trust: Vec<u8>,
}

fn read_inputs(a: &args::Args) -> Result<Inputs, Fail> {
    let (m, p, t) = (a.required("manifest")?, a.required("payload")?, a.required("trust-store")?);
    Ok(Inputs {
        manifest: read_bounded(m, JSON_LIMIT, "manifest")?,
        trust: read_bounded(t, JSON_LIMIT, "trust store")?,
        payload: read_bounded(p, PAYLOAD_LIMIT, "payload")?,
    })
}

fn window_text(m: &Manifest) -> String {
    match (m.not_before, m.not_after) {
        (None, None) => "no time window".into(),
        (b, e) => format!("valid {} .. {} (Unix seconds)", b.map_or("-".into(), |x| x.to_string()), e.map_or("-".into(), |x| x.to_string())),
    }
}

pub fn verify(argv: &[String]) -> Result<(), Fail> {
    let a = args::parse(&VERIFY, argv)?;
    let i = read_inputs(&a)?;
    let (m, signers) = hotpatch::verify_only(&i.manifest, &i.payload, &i.trust).map_err(|e| core_error("verify", &e))?;
    let required = TrustStore::parse(&i.trust).map(|t| t.min_required_signatures).unwrap_or(1);
    say!("patch:      {}", m.id);
    say!("version:    {}", m.version);
    say!("ops:        {}", m.ops.join(", "));
    say!("payload:    {} ({} bytes, sha256 {})", m.payload_name, m.payload_size, to_hex(&m.payload_sha256));
    say!("kernel ABI: {}", m.kernel_abi);
    say!("window:     {}", window_text(&m));
    say!("signers:    {} ({} verified, {} required)", signers.join(", "), signers.len(), required);
    say!("OK (not loaded)");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// apply (dry run)
// ---------------------------------------------------------------------------------------------

/// What exercising an op through the public API showed.
struct Exercise {
    what: String,
    /// Output of a deterministic computation (compared before/after), if any.
    output: Option<String>,
}

fn short_hex(b: &[u8]) -> String {
    let h = to_hex(b);
    if h.len() > 64 {
        format!("{}…", &h[..64])
    } else {
        h
    }
}

/// Runs op `op` once through the public API on a fixed input (`"abc"`).
fn exercise(op: &str) -> Result<Option<Exercise>, Error> {
    let Some((family, name)) = op.split_once('.') else { return Ok(None) };
    let Some(alg) = Alg::from_name(name) else { return Ok(None) };
    let msg = b"abc";
    Ok(Some(match family {
        "hash" => Exercise { what: format!("{name}(\"abc\")"), output: Some(to_hex(&hash::hash(alg, msg)?)) },
        "mac" => {
            let key: Vec<u8> = (0u8..32).collect();
            let mut tag = vec![0u8; mac::tag_len(alg)?];
            mac::mac_into(alg, &key, msg, &mut tag)?;
            Exercise { what: format!("{name}(key 00..1f, \"abc\")"), output: Some(to_hex(&tag)) }
        }
        "aead" => {
            let key = aead::AeadKey::new(alg, &vec![0u8; aead::key_len(alg)?])?;
            let nonce = vec![0u8; aead::nonce_len(alg)?];
            let sealed = key.seal_to_vec(&nonce, b"", msg)?;
            if key.open_to_vec(&nonce, b"", &sealed)? != msg {
                return Err(Error::new(xpscrypto_core::Status::Internal, "open did not return the sealed plaintext"));
            }
            Exercise { what: format!("{name} seal(zero key, zero nonce, \"abc\") + open"), output: Some(to_hex(&sealed)) }
        }
        "kdf" if alg == Alg::Argon2id => {
            let mut out = [0u8; 32];
            let p = kdf::Argon2idParams { t_cost: 1, m_cost_kib: 64, parallelism: 1 };
            kdf::argon2id(p, msg, b"xps-cli-exercise", &[], &[], &mut out)?;
            Exercise { what: "argon2id(t=1, m=64 KiB, p=1, \"abc\")".into(), output: Some(to_hex(&out)) }
        }
        "sign" => {
            let (pk, sk) = sign::keypair(alg, None)?;
            let sig = sign::sign(alg, sk.as_slice(), msg)?;
            sign::verify(alg, &pk, msg, &sig)?;
            Exercise { what: format!("{name} keypair + sign(\"abc\") + verify: ok, signature {}", short_hex(&sig)), output: None }
        }
        "kem" => {
            let (pk, sk) = kem::keypair(alg, None)?;
            let (ct, ss) = kem::encapsulate(alg, &pk, None)?;
            if *kem::decapsulate(alg, sk.as_slice(), &ct)? != *ss {
                return Err(Error::new(xpscrypto_core::Status::Internal, "decapsulated secret differs from the encapsulated one"));
            }
            Exercise { what: format!("{name} keypair + encapsulate + decapsulate: ok"), output: None }
        }
        _ => return Ok(None),
    }))
}

fn kernel_of(op: &str) -> String {
    dispatch::active_kernel(op).map_or_else(|e| format!("? ({})", e.status.name()), str::to_string)
}

/// Exercises each op, printing the result (and whether it equals the `before` output).
fn show_exercises(ops: &[String], before: &[(String, Option<String>)]) -> Result<(), Fail> {
    let mut failed = None;
    for op in ops {
        match exercise(op) {
            Ok(Some(x)) => {
                let same = before.iter().find(|(o, _)| o == op).and_then(|(_, b)| b.as_ref()).zip(x.output.as_ref()).map(|(b, a)| b == a);
                say!("  {op} on {}: {}", kernel_of(op), x.what);
                if let Some(out) = &x.output {
                    say!("    = {out}{}", match same {
                        Some(true) => "  (same as before the patch)",
                        Some(false) => "  (DIFFERS from before the patch)",
                        None => "",
                    });
                }
                if same == Some(false) {
                    failed.get_or_insert_with(|| format!("op {op}: output differs from the one before the patch"));
                }
            }
            Ok(None) => say!("  {op} on {}: no exercise for this op", kernel_of(op)),
            Err(e) => {
                say!("  {op} on {}: FAILED: {e}", kernel_of(op));
                failed.get_or_insert_with(|| format!("exercising op {op}: {e}"));
            }
        }
    }
    failed.map_or(Ok(()), |f| Err(Fail::Refused(f)))
}

pub fn apply(argv: &[String]) -> Result<(), Fail> {
    let a = args::parse(&APPLY, argv)?;
    let i = read_inputs(&a)?;
    xpscrypto_core::init().map_err(|e| core_error("init", &e))?;
    let audit = match a.get("audit-log") {
        Some(p) => {
            // Fail early, naming the path, if the log cannot be opened (the library would refuse
            // at step audit, without the path, only after loading and testing the patch).
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .mode(0o600)
                .open(p)
                .map_err(|e| Fail::Io(format!("cannot open audit log {p}: {e}")))?;
            hotpatch::set_audit_log(Some(PathBuf::from(p)));
            Some(p.to_string())
        }
        None => std::env::var(hotpatch::AUDIT_ENV).ok().filter(|v| !v.is_empty()),
    };
    // The ops' kernels and outputs before, for the report (when the manifest parses at all; if
    // it does not, `apply` refuses it at step parse and audits the refusal).
    let ops: Vec<String> = Manifest::parse(&i.manifest).map(|m| m.ops).unwrap_or_default();
    let kernels_before: Vec<(String, String)> = ops.iter().map(|o| (o.clone(), kernel_of(o))).collect();
    let outputs_before: Vec<(String, Option<String>)> = ops.iter().map(|o| (o.clone(), exercise(o).ok().flatten().and_then(|x| x.output))).collect();

    say!("audit log:  {}", audit.as_deref().unwrap_or("none (use --audit-log FILE or $XPS_PATCH_AUDIT_LOG)"));
    let opts = ApplyOptions { allow_downgrade: a.flag("allow-downgrade") };
    let report = hotpatch::apply(&i.manifest, &i.payload, &i.trust, &opts).map_err(|e| core_error("apply", &e))?;
    say!("applied patch {} version {} in this process", report.patch_id, report.version);
    say!("signers:    {}", if report.signers.is_empty() { "none (unsigned development patch)".to_string() } else { report.signers.join(", ") });
    say!("payload:    sha256 {}", to_hex(&report.payload_sha256));
    say!("generation: {} -> {}", report.previous_generation, report.new_generation);
    say!("kernels now active:");
    for (op, k) in &report.kernels {
        let before = kernels_before.iter().find(|(o, _)| o == op).map_or("?", |(_, b)| b.as_str());
        say!("  {op}: {k} (was {before}; dispatch reports {})", kernel_of(op));
    }
    say!("exercising the patched ops:");
    let exercised = show_exercises(&report.ops, &outputs_before);

    let rolled = if a.flag("rollback") {
        let r = hotpatch::rollback().map_err(|e| core_error("rollback", &e))?;
        say!("rolled back patch {} version {}", r.patch_id, r.version);
        say!("generation: {} -> {}", r.previous_generation, r.new_generation);
        say!("kernels restored:");
        for op in &r.ops {
            say!("  {op}: {}", kernel_of(op));
        }
        say!("exercising the restored ops:");
        show_exercises(&r.ops, &outputs_before)
    } else {
        say!("note: the patch is active only inside this xps process and ends when it exits;");
        say!("      patch a running service through xps_patch_apply (C ABI) or the language bindings");
        Ok(())
    };
    exercised.and(rolled)?;
    say!("OK");
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn names() {
        assert!(super::valid_name("ops-team_1.a"));
        assert!(!super::valid_name(""));
        assert!(!super::valid_name("a b"));
        assert!(!super::valid_name(&"x".repeat(65)));
    }

    #[test]
    fn manifest_format_is_the_core_one() {
        assert_eq!(xpscrypto_core::hotpatch::manifest::MANIFEST_FORMAT, "xpscrypto-patch-manifest/1");
    }

    #[test]
    fn size_text() {
        assert_eq!(crate::files::size_text(64 << 10), "64 KiB");
        assert_eq!(crate::files::size_text(64 << 20), "64 MiB");
        assert_eq!(crate::files::size_text(100), "100 bytes");
    }
}
