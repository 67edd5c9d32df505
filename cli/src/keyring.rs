//! `xps keyring …`: keyring files (create, keys, rotation, envelopes of files) from the shell.
//! Formats and semantics: docs/KEYRING.md.

use crate::args::{self, Args, Spec};
use crate::files::{decode_hex_into, read_bounded, warn_if_shared, write_atomic_mode, MAX_KEY_FILE};
use crate::{core_error, say, Fail};
use serde_json::json;
use std::io::Write;
use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use xpscrypto_core::hotpatch::manifest::to_hex;
use xpscrypto_core::kdf::Argon2idParams;
use xpscrypto_core::keyring::{envelope, Event, Kek, KeyInfo, Keyring, Options, RotationPolicy, DEFAULT_ARGON2};
use xpscrypto_core::{secure_zero, Alg, Error, Family, SecureBuffer, Status};

/// Largest plaintext or envelope file read (an envelope is one AEAD message, held in memory).
const MAX_DATA: u64 = 256 * 1024 * 1024;

pub const USAGE: &str = "\
usage: xps keyring <command> FILE [arguments] [options]   (xps keyring <command> --help)

Keyring files (docs/KEYRING.md): named keys with versions, rotation with an overlap window,
self-describing envelopes. Every command needs FILE's key-encryption key (create: the one
that will protect the new file), from exactly one of:

  --passphrase-env VAR   the passphrase is in environment variable VAR
  --passphrase-file P    the passphrase is the first line of file P (newline stripped)
  --raw-key-file P       a raw 32-byte key: file P holds 32 bytes, or 64 hex digits

A passphrase is never taken as a command-line argument: other users can read it in `ps`
and it stays in the shell history. Without one of these options the command fails (there is
no prompt).

  create           FILE [--argon2id t=3,m=65536,p=1]
  generate         FILE NAME ALG [--max-age 90d] [--max-uses N] [--overlap 30d]
  rotate           FILE NAME [--alg ALG]
  list             FILE [--json]
  describe         FILE NAME [--json]
  set-policy       FILE NAME [--max-age D] [--max-uses N] [--overlap D]
  encrypt          FILE NAME --in PLAINTEXT --out ENVELOPE [--aad-hex H] [--force]
  decrypt          FILE --in ENVELOPE --out PLAINTEXT [--aad-hex H] [--force]
  rewrap           FILE (--in ENVELOPE --out ENVELOPE2 [--force] | --in-place ENVELOPE...) [--aad-hex H]
  revoke           FILE NAME VERSION
  destroy          FILE NAME VERSION
  set-min-version  FILE NAME VERSION
  public-key       FILE NAME [--version V] [--out PATH [--hex] [--force]]
  tick             FILE [--json]
";

/// The key-encryption-key options, appended to every command's usage.
macro_rules! kek_help {
    () => {
        "
kek options (exactly one):
  --passphrase-env VAR   passphrase from environment variable VAR
  --passphrase-file P    passphrase: the first line of file P (newline stripped)
  --raw-key-file P       raw 32-byte key-encryption key (32 bytes, or 64 hex digits)
A passphrase is never a command-line argument (it would show in `ps`).
"
    };
}

pub const CREATE_USAGE: &str = concat!(
    "\
usage: xps keyring create FILE (--passphrase-env VAR | --passphrase-file P | --raw-key-file P)
                          [--argon2id t=3,m=65536,p=1]

Creates an empty keyring file (mode 0600; an existing file is never overwritten). A passphrase
is stretched with Argon2id; its parameters are stored in the file header.

  --argon2id t=T,m=KIB,p=P   Argon2id passes, memory (KiB) and lanes (default t=3,m=65536,p=1;
                             any subset; only with a passphrase)
",
    kek_help!()
);

pub const GENERATE_USAGE: &str = concat!(
    "\
usage: xps keyring generate FILE NAME ALG [--max-age D] [--max-uses N] [--overlap D] [kek options]

Generates key NAME (version 1, primary) with algorithm ALG. NAME: 1-64 characters of
A-Z a-z 0-9 . _ -   ALG (envelopes of files need an AEAD key):
  AEAD       aes-256-gcm aes-128-gcm chacha20-poly1305 xchacha20-poly1305
  MAC        hmac-sha256 hmac-sha384 hmac-sha512 blake3-keyed
  signature  ed25519 ml-dsa-44 ml-dsa-65 ml-dsa-87 falcon-512 falcon-1024 slh-dsa-sha2-128s
             rsa-pss-sha256 ed25519+ml-dsa-65
  KEM        x25519 ml-kem-512 ml-kem-768 ml-kem-1024 x-wing

  --max-age D    rotate the primary at this age (default 90d; `none`: no limit)
  --max-uses N   rotate before N uses (default: 2^32 for AES-GCM, else none; `none`: no limit)
  --overlap D    a replaced primary decrypts for D more, then retires (default 30d; 0: at once)
Durations: 90d, 12h, 30m, 3600s or plain seconds.
",
    kek_help!()
);

pub const ROTATE_USAGE: &str = concat!(
    "\
usage: xps keyring rotate FILE NAME [--alg ALG] [kek options]

Makes a new primary version of NAME (same algorithm, or ALG) and prints it. The previous primary
becomes decrypt-only for the key's overlap window, then retires.
",
    kek_help!()
);

pub const LIST_USAGE: &str = concat!(
    "\
usage: xps keyring list FILE [--json] [kek options]

Every key: name, primary version, and each version's algorithm, state, uses and creation time
(UTC). Never key material. Uses are an upper bound while other processes hold blocks of uses.

  --json   a JSON array of key descriptions (as xps_keyring_list_json)
",
    kek_help!()
);

pub const DESCRIBE_USAGE: &str = concat!(
    "\
usage: xps keyring describe FILE NAME [--json] [kek options]

One key: policy, min_decryption_version, and its versions (algorithm, state and since when,
expiry, uses, public key). Never secret material.

  --json   a JSON object (as xps_keyring_describe_json)
",
    kek_help!()
);

pub const SET_POLICY_USAGE: &str = concat!(
    "\
usage: xps keyring set-policy FILE NAME [--max-age D] [--max-uses N] [--overlap D] [kek options]

Changes the rotation policy of NAME; options not given keep their current value. `none` lifts a
limit. Durations: 90d, 12h, 30m, 3600s or plain seconds.
",
    kek_help!()
);

pub const ENCRYPT_USAGE: &str = concat!(
    "\
usage: xps keyring encrypt FILE NAME --in PLAINTEXT --out ENVELOPE [--aad-hex H] [--force] [kek options]

Encrypts file PLAINTEXT under the primary version of AEAD key NAME into an envelope (which names
the key, version and algorithm). The output is written atomically (temporary file, rename).

  --aad-hex H   associated data (hex); decrypt and rewrap need the same
  --force       replace an existing output file (default: refuse, exit 3)
",
    kek_help!()
);

pub const DECRYPT_USAGE: &str = concat!(
    "\
usage: xps keyring decrypt FILE --in ENVELOPE --out PLAINTEXT [--aad-hex H] [--force] [kek options]

Decrypts an envelope with the version it names. The plaintext is written (mode 0600,
atomically) only after the envelope authenticated; a refused envelope (revoked, retired,
destroyed, below min_decryption_version, altered, wrong AAD) leaves no output file.

  --aad-hex H   the associated data given to encrypt (hex)
  --force       replace an existing output file (default: refuse, exit 3)
",
    kek_help!()
);

pub const REWRAP_USAGE: &str = concat!(
    "\
usage: xps keyring rewrap FILE --in ENVELOPE --out ENVELOPE2 [--force] [--aad-hex H] [kek options]
       xps keyring rewrap FILE --in-place ENVELOPE... [--aad-hex H] [kek options]

Re-encrypts envelopes under the current primary of their key; the plaintext never leaves the
library. --in-place rewrites each file atomically (keeping its mode) and reports each one; the
exit code is 1 if any failed (the others are rewritten).

  --aad-hex H   the associated data of the envelopes (hex; the same for all)
",
    kek_help!()
);

pub const REVOKE_USAGE: &str = concat!(
    "\
usage: xps keyring revoke FILE NAME VERSION [kek options]

Makes VERSION of NAME unusable for everything, immediately (XPS_E_KEY_REVOKED).
",
    kek_help!()
);

pub const DESTROY_USAGE: &str = concat!(
    "\
usage: xps keyring destroy FILE NAME VERSION [kek options]

Wipes the material of VERSION of NAME for good; a tombstone with its metadata remains. The
primary cannot be destroyed: rotate first. Envelopes of that version can never be decrypted again.
",
    kek_help!()
);

pub const SET_MIN_USAGE: &str = concat!(
    "\
usage: xps keyring set-min-version FILE NAME VERSION [kek options]

Sets min_decryption_version of NAME: versions below VERSION no longer decrypt or verify
(XPS_E_BELOW_MIN_DECRYPTION_VERSION). VERSION may not exceed the primary.
",
    kek_help!()
);

pub const PUBLIC_KEY_USAGE: &str = concat!(
    "\
usage: xps keyring public-key FILE NAME [--version V] [--out PATH [--hex] [--force]] [kek options]

The public key of a signature or KEM key (the primary, or version V): hex on stdout, or written
to PATH (raw bytes, or hex with --hex).
",
    kek_help!()
);

pub const TICK_USAGE: &str = concat!(
    "\
usage: xps keyring tick FILE [--json] [kek options]

Runs one pass of the rotation policies now: rotates primaries past their maximum age or uses,
retires versions whose overlap window ended or that expired, announces rotations due soon.
Prints each event on a line: KIND KEY OLD->NEW REASON (`-`: no version).

  --json   one JSON object per event and line
",
    kek_help!()
);

const KEK: [&str; 3] = ["passphrase-env", "passphrase-file", "raw-key-file"];

const fn spec(usage: &'static str, values: &'static [&'static str], flags: &'static [&'static str], positional: &'static [&'static str]) -> Spec {
    Spec { usage, values, repeated: &[], flags, positional, more: None }
}

const CREATE: Spec = spec(CREATE_USAGE, &["passphrase-env", "passphrase-file", "raw-key-file", "argon2id"], &[], &["FILE"]);
const GENERATE: Spec = spec(GENERATE_USAGE, &["passphrase-env", "passphrase-file", "raw-key-file", "max-age", "max-uses", "overlap"], &[], &["FILE", "NAME", "ALG"]);
const ROTATE: Spec = spec(ROTATE_USAGE, &["passphrase-env", "passphrase-file", "raw-key-file", "alg"], &[], &["FILE", "NAME"]);
const LIST: Spec = spec(LIST_USAGE, &KEK, &["json"], &["FILE"]);
const DESCRIBE: Spec = spec(DESCRIBE_USAGE, &KEK, &["json"], &["FILE", "NAME"]);
const SET_POLICY: Spec = spec(SET_POLICY_USAGE, &["passphrase-env", "passphrase-file", "raw-key-file", "max-age", "max-uses", "overlap"], &[], &["FILE", "NAME"]);
const ENCRYPT: Spec = spec(ENCRYPT_USAGE, &["passphrase-env", "passphrase-file", "raw-key-file", "in", "out", "aad-hex"], &["force"], &["FILE", "NAME"]);
const DECRYPT: Spec = spec(DECRYPT_USAGE, &["passphrase-env", "passphrase-file", "raw-key-file", "in", "out", "aad-hex"], &["force"], &["FILE"]);
const REWRAP: Spec = Spec {
    usage: REWRAP_USAGE,
    values: &["passphrase-env", "passphrase-file", "raw-key-file", "in", "out", "aad-hex"],
    repeated: &[],
    flags: &["in-place", "force"],
    positional: &["FILE"],
    more: Some("ENVELOPE"),
};
const REVOKE: Spec = spec(REVOKE_USAGE, &KEK, &[], &["FILE", "NAME", "VERSION"]);
const DESTROY: Spec = spec(DESTROY_USAGE, &KEK, &[], &["FILE", "NAME", "VERSION"]);
const SET_MIN: Spec = spec(SET_MIN_USAGE, &KEK, &[], &["FILE", "NAME", "VERSION"]);
const PUBLIC_KEY: Spec = spec(PUBLIC_KEY_USAGE, &["passphrase-env", "passphrase-file", "raw-key-file", "version", "out"], &["hex", "force"], &["FILE", "NAME"]);
const TICK: Spec = spec(TICK_USAGE, &KEK, &["json"], &["FILE"]);

type Command = fn(&Args) -> Result<(), Fail>;

/// Every `xps keyring` command: name, options, what it runs.
const COMMANDS: &[(&str, &Spec, Command)] = &[
    ("create", &CREATE, create),
    ("generate", &GENERATE, generate),
    ("rotate", &ROTATE, rotate),
    ("list", &LIST, list),
    ("describe", &DESCRIBE, describe),
    ("set-policy", &SET_POLICY, set_policy),
    ("encrypt", &ENCRYPT, encrypt),
    ("decrypt", &DECRYPT, decrypt),
    ("rewrap", &REWRAP, rewrap),
    ("revoke", &REVOKE, revoke),
    ("destroy", &DESTROY, destroy),
    ("set-min-version", &SET_MIN, set_min_version),
    ("public-key", &PUBLIC_KEY, public_key),
    ("tick", &TICK, tick),
];

/// The usage of `xps keyring <command>`.
pub fn usage_of(command: &str) -> Option<&'static str> {
    COMMANDS.iter().find(|(n, _, _)| *n == command).map(|(_, s, _)| s.usage)
}

/// `xps keyring <command> <args>`.
pub fn run(command: &str, argv: &[String]) -> Result<(), Fail> {
    let Some((_, spec, f)) = COMMANDS.iter().find(|(n, _, _)| *n == command) else {
        return Err(Fail::Usage(format!("unknown keyring command {command:?}"), USAGE));
    };
    // Refuse a passphrase given as an argument before anything else (and never echo it).
    for arg in argv {
        let name = arg.split_once('=').map_or(arg.as_str(), |(n, _)| n);
        if matches!(name, "--passphrase" | "--password" | "--pass" | "--raw-key" | "--key") {
            return Err(Fail::Usage(
                format!("{name} is not an option: a passphrase or key is never taken on the command line (other users can read it in `ps`, and it stays in the shell history); use --passphrase-env VAR, --passphrase-file PATH or --raw-key-file PATH"),
                spec.usage,
            ));
        }
    }
    let a = args::parse(spec, argv)?;
    f(&a)
}

// ---------------------------------------------------------------------------------------------
// key-encryption key, errors, small parsers
// ---------------------------------------------------------------------------------------------

/// The secret of the key-encryption key, in secure memory.
enum Secret {
    Passphrase(SecureBuffer),
    Raw(SecureBuffer),
}

impl Secret {
    fn kek(&self, params: Argon2idParams) -> Kek<'_> {
        match self {
            Secret::Passphrase(p) => Kek::Passphrase { passphrase: p.as_slice(), params },
            Secret::Raw(k) => Kek::Raw(k.as_slice()),
        }
    }
}

fn secure_copy(bytes: &[u8], what: &str) -> Result<SecureBuffer, Fail> {
    SecureBuffer::from_slice(bytes).map_err(|e| Fail::Refused(format!("{what}: cannot allocate secure memory: {e}")))
}

/// The key-encryption key named by exactly one of the `--passphrase-env`, `--passphrase-file`,
/// `--raw-key-file` options. Intermediate copies are wiped.
fn read_secret(a: &Args) -> Result<Secret, Fail> {
    let given: Vec<&str> = KEK.iter().copied().filter(|o| a.get(o).is_some()).collect();
    match given.as_slice() {
        [] => return Err(a.usage_error("the keyring's key-encryption key is needed: give --passphrase-env VAR, --passphrase-file PATH or --raw-key-file PATH (there is no prompt)")),
        [_] => {}
        _ => return Err(a.usage_error(format!("give only one of --{}", given.join(", --")))),
    }
    if let Some(var) = a.get("passphrase-env") {
        let mut bytes = std::env::var_os(var).map(OsStringExt::into_vec).unwrap_or_default();
        // Out of the environment once read: child processes (none today) do not inherit it, and
        // the libc copy is not kept alongside ours longer than needed. `remove_var` is a safe
        // function in this crate's edition (2021); it is sound here because the process is still
        // single-threaded (the keyring, and with it any rotation thread, is not open yet, and
        // nothing else reads the environment concurrently).
        std::env::remove_var(var);
        if bytes.is_empty() {
            return Err(a.usage_error(format!("--passphrase-env {var}: environment variable {var} is not set or empty")));
        }
        let s = secure_copy(&bytes, "passphrase");
        secure_zero(&mut bytes);
        return s.map(Secret::Passphrase);
    }
    if let Some(path) = a.get("passphrase-file") {
        let mut text = read_bounded(path, MAX_KEY_FILE, "passphrase file")?;
        warn_if_shared(path, "passphrase file");
        let line = text.split(|b| *b == b'\n').next().unwrap_or(&[]);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let s = if line.is_empty() {
            Err(Fail::Refused(format!("refused: passphrase file {path}: its first line is empty")))
        } else {
            secure_copy(line, "passphrase")
        };
        secure_zero(&mut text);
        return s.map(Secret::Passphrase);
    }
    let path = a.get("raw-key-file").unwrap_or_default();
    let mut bytes = read_bounded(path, MAX_KEY_FILE, "raw key file")?;
    warn_if_shared(path, "raw key file");
    let result = if bytes.len() == 32 {
        secure_copy(&bytes, "raw key")
    } else {
        let hex = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
        let hex = hex.strip_suffix(b"\r").unwrap_or(hex);
        SecureBuffer::new(32).map_err(|e| Fail::Refused(format!("raw key: cannot allocate secure memory: {e}"))).and_then(|mut key| {
            if decode_hex_into(hex, key.as_mut_slice()) {
                Ok(key)
            } else {
                Err(Fail::Refused(format!("refused: raw key file {path}: expected exactly 32 bytes, or 64 hex digits (and an optional newline); it has {} bytes", bytes.len())))
            }
        })
    };
    secure_zero(&mut bytes);
    result.map(Secret::Raw)
}

/// A core error as a CLI failure: keyring I/O (exit 3, the detail names the path), else refused
/// or failed (exit 1); both with the status name.
fn kr_error(context: &str, e: &Error) -> Fail {
    match e.status {
        Status::KeyringIo => Fail::Io(format!("{context}: {} ({}): {}", e.status.message(), e.status.name(), e.detail)),
        _ => core_error(context, e),
    }
}

fn open(a: &Args) -> Result<Keyring, Fail> {
    let secret = read_secret(a)?;
    let file = a.pos(0);
    Keyring::open(Path::new(file), &secret.kek(DEFAULT_ARGON2), &Options::default()).map_err(|e| kr_error(&format!("open keyring {file}"), &e))
}

fn alg_names() -> String {
    let names: Vec<&str> = Alg::ALL
        .iter()
        .filter(|a| matches!(a.family(), Family::Aead | Family::Mac | Family::Sign | Family::Kem) && **a != Alg::Poly1305)
        .map(|a| a.name())
        .collect();
    names.join(", ")
}

fn parse_alg(a: &Args, what: &str, name: &str) -> Result<Alg, Fail> {
    Alg::from_name(name).ok_or_else(|| a.usage_error(format!("{what} {name:?}: not an algorithm; keyring keys are one of: {}", alg_names())))
}

fn parse_version(a: &Args, what: &str, s: &str) -> Result<u32, Fail> {
    s.parse::<u32>().ok().filter(|v| *v >= 1).ok_or_else(|| a.usage_error(format!("{what} {s:?}: a key version is a whole number >= 1")))
}

/// `90d`, `12h`, `30m`, `3600s`, `3600` → seconds.
fn parse_duration(s: &str) -> Option<u64> {
    let (digits, unit) = match s.char_indices().last()? {
        (i, c) if c.is_ascii_alphabetic() => (&s[..i], c),
        _ => (s, 's'),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    let mult = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86400,
        _ => return None,
    };
    n.checked_mul(mult)
}

/// Seconds as the largest whole unit: `90d`, `12h`, `30m`, `45s`.
fn duration_text(s: u64) -> String {
    match s {
        0 => "0s".into(),
        s if s % 86400 == 0 => format!("{}d", s / 86400),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// Unix seconds as `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian, UTC).
fn utc(t: u64) -> String {
    let days = (t / 86400) as i64;
    let secs = t % 86400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs / 60 % 60, secs % 60)
}

fn policy_text(p: &RotationPolicy) -> String {
    format!(
        "max age {}, max uses {}, overlap {}",
        p.max_age.map_or("none".into(), duration_text),
        p.max_uses.map_or("none".into(), |u| u.to_string()),
        duration_text(p.overlap)
    )
}

/// `base` with the `--max-age`, `--max-uses`, `--overlap` options applied; None if none is given.
fn policy_options(a: &Args, base: RotationPolicy) -> Result<Option<RotationPolicy>, Fail> {
    if ["max-age", "max-uses", "overlap"].iter().all(|o| a.get(o).is_none()) {
        return Ok(None);
    }
    let mut p = base;
    let bad_duration = |o: &str, v: &str| a.usage_error(format!("--{o} {v:?}: expected a duration such as 90d, 12h, 30m, 3600s or 3600{}", if o == "overlap" { "" } else { " (or none)" }));
    if let Some(v) = a.get("max-age") {
        p.max_age = if v == "none" { None } else { Some(parse_duration(v).ok_or_else(|| bad_duration("max-age", v))?) };
    }
    if let Some(v) = a.get("max-uses") {
        p.max_uses = if v == "none" {
            None
        } else {
            Some(v.parse::<u64>().map_err(|_| a.usage_error(format!("--max-uses {v:?}: expected a whole number (or none)")))?)
        };
    }
    if let Some(v) = a.get("overlap") {
        p.overlap = parse_duration(v).ok_or_else(|| bad_duration("overlap", v))?;
    }
    if p.max_age == Some(0) || p.max_uses == Some(0) {
        return Err(a.usage_error("--max-age and --max-uses must be at least 1 (or none: no limit)"));
    }
    Ok(Some(p))
}

fn aad(a: &Args) -> Result<Vec<u8>, Fail> {
    let Some(h) = a.get("aad-hex") else { return Ok(Vec::new()) };
    let h = h.trim();
    let mut out = vec![0u8; h.len() / 2];
    if h.len() % 2 != 0 || !decode_hex_into(h.as_bytes(), &mut out) {
        return Err(a.usage_error(format!("--aad-hex: expected hex digits (an even number), got {} characters", h.len())));
    }
    Ok(out)
}

fn key_json(k: &KeyInfo) -> serde_json::Value {
    json!({
        "name": k.name,
        "policy": {"max_age": k.policy.max_age, "max_uses": k.policy.max_uses, "overlap": k.policy.overlap},
        "min_decryption_version": k.min_decryption_version,
        "created": k.created,
        "primary": k.primary,
        "versions": k.versions.iter().map(|v| json!({
            "version": v.version,
            "alg": v.alg.name(),
            "state": v.state.name(),
            "created": v.created,
            "state_since": v.state_since,
            "expires": v.expires,
            "uses": v.uses,
            "public_key": to_hex(&v.public_key),
        })).collect::<Vec<_>>(),
    })
}

fn event_json(e: &Event) -> serde_json::Value {
    json!({
        "kind": e.kind.name(),
        "key": e.key,
        "old_version": e.old_version,
        "new_version": e.new_version,
        "time": e.time,
        "actor": e.actor,
        "reason": e.reason,
    })
}

fn version_text(v: Option<u32>) -> String {
    v.map_or("-".into(), |v| v.to_string())
}

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// create, generate, rotate, policies, lifecycle
// ---------------------------------------------------------------------------------------------

/// `t=3,m=65536,p=1` (any subset) over the defaults.
fn parse_argon2(a: &Args, s: &str) -> Result<Argon2idParams, Fail> {
    let mut p = DEFAULT_ARGON2;
    for item in s.split(',').map(str::trim).filter(|x| !x.is_empty()) {
        let bad = || a.usage_error(format!("--argon2id {s:?}: expected t=PASSES,m=KIB,p=LANES (e.g. t=3,m=65536,p=1)"));
        let (k, v) = item.split_once('=').ok_or_else(bad)?;
        let v: u32 = v.trim().parse().map_err(|_| bad())?;
        match k.trim() {
            "t" => p.t_cost = v,
            "m" => p.m_cost_kib = v,
            "p" => p.parallelism = v,
            _ => return Err(bad()),
        }
    }
    Ok(p)
}

fn create(a: &Args) -> Result<(), Fail> {
    let file = a.pos(0);
    let params = a.get("argon2id").map(|s| parse_argon2(a, s)).transpose()?;
    if params.is_some() && a.get("raw-key-file").is_some() {
        return Err(a.usage_error("--argon2id applies to a passphrase, not to --raw-key-file"));
    }
    let secret = read_secret(a)?;
    if Path::new(file).symlink_metadata().is_ok() {
        return Err(Fail::Io(format!("{file} already exists; not overwriting a keyring file")));
    }
    let params = params.unwrap_or(DEFAULT_ARGON2);
    Keyring::create(Path::new(file), &secret.kek(params), &Options::default()).map_err(|e| match e.status {
        Status::KeyExists => Fail::Io(format!("{file} already exists; not overwriting a keyring file")),
        _ => kr_error(&format!("create keyring {file}"), &e),
    })?;
    let how = match secret {
        Secret::Passphrase(_) => format!("a passphrase (Argon2id t={}, m={} KiB, p={})", params.t_cost, params.m_cost_kib, params.parallelism),
        Secret::Raw(_) => "a raw 32-byte key".to_string(),
    };
    say!("created keyring {file} (empty), protected by {how}");
    Ok(())
}

fn generate(a: &Args) -> Result<(), Fail> {
    let (name, alg_name) = (a.pos(1), a.pos(2));
    let alg = parse_alg(a, "ALG", alg_name)?;
    let policy = policy_options(a, RotationPolicy::default_for(alg))?;
    let kr = open(a)?;
    let v = kr.generate(name, alg, policy).map_err(|e| kr_error(&format!("generate {name}"), &e))?;
    let info = kr.describe(name).map_err(|e| kr_error("describe", &e))?;
    say!("generated {name} version {v} ({}), primary", alg.name());
    say!("policy: {}", policy_text(&info.policy));
    Ok(())
}

fn rotate(a: &Args) -> Result<(), Fail> {
    let name = a.pos(1);
    let alg = a.get("alg").map(|s| parse_alg(a, "--alg", s)).transpose()?;
    let kr = open(a)?;
    let v = kr.rotate(name, alg).map_err(|e| kr_error(&format!("rotate {name}"), &e))?;
    let info = kr.describe(name).map_err(|e| kr_error("describe", &e))?;
    let new = info.versions.iter().find(|x| x.version == v);
    say!("rotated {name}: version {v} ({}) is primary", new.map_or("?", |x| x.alg.name()));
    // The version this rotation demoted (the newest older one that was not already retired).
    if let Some(old) = info.versions.iter().filter(|x| x.version < v && x.state_since == new.map_or(0, |n| n.created)).max_by_key(|x| x.version) {
        match old.state {
            xpscrypto_core::keyring::KeyState::DecryptOnly => {
                say!("version {} is decrypt-only until {} (overlap {})", old.version, utc(old.state_since.saturating_add(info.policy.overlap)), duration_text(info.policy.overlap));
            }
            s => say!("version {} is {}", old.version, s.name()),
        }
    }
    Ok(())
}

fn set_policy(a: &Args) -> Result<(), Fail> {
    let name = a.pos(1);
    if ["max-age", "max-uses", "overlap"].iter().all(|o| a.get(o).is_none()) {
        return Err(a.usage_error("give at least one of --max-age, --max-uses, --overlap"));
    }
    let kr = open(a)?;
    let current = kr.describe(name).map_err(|e| kr_error(&format!("set-policy {name}"), &e))?.policy;
    let p = policy_options(a, current)?.unwrap_or(current);
    kr.set_policy(name, p).map_err(|e| kr_error(&format!("set-policy {name}"), &e))?;
    say!("{name}: policy {} (was {})", policy_text(&p), policy_text(&current));
    Ok(())
}

fn key_and_version(a: &Args) -> Result<(&str, u32), Fail> {
    Ok((a.pos(1), parse_version(a, "VERSION", a.pos(2))?))
}

fn revoke(a: &Args) -> Result<(), Fail> {
    let (name, v) = key_and_version(a)?;
    let kr = open(a)?;
    kr.revoke(name, v).map_err(|e| kr_error(&format!("revoke {name} version {v}"), &e))?;
    say!("revoked {name} version {v}: unusable for everything from now on");
    Ok(())
}

fn destroy(a: &Args) -> Result<(), Fail> {
    let (name, v) = key_and_version(a)?;
    let kr = open(a)?;
    kr.destroy(name, v).map_err(|e| kr_error(&format!("destroy {name} version {v}"), &e))?;
    say!("destroyed {name} version {v}: material wiped, tombstone kept");
    Ok(())
}

fn set_min_version(a: &Args) -> Result<(), Fail> {
    let (name, v) = key_and_version(a)?;
    let kr = open(a)?;
    let old = kr.describe(name).map_err(|e| kr_error(&format!("set-min-version {name}"), &e))?.min_decryption_version;
    kr.set_min_decryption_version(name, v).map_err(|e| kr_error(&format!("set-min-version {name}"), &e))?;
    say!("{name}: min_decryption_version {old} -> {v} (versions below {v} no longer decrypt or verify)");
    Ok(())
}

fn tick(a: &Args) -> Result<(), Fail> {
    let kr = open(a)?;
    let events = kr.tick().map_err(|e| kr_error("tick", &e))?;
    for e in &events {
        if a.flag("json") {
            say!("{}", event_json(e));
        } else {
            say!("{} {} {}->{} {}", e.kind.name(), e.key, version_text(e.old_version), version_text(e.new_version), e.reason);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// list, describe, public keys
// ---------------------------------------------------------------------------------------------

fn list(a: &Args) -> Result<(), Fail> {
    let kr = open(a)?;
    let keys = kr.list();
    if a.flag("json") {
        say!("{}", pretty(&serde_json::Value::Array(keys.iter().map(key_json).collect())));
        return Ok(());
    }
    if keys.is_empty() {
        say!("no keys (add one with `xps keyring generate`)");
        return Ok(());
    }
    let name_w = keys.iter().map(|k| k.name.len()).max().unwrap_or(3).max(3);
    let alg_w = keys.iter().flat_map(|k| k.versions.iter().map(|v| v.alg.name().len())).max().unwrap_or(3).max(3);
    say!("{:name_w$}  {:7}  {:7}  {:alg_w$}  {:12}  {:>10}  created", "key", "primary", "version", "alg", "state", "uses");
    for k in &keys {
        for (i, v) in k.versions.iter().enumerate() {
            say!(
                "{:name_w$}  {:7}  {:7}  {:alg_w$}  {:12}  {:>10}  {}",
                if i == 0 { k.name.as_str() } else { "" },
                if i == 0 { version_text(k.primary) } else { String::new() },
                v.version,
                v.alg.name(),
                v.state.name(),
                v.uses,
                utc(v.created),
            );
        }
    }
    Ok(())
}

fn describe(a: &Args) -> Result<(), Fail> {
    let name = a.pos(1);
    let kr = open(a)?;
    let k = kr.describe(name).map_err(|e| kr_error(&format!("describe {name}"), &e))?;
    if a.flag("json") {
        say!("{}", pretty(&key_json(&k)));
        return Ok(());
    }
    say!("key:                    {}", k.name);
    say!("created:                {}", utc(k.created));
    say!("primary:                {}", k.primary.map_or("none".into(), |v| format!("version {v}")));
    say!("min_decryption_version: {}", k.min_decryption_version);
    say!("policy:                 {}", policy_text(&k.policy));
    say!("versions:");
    let alg_w = k.versions.iter().map(|v| v.alg.name().len()).max().unwrap_or(3);
    for v in &k.versions {
        let mut line = format!("  {:>4}  {:alg_w$}  {:12}  since {}  created {}  uses {}", v.version, v.alg.name(), v.state.name(), utc(v.state_since), utc(v.created), v.uses);
        if v.state == xpscrypto_core::keyring::KeyState::DecryptOnly {
            line.push_str(&format!("  decrypts until {}", utc(v.state_since.saturating_add(k.policy.overlap))));
        }
        if let Some(e) = v.expires {
            line.push_str(&format!("  expires {}", utc(e)));
        }
        if !v.public_key.is_empty() {
            let h = to_hex(&v.public_key);
            line.push_str(&format!("  public key {}{} ({} bytes)", &h[..h.len().min(16)], if h.len() > 16 { "…" } else { "" }, v.public_key.len()));
        }
        say!("{line}");
    }
    Ok(())
}

fn public_key(a: &Args) -> Result<(), Fail> {
    let name = a.pos(1);
    let version = a.get("version").map(|s| parse_version(a, "--version", s)).transpose()?;
    if a.get("out").is_none() && (a.flag("hex") || a.flag("force")) {
        return Err(a.usage_error("--hex and --force go with --out (without it the key is printed as hex)"));
    }
    let kr = open(a)?;
    let (v, alg, pk) = kr.public_key(name, version).map_err(|e| kr_error(&format!("public-key {name}"), &e))?;
    match a.get("out") {
        None => say!("{}", to_hex(&pk)),
        Some(out) => {
            let bytes = if a.flag("hex") { format!("{}\n", to_hex(&pk)).into_bytes() } else { pk.clone() };
            write_atomic_mode(out, &bytes, 0o644, a.flag("force"))?;
            say!("wrote {out}: {} public key of {name} version {v} ({} bytes{})", alg.name(), pk.len(), if a.flag("hex") { ", hex" } else { ", raw" });
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// envelopes of files
// ---------------------------------------------------------------------------------------------

/// `(key, version, alg)` an envelope names, for messages.
fn named(env: &[u8]) -> String {
    envelope::parse(env).map_or_else(|_| "?".into(), |e| format!("key {} version {} ({})", e.key, e.version, e.alg.name()))
}

fn envelope_version(env: &[u8]) -> Option<u32> {
    envelope::parse(env).ok().map(|e| e.version)
}

fn encrypt(a: &Args) -> Result<(), Fail> {
    let name = a.pos(1);
    let (input, out) = (a.required("in")?, a.required("out")?);
    let aad = aad(a)?;
    let kr = open(a)?;
    let mut plaintext = read_bounded(input, MAX_DATA, "plaintext")?;
    let sealed = kr.encrypt(name, &plaintext, &aad);
    let n = plaintext.len();
    secure_zero(&mut plaintext);
    let env = sealed.map_err(|e| kr_error(&format!("encrypt with {name}"), &e))?;
    write_atomic_mode(out, &env, 0o644, a.flag("force"))?;
    say!("wrote {out}: {} bytes ({n} bytes of plaintext) under {}", env.len(), named(&env));
    Ok(())
}

fn decrypt(a: &Args) -> Result<(), Fail> {
    let (input, out) = (a.required("in")?, a.required("out")?);
    let aad = aad(a)?;
    let kr = open(a)?;
    let env = read_bounded(input, MAX_DATA, "envelope")?;
    let plaintext = kr.decrypt(&env, &aad).map_err(|e| kr_error(&format!("decrypt {input}"), &e))?;
    write_atomic_mode(out, &plaintext, 0o600, a.flag("force"))?;
    say!("wrote {out}: {} bytes of plaintext (mode 0600) from {}", plaintext.len(), named(&env));
    Ok(())
}

fn rewrap(a: &Args) -> Result<(), Fail> {
    let aad = aad(a)?;
    let in_place = a.flag("in-place");
    let extra = a.more(1);
    if !in_place {
        if !extra.is_empty() {
            return Err(a.usage_error(format!("unexpected argument {:?} (several envelopes are rewrapped with --in-place)", extra[0])));
        }
        let (input, out) = (a.required("in")?, a.required("out")?);
        let kr = open(a)?;
        let env = read_bounded(input, MAX_DATA, "envelope")?;
        let new = kr.rewrap(&env, &aad).map_err(|e| kr_error(&format!("rewrap {input}"), &e))?;
        write_atomic_mode(out, &new, 0o644, a.flag("force"))?;
        say!("wrote {out}: {} -> version {}", named(&env), version_text(envelope_version(&new)));
        return Ok(());
    }
    if a.get("out").is_some() || a.flag("force") {
        return Err(a.usage_error("--in-place rewrites each file: --out and --force do not apply"));
    }
    let files: Vec<&str> = a.get("in").into_iter().chain(extra.iter().map(String::as_str)).collect();
    if files.is_empty() {
        return Err(a.usage_error("--in-place needs at least one envelope file"));
    }
    let kr = open(a)?;
    let mut failed = 0usize;
    // Read every file first; rewrap the readable ones in one call.
    let mut read: Vec<(&str, Vec<u8>, u32)> = Vec::new();
    for f in &files {
        // A symbolic link is refused: replacing the envelope would replace the link itself with a
        // regular file (and rewriting its target in place is not what --in-place promises).
        let meta = std::fs::symlink_metadata(f);
        if meta.as_ref().is_ok_and(|m| m.file_type().is_symlink()) {
            failed += 1;
            eprintln!("error: {f} is a symbolic link; --in-place does not replace links (rewrap its target, or use --in/--out)");
            continue;
        }
        // Permission bits only: setuid, setgid and sticky bits are not carried over.
        let mode = meta.map_or(0o644, |m| m.permissions().mode() & 0o777);
        match read_bounded(f, MAX_DATA, "envelope") {
            Ok(b) => read.push((f, b, mode)),
            Err(Fail::Io(m) | Fail::Refused(m) | Fail::Usage(m, _)) => {
                failed += 1;
                eprintln!("error: {m}");
            }
            Err(Fail::Help(_)) => {}
        }
    }
    let inputs: Vec<&[u8]> = read.iter().map(|(_, b, _)| b.as_slice()).collect();
    let results = kr.rewrap_many(&inputs, &aad);
    for ((f, old, mode), r) in read.iter().zip(results) {
        let outcome = r.map_err(|e| kr_error(&format!("rewrap {f}"), &e)).and_then(|new| write_atomic_mode(f, &new, *mode, true).map(|()| new));
        match outcome {
            Ok(new) => say!("{f}: {} -> version {}", named(old), version_text(envelope_version(&new))),
            Err(Fail::Io(m) | Fail::Refused(m) | Fail::Usage(m, _)) => {
                failed += 1;
                eprintln!("error: {m}");
            }
            Err(Fail::Help(_)) => {}
        }
    }
    if failed > 0 {
        return Err(Fail::Refused(format!("rewrap: {failed} of {} envelope files failed (the others were rewrapped)", files.len())));
    }
    say!("rewrapped {} envelope file(s)", files.len());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{alg_names, duration_text, parse_duration, utc, GENERATE_USAGE};

    #[test]
    fn generate_usage_lists_every_keyring_algorithm() {
        let listed: std::collections::BTreeSet<&str> = GENERATE_USAGE
            .lines()
            .skip_while(|l| !l.starts_with("  AEAD "))
            .take_while(|l| !l.trim().is_empty() && !l.starts_with("  --"))
            .flat_map(|l| l.split_whitespace())
            .filter(|w| !["AEAD", "MAC", "signature", "KEM"].contains(w))
            .collect();
        let all = alg_names();
        let all: std::collections::BTreeSet<&str> = all.split(", ").collect();
        assert_eq!(listed, all);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90d"), Some(90 * 86400));
        assert_eq!(parse_duration("12h"), Some(12 * 3600));
        assert_eq!(parse_duration("30m"), Some(1800));
        assert_eq!(parse_duration("3600s"), Some(3600));
        assert_eq!(parse_duration("3600"), Some(3600));
        for bad in ["", "d", "1.5d", "-1d", "10y", "1 d", "99999999999999999999d"] {
            assert_eq!(parse_duration(bad), None, "{bad:?}");
        }
        assert_eq!(duration_text(90 * 86400), "90d");
        assert_eq!(duration_text(7200), "2h");
        assert_eq!(duration_text(61), "61s");
    }

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(utc(4_102_444_799), "2099-12-31T23:59:59Z");
    }
}
