//! The keyring (`xps_keyring_*` of the C ABI; docs/KEYRING.md): named keys with versions,
//! rotation with an overlap window, self-describing envelopes, an encrypted keyring file
//! (Argon2id passphrase or raw key-encryption key), events and an audit log. A thin layer over
//! `xpscrypto_core::keyring`: arguments are converted and checked here, every decision is the core's.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode, UnknownReturnValue};
use napi_derive::napi;
use xpscrypto_core::kdf::Argon2idParams;
use xpscrypto_core::keyring::{self as core, Clock, Kek, ManualClock, Options, DEFAULT_ARGON2};
use xpscrypto_core::{Alg, Status};
use zeroize::Zeroizing;

use crate::err::{shown, status, OrJs, Result};
use crate::task::{own, spawn, Outcome, Work};

/// Largest integer a JS number holds exactly (2^53 − 1).
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A JS number that must be a whole number of seconds (or uses) in [0, 2^53).
fn whole(v: f64, what: &str) -> xpscrypto_core::Result<u64> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= MAX_SAFE {
        Ok(v as u64)
    } else {
        Err(xpscrypto_core::Error::new(Status::InvalidParameter, format!("{what} must be an integer in [0, 2^53), got {v}")))
    }
}

/// A JS number that must be an integer in [`min`, 2^32). Numbers are taken as `f64` and checked
/// here: napi's `u32` conversion reads them modulo 2^32 and truncates fractions (2^32 + 1 would be
/// 1, 2.9 would be 2).
fn u32_of(v: f64, what: &str, min: u32) -> Result<u32> {
    if v.is_finite() && v >= f64::from(min) && v.fract() == 0.0 && v <= f64::from(u32::MAX) {
        Ok(v as u32)
    } else {
        Err(status(Status::InvalidParameter, format!("{what} must be an integer in [{min}, 2^32), got {v}")))
    }
}

/// A JS number that must be a version number (an integer in [1, 2^32)).
fn version_of(v: f64, what: &str) -> Result<u32> {
    u32_of(v, what, 1)
}

/// Any algorithm name (the core says whether a keyring key may have it).
fn any_alg(name: &str) -> Result<Alg> {
    Alg::from_name(name).ok_or_else(|| status(Status::UnknownAlgorithm, format!("unknown algorithm name {:?} (see algorithms())", shown(name))))
}

// ------------------------------------------------------------------------------------ objects

/// A key's rotation policy (seconds and uses; `null`: no limit).
#[napi(object, use_nullable = true)]
pub struct KeyringRotationPolicy {
    /// Rotate when the primary is this many seconds old (`null`: never by age).
    pub max_age: Option<f64>,
    /// Rotate before the primary has served this many encryptions / signatures / MACs (`null`:
    /// no limit; AES-GCM keys default to 2^32, exact as a number).
    pub max_uses: Option<f64>,
    /// Seconds a replaced primary stays decrypt-only before it retires.
    pub overlap: f64,
}

/// A rotation policy given by the caller: `maxAge` / `maxUses` left out or `null` mean no limit;
/// `overlap` (seconds) is required. Every field is a whole number below 2^53.
#[napi(object)]
pub struct KeyringRotationPolicyInput {
    /// Seconds; `null` or left out: never by age.
    #[napi(ts_type = "number | null")]
    pub max_age: Option<Either<f64, Null>>,
    /// Encryptions / signatures / MACs per version; `null` or left out: no limit.
    #[napi(ts_type = "number | null")]
    pub max_uses: Option<Either<f64, Null>>,
    /// Seconds a replaced primary stays decrypt-only.
    pub overlap: f64,
}

/// An optional limit: a number, or `null` / left out for none.
fn limit(v: &Option<Either<f64, Null>>, what: &str) -> Result<Option<u64>> {
    match v {
        Some(Either::A(n)) => whole(*n, what).map(Some).js(),
        _ => Ok(None),
    }
}

fn policy_in(p: &KeyringRotationPolicyInput) -> Result<core::RotationPolicy> {
    Ok(core::RotationPolicy {
        max_age: limit(&p.max_age, "policy.maxAge")?,
        max_uses: limit(&p.max_uses, "policy.maxUses")?,
        overlap: whole(p.overlap, "policy.overlap").js()?,
    })
}

fn policy_out(p: &core::RotationPolicy) -> KeyringRotationPolicy {
    KeyringRotationPolicy { max_age: p.max_age.map(|v| v as f64), max_uses: p.max_uses.map(|v| v as f64), overlap: p.overlap as f64 }
}

/// A lifecycle event (never key material).
#[napi(object, use_nullable = true)]
pub struct KeyLifecycleEvent {
    /// What happened.
    #[napi(ts_type = "'generated' | 'imported' | 'planned' | 'rotated' | 'retired' | 'revoked' | 'destroyed' | 'min-decryption-version' | 'failed'")]
    pub kind: String,
    /// The key's name (empty for a failed retirement pass, which concerns no single key).
    pub key: String,
    /// The version replaced / retired / revoked / destroyed / planned for rotation (the old
    /// minimum for `min-decryption-version`).
    pub old_version: Option<u32>,
    /// The version made (the new minimum for `min-decryption-version`).
    pub new_version: Option<u32>,
    /// Keyring clock, Unix seconds.
    pub time: f64,
    /// Who made the change: a call (`'api'`) or the rotation service (`'auto-rotation'`, also
    /// for `tick()`).
    #[napi(ts_type = "'api' | 'auto-rotation'")]
    pub actor: String,
    /// Why (for `failed`: the error).
    pub reason: String,
}

fn event_out(e: &core::Event) -> KeyLifecycleEvent {
    KeyLifecycleEvent {
        kind: e.kind.name().into(),
        key: e.key.clone(),
        old_version: e.old_version,
        new_version: e.new_version,
        time: e.time as f64,
        actor: e.actor.into(),
        reason: e.reason.clone(),
    }
}

/// One version of a key (never material).
#[napi(object, use_nullable = true)]
pub struct KeyringVersionInfo {
    /// 1, 2, …
    pub version: u32,
    /// Canonical algorithm name.
    pub alg: String,
    /// Lifecycle state (docs/KEYRING.md).
    #[napi(ts_type = "'primary' | 'active' | 'decrypt-only' | 'retired' | 'revoked' | 'destroyed'")]
    pub state: String,
    /// Unix seconds (keyring clock).
    pub created: f64,
    /// When the current state began (decrypt-only: the start of the overlap window).
    pub state_since: f64,
    /// When the version retires (`null`: no expiry).
    pub expires: Option<f64>,
    /// Uses made (an upper bound across processes).
    pub uses: f64,
    /// Signature and KEM keys: the public key; AEAD and MAC keys: an empty Buffer.
    pub public_key: Buffer,
}

/// A key and its versions (never material).
#[napi(object, use_nullable = true)]
pub struct KeyringKeyInfo {
    pub name: String,
    pub policy: KeyringRotationPolicy,
    /// Versions below it are refused (0: none).
    pub min_decryption_version: u32,
    /// Unix seconds (keyring clock).
    pub created: f64,
    /// The primary version (`null`: none, e.g. after revoking it).
    pub primary: Option<u32>,
    /// Every version, tombstones included, oldest first.
    pub versions: Vec<KeyringVersionInfo>,
}

fn info_out(k: core::KeyInfo) -> KeyringKeyInfo {
    KeyringKeyInfo {
        name: k.name,
        policy: policy_out(&k.policy),
        min_decryption_version: k.min_decryption_version,
        created: k.created as f64,
        primary: k.primary,
        versions: k
            .versions
            .into_iter()
            .map(|v| KeyringVersionInfo {
                version: v.version,
                alg: v.alg.name().into(),
                state: v.state.name().into(),
                created: v.created as f64,
                state_since: v.state_since as f64,
                expires: v.expires.map(|e| e as f64),
                uses: v.uses as f64,
                public_key: v.public_key.into(),
            })
            .collect(),
    }
}

/// A MAC tag and the version that made it (`verifyMac` needs both).
#[napi(object)]
pub struct KeyringMac {
    /// The version that made the tag.
    pub version: u32,
    pub tag: Buffer,
}

/// The public key of a signature or KEM key version.
#[napi(object)]
pub struct KeyringPublicKey {
    pub version: u32,
    /// Canonical algorithm name.
    pub alg: String,
    pub public_key: Buffer,
}

/// Argon2id parameters of a passphrase-protected keyring file (stored in its header).
#[napi(object, js_name = "KeyringArgon2id")]
pub struct KeyringArgon2id {
    /// Passes, 1..=64.
    pub t_cost: f64,
    /// Memory in KiB, 8·parallelism ..= 4 GiB.
    pub m_cost_kib: f64,
    /// Lanes, 1..=64.
    pub parallelism: f64,
}

/// Options of `Keyring.inMemory`.
#[napi(object)]
pub struct KeyringMemoryOptions {
    /// Use a manual clock starting at this Unix time (seconds) instead of the system clock; it
    /// moves only with `setClock` / `advanceClock` (tests: months of rotations in milliseconds).
    pub manual_clock: Option<f64>,
}

/// How a keyring file is protected: exactly one of `passphrase` and `rawKey`.
#[napi(object)]
pub struct KeyringFileOptions {
    /// The key-encryption key is Argon2id(passphrase) (a string is used as its UTF-8 bytes;
    /// prefer a Uint8Array you can wipe).
    #[napi(ts_type = "Uint8Array | string")]
    pub passphrase: Option<Either<Uint8Array, String>>,
    /// A raw 32-byte key-encryption key.
    pub raw_key: Option<Uint8Array>,
    /// Argon2id parameters for a new file (`create`, `saveAs`; default t=3, m=64 MiB, p=1). `open`
    /// always uses the parameters in the file's header and ignores this.
    #[napi(js_name = "argon2id")]
    pub argon2id: Option<KeyringArgon2id>,
    /// As in `Keyring.inMemory`.
    pub manual_clock: Option<f64>,
}

/// A key-encryption key with owned (wiped-on-drop) bytes, usable off the JS thread.
struct KekOwned {
    secret: Zeroizing<Vec<u8>>,
    passphrase: bool,
    params: Argon2idParams,
}

impl KekOwned {
    fn kek(&self) -> Kek<'_> {
        if self.passphrase {
            Kek::Passphrase { passphrase: &self.secret, params: self.params }
        } else {
            Kek::Raw(&self.secret)
        }
    }
}

/// The secrets of a `KeyringFileOptions`, moved into wiped-on-drop buffers before anything is
/// checked (a failed check, or both secrets given, still wipes them).
struct FileSecrets {
    passphrase: Option<Zeroizing<Vec<u8>>>,
    raw_key: Option<Zeroizing<Vec<u8>>>,
    argon2id: Option<KeyringArgon2id>,
    manual_clock: Option<f64>,
}

fn secrets_of(o: KeyringFileOptions) -> FileSecrets {
    FileSecrets {
        passphrase: o.passphrase.map(|p| match p {
            Either::A(b) => own(&b),
            // The string's own bytes, moved (not copied) into the wiped-on-drop buffer.
            Either::B(s) => Zeroizing::new(s.into_bytes()),
        }),
        raw_key: o.raw_key.map(|k| own(&k)),
        argon2id: o.argon2id,
        manual_clock: o.manual_clock,
    }
}

fn kek_of(o: FileSecrets) -> Result<KekOwned> {
    let params = match &o.argon2id {
        Some(a) => {
            // The ranges a keyring file header accepts (a file made with other values could not be
            // opened again); Argon2id itself checks m >= 8 p.
            let bad = || status(Status::InvalidParameter, "argon2id: tCost and parallelism 1..=64, mCostKib at most 4 GiB");
            let t_cost = u32_of(a.t_cost, "argon2id.tCost", 1)?;
            let m_cost_kib = u32_of(a.m_cost_kib, "argon2id.mCostKib", 0)?;
            let parallelism = u32_of(a.parallelism, "argon2id.parallelism", 1)?;
            if t_cost > 64 || parallelism > 64 || m_cost_kib > 4 * 1024 * 1024 {
                return Err(bad());
            }
            Argon2idParams { t_cost, m_cost_kib, parallelism }
        }
        None => DEFAULT_ARGON2,
    };
    match (o.passphrase, o.raw_key) {
        (Some(secret), None) => {
            if secret.is_empty() {
                return Err(status(Status::InvalidParameter, "an empty passphrase"));
            }
            Ok(KekOwned { secret, passphrase: true, params })
        }
        (None, Some(secret)) => {
            if o.argon2id.is_some() {
                return Err(status(Status::InvalidParameter, "argon2id parameters apply to a passphrase, not to a raw key"));
            }
            Ok(KekOwned { secret, passphrase: false, params })
        }
        (Some(_), Some(_)) => Err(status(Status::InvalidParameter, "give either options.passphrase or options.rawKey, not both")),
        (None, None) => Err(status(Status::InvalidParameter, "options.passphrase or options.rawKey is required")),
    }
}

/// The clock of a new keyring: the system clock, or a manual one starting at `start`.
fn clock_of(start: Option<f64>) -> Result<(Options, Option<Arc<ManualClock>>)> {
    match start {
        None => Ok((Options::default(), None)),
        Some(t) => {
            let c = Arc::new(ManualClock::new(whole(t, "manualClock").js()?));
            Ok((Options { clock: Some(c.clone()) }, Some(c)))
        }
    }
}

fn path_of(p: &str) -> Result<PathBuf> {
    if p.is_empty() {
        return Err(status(Status::InvalidParameter, "empty keyring path"));
    }
    if p.contains('\0') {
        return Err(status(Status::InvalidParameter, "the keyring path contains a NUL character"));
    }
    Ok(PathBuf::from(p))
}

/// Everything `create` / `open` need, checked on the JS thread (copies of the caller's bytes).
struct FileArgs {
    path: PathBuf,
    kek: KekOwned,
    opts: Options,
    clock: Option<Arc<ManualClock>>,
}

fn file_args(path: &str, o: KeyringFileOptions) -> Result<FileArgs> {
    let s = secrets_of(o); // first: every error below wipes them
    let (opts, clock) = clock_of(s.manual_clock)?;
    let path = path_of(path)?;
    Ok(FileArgs { path, kek: kek_of(s)?, opts, clock })
}

impl Outcome for () {
    type Js = ();
    fn into_js(self) {}
}

/// A keyring made on the pool, wrapped on the JS thread.
pub struct Made(core::Keyring, Option<Arc<ManualClock>>);

impl Outcome for Made {
    type Js = Keyring;
    fn into_js(self) -> Keyring {
        Keyring::wrap(self.0, self.1)
    }
}

/// Options of `Keyring#generate`.
#[napi(object)]
pub struct KeyringGenerateOptions {
    /// Default: 90 days, 30 days of overlap, and 2^32 uses for AES-GCM.
    pub policy: Option<KeyringRotationPolicyInput>,
}

/// Options of `Keyring#importKey`.
#[napi(object)]
pub struct KeyringImportOptions {
    /// `material` is a seed (signature and KEM keys) rather than the raw key (default false;
    /// KEM keys are always imported from their seed).
    pub seed: Option<bool>,
    /// For a new version of an existing key: make it the primary (default false: active, i.e.
    /// decrypts and verifies only). A new key's first version is always primary.
    pub primary: Option<bool>,
    /// Replaces the key's rotation policy (a new key: default for the algorithm).
    pub policy: Option<KeyringRotationPolicyInput>,
}

/// Options of `Keyring#decapsulate` and `Keyring#publicKey`.
#[napi(object)]
pub struct KeyringVersionOptions {
    /// A version number (default: the primary).
    pub version: Option<f64>,
}

fn opt_version(o: &Option<KeyringVersionOptions>) -> Result<Option<u32>> {
    o.as_ref().and_then(|o| o.version).map(|v| version_of(v, "options.version")).transpose()
}

type EventCallback = ThreadsafeFunction<KeyLifecycleEvent, UnknownReturnValue, KeyLifecycleEvent, napi::Status, false, true>;

// -------------------------------------------------------------------------------------- class

/// A keyring: named keys with versions, rotation with an overlap window, self-describing
/// envelopes, in memory or in an encrypted keyring file shared safely between processes (every
/// change is durable when the call returns). Make one with `Keyring.inMemory`, `Keyring.create`
/// or `Keyring.open` (or their `*Async` twins); `close()` when done. Semantics: docs/KEYRING.md.
#[napi]
pub struct Keyring {
    // A lock so that `close()` takes `&self` (napi-rs refuses `&mut self` calls while an async
    // call of the same object is pending).
    kr: Mutex<Option<core::Keyring>>,
    clock: Option<Arc<ManualClock>>,
    /// Listener ids added by `subscribe` (removed by `close`).
    subs: Mutex<Vec<u64>>,
    path: Option<String>,
}

impl Keyring {
    fn wrap(kr: core::Keyring, clock: Option<Arc<ManualClock>>) -> Keyring {
        let path = kr.path().map(|p| p.to_string_lossy().into_owned());
        Keyring { kr: Mutex::new(Some(kr)), clock, subs: Mutex::new(Vec::new()), path }
    }

    fn live(&self) -> Result<core::Keyring> {
        lock(&self.kr).clone().ok_or_else(|| status(Status::InvalidState, "the Keyring was closed"))
    }

    fn manual(&self) -> Result<&ManualClock> {
        self.live()?;
        self.clock.as_deref().ok_or_else(|| status(Status::InvalidState, "this keyring uses the system clock (create it with options.manualClock to set the time)"))
    }
}

#[napi]
impl Keyring {
    /// A keyring that lives only in this process (`saveAs` writes it to a file).
    #[napi(factory)]
    pub fn in_memory(options: Option<KeyringMemoryOptions>) -> Result<Self> {
        let (opts, clock) = clock_of(options.and_then(|o| o.manual_clock))?;
        Ok(Keyring::wrap(core::Keyring::in_memory_with(&opts), clock))
    }

    /// Creates a new, empty keyring file (refuses an existing one: `XPS_E_KEY_EXISTS`). With a
    /// passphrase, Argon2id runs here and blocks the event loop: prefer `createAsync` on servers.
    #[napi(factory)]
    pub fn create(path: String, options: KeyringFileOptions) -> Result<Self> {
        let a = file_args(&path, options)?;
        let kr = core::Keyring::create(&a.path, &a.kek.kek(), &a.opts).js()?;
        Ok(Keyring::wrap(kr, a.clock))
    }

    /// Opens a keyring file. A wrong passphrase or key, or an altered file:
    /// `XPS_E_AUTHENTICATION_FAILED`; not a keyring or truncated: `XPS_E_MALFORMED_KEYRING`; a
    /// newer format: `XPS_E_UNSUPPORTED_FORMAT`; passphrase given for a raw-key file or the
    /// reverse: `XPS_E_INVALID_PARAMETER`; I/O: `XPS_E_KEYRING_IO`. With a passphrase, Argon2id (the
    /// file's parameters) blocks the event loop: prefer `openAsync` on servers.
    #[napi(factory)]
    pub fn open(path: String, options: KeyringFileOptions) -> Result<Self> {
        let a = file_args(&path, options)?;
        let kr = core::Keyring::open(&a.path, &a.kek.kek(), &a.opts).js()?;
        Ok(Keyring::wrap(kr, a.clock))
    }

    /// `Keyring.create` on the libuv pool. It takes no AbortSignal: it writes a file, and is never
    /// abandoned half-way.
    #[napi(ts_return_type = "Promise<Keyring>")]
    pub fn create_async(path: String, options: KeyringFileOptions) -> Result<AsyncTask<Work<Made>>> {
        let a = file_args(&path, options)?;
        Ok(spawn(move || core::Keyring::create(&a.path, &a.kek.kek(), &a.opts).map(|kr| Made(kr, a.clock)), None))
    }

    /// `Keyring.open` on the libuv pool (Argon2id runs there; the event loop keeps running).
    #[napi(ts_return_type = "Promise<Keyring>")]
    pub fn open_async(path: String, options: KeyringFileOptions, signal: Option<AbortSignal>) -> Result<AsyncTask<Work<Made>>> {
        let a = file_args(&path, options)?;
        Ok(spawn(move || core::Keyring::open(&a.path, &a.kek.kek(), &a.opts).map(|kr| Made(kr, a.clock)), signal))
    }

    /// Writes a copy of this keyring to a new file `path` protected by `options` (refuses an
    /// existing file): moves an in-memory keyring to disk, or re-protects a file under another
    /// passphrase or key. This keyring stays backed by what it was. `options.manualClock` is
    /// ignored. Blocks the event loop for Argon2id: prefer `saveAsAsync` on servers.
    #[napi]
    pub fn save_as(&self, path: String, options: KeyringFileOptions) -> Result<()> {
        let s = secrets_of(options);
        let (p, k) = (path_of(&path)?, kek_of(s)?);
        self.live()?.save_as(&p, &k.kek()).js()
    }

    /// `saveAs` on the libuv pool. It takes no AbortSignal: it writes a file, and is never
    /// abandoned half-way.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn save_as_async(&self, path: String, options: KeyringFileOptions) -> Result<AsyncTask<Work<()>>> {
        let s = secrets_of(options);
        let (p, k, kr) = (path_of(&path)?, kek_of(s)?, self.live()?);
        Ok(spawn(move || kr.save_as(&p, &k.kek()), None))
    }

    /// The keyring file (`null` for an in-memory keyring).
    #[napi(getter)]
    pub fn path(&self) -> Option<String> {
        self.path.clone()
    }

    /// The AEAD `seal` uses for new keys: `'aes-256-gcm'` where AES hardware exists,
    /// `'xchacha20-poly1305'` otherwise.
    #[napi]
    pub fn default_aead() -> &'static str {
        core::Keyring::default_aead().name()
    }

    // ------------------------------------------------------------------------------- clock

    /// The keyring clock now (Unix seconds).
    #[napi]
    pub fn now(&self) -> Result<f64> {
        Ok(self.live()?.now() as f64)
    }

    /// Sets the manual clock to Unix time `t` (seconds). `XPS_E_INVALID_STATE` if the keyring uses
    /// the system clock.
    #[napi]
    pub fn set_clock(&self, t: f64) -> Result<()> {
        let c = self.manual()?;
        c.set(whole(t, "t").js()?);
        Ok(())
    }

    /// Moves the manual clock forward by `secs`; returns the new time. `XPS_E_INVALID_STATE` if the
    /// keyring uses the system clock.
    #[napi]
    pub fn advance_clock(&self, secs: f64) -> Result<f64> {
        let c = self.manual()?;
        let s = whole(secs, "secs").js()?;
        if (c.now() as f64) + (s as f64) > MAX_SAFE {
            return Err(status(Status::InvalidParameter, "the clock would pass 2^53 seconds"));
        }
        Ok(c.advance(s) as f64)
    }

    // ------------------------------------------------------------------------------ changes

    /// Generates key `name` (1–64 characters of `A-Z a-z 0-9 . _ -`) with algorithm `alg` (an
    /// AEAD, MAC — not poly1305 —, signature or KEM name); returns its version (1, the primary).
    #[napi]
    pub fn generate(&self, name: String, alg: String, options: Option<KeyringGenerateOptions>) -> Result<u32> {
        let policy = options.and_then(|o| o.policy).map(|p| policy_in(&p)).transpose()?;
        let a = any_alg(&alg)?;
        self.live()?.generate(&name, a, policy).js()
    }

    /// Imports key material (AEAD/MAC keys and signature secret keys as raw bytes; signature and
    /// KEM keys from a seed with `options.seed`) as a new key, or as a new version of an existing
    /// key (active, or primary with `options.primary`). Returns the version.
    #[napi]
    pub fn import_key(&self, name: String, alg: String, material: &[u8], options: Option<KeyringImportOptions>) -> Result<u32> {
        let (seed, primary, policy) = match options {
            Some(o) => (o.seed.unwrap_or(false), o.primary.unwrap_or(false), o.policy.map(|p| policy_in(&p)).transpose()?),
            None => (false, false, None),
        };
        let a = any_alg(&alg)?;
        self.live()?.import(&name, a, material, seed, primary, policy).js()
    }

    /// A new primary version (same algorithm, or `alg`); the previous primary becomes
    /// decrypt-only for the key's overlap window. Returns the new version.
    #[napi]
    pub fn rotate(&self, name: String, alg: Option<String>) -> Result<u32> {
        let a = alg.as_deref().map(any_alg).transpose()?;
        self.live()?.rotate(&name, a).js()
    }

    /// Makes a version unusable for everything, immediately.
    #[napi]
    pub fn revoke(&self, name: String, version: f64) -> Result<()> {
        let v = version_of(version, "version")?;
        self.live()?.revoke(&name, v).js()
    }

    /// Wipes a version's material (a tombstone remains). The primary must be rotated away first
    /// (`XPS_E_INVALID_STATE`).
    #[napi]
    pub fn destroy(&self, name: String, version: f64) -> Result<()> {
        let v = version_of(version, "version")?;
        self.live()?.destroy(&name, v).js()
    }

    /// Versions below `version` no longer decrypt or verify (`XPS_E_BELOW_MIN_DECRYPTION_VERSION`).
    #[napi]
    pub fn set_min_decryption_version(&self, name: String, version: f64) -> Result<()> {
        let v = u32_of(version, "version", 0)?; // 0: no minimum
        self.live()?.set_min_decryption_version(&name, v).js()
    }

    /// Replaces a key's rotation policy.
    #[napi]
    pub fn set_rotation_policy(&self, name: String, policy: KeyringRotationPolicyInput) -> Result<()> {
        let p = policy_in(&policy)?;
        self.live()?.set_policy(&name, p).js()
    }

    /// Sets (Unix seconds) or clears (`null`) the expiry of a version: from then on it is refused,
    /// and `tick` retires it.
    #[napi]
    pub fn set_expiry(&self, name: String, version: f64, expires: Either<f64, Null>) -> Result<()> {
        let version = version_of(version, "version")?;
        let e = match expires {
            Either::A(t) => Some(whole(t, "expires").js()?),
            Either::B(_) => None,
        };
        self.live()?.set_expiry(&name, version, e).js()
    }

    // ---------------------------------------------------------------------- rotation service

    /// One pass of the rotation policies at the keyring clock's now: announces rotations coming
    /// soon, rotates primaries past their maximum age or uses or expired, retires decrypt-only
    /// versions whose window ended and expired versions. Returns the events of the pass; each is
    /// also queued for `events()` and sent to subscribers.
    #[napi]
    pub fn tick(&self) -> Result<Vec<KeyLifecycleEvent>> {
        Ok(self.live()?.tick().js()?.iter().map(event_out).collect())
    }

    /// Runs `tick` every `intervalMs` milliseconds on a background thread (replacing a running
    /// one); it keeps no reference that holds the process open. Stopped by `stopAutoRotation`,
    /// `close`, or when the keyring is garbage-collected.
    #[napi]
    pub fn start_auto_rotation(&self, interval_ms: f64) -> Result<()> {
        let interval_ms = u32_of(interval_ms, "intervalMs", 1)?;
        self.live()?.start_auto_rotation(Duration::from_millis(u64::from(interval_ms)));
        Ok(())
    }

    /// Stops the background rotation (waits for a tick in progress).
    #[napi]
    pub fn stop_auto_rotation(&self) -> Result<()> {
        self.live()?.stop_auto_rotation();
        Ok(())
    }

    /// Whether the background rotation runs.
    #[napi]
    pub fn auto_rotation_running(&self) -> Result<bool> {
        Ok(self.live()?.auto_rotation_running())
    }

    /// Takes the queued events (the last 4096), oldest first.
    #[napi]
    pub fn events(&self) -> Result<Vec<KeyLifecycleEvent>> {
        Ok(self.live()?.drain_events().iter().map(event_out).collect())
    }

    /// Calls `callback(event)` for every later event, on the JS thread, asynchronously (also for
    /// events of the auto-rotation thread), after the change is durable. Returns an id for
    /// `unsubscribe`. The subscription does not keep the process alive (an event pending at exit
    /// is not delivered); it holds the callback (and what it captures) until `unsubscribe` or
    /// `close` — a callback that captures the keyring keeps it from being garbage-collected, so
    /// call `close()` when done. An exception thrown by the callback is an uncaught exception,
    /// as in an event listener.
    #[napi(ts_args_type = "callback: (event: KeyLifecycleEvent) => void")]
    pub fn subscribe(&self, callback: EventCallback) -> Result<u32> {
        let kr = self.live()?;
        let id = kr.subscribe(move |e| {
            // NonBlocking on an unbounded queue: never blocks the rotation thread; a closing
            // environment just drops the event.
            let _ = callback.call(event_out(e), ThreadsafeFunctionCallMode::NonBlocking);
        });
        lock(&self.subs).push(id);
        u32::try_from(id).map_err(|_| status(Status::Internal, "listener id overflow"))
    }

    /// Removes a subscription; returns whether it existed.
    #[napi]
    pub fn unsubscribe(&self, id: f64) -> Result<bool> {
        let id = u32_of(id, "id", 0)?;
        let kr = self.live()?;
        lock(&self.subs).retain(|&i| i != u64::from(id));
        Ok(kr.unsubscribe(u64::from(id)))
    }

    /// Appends key lifecycle records (JSON lines, never material) to the file `path`; `null`
    /// stops.
    #[napi]
    pub fn set_audit_log(&self, path: Option<String>) -> Result<()> {
        let p = path.as_deref().map(path_of).transpose()?;
        self.live()?.set_audit_log(p);
        Ok(())
    }

    /// Reloads the keyring file if another process changed it (reads do this by themselves
    /// within a second).
    #[napi]
    pub fn refresh(&self) -> Result<()> {
        self.live()?.refresh().js()
    }

    // ---------------------------------------------------------------------------- envelopes

    /// Encrypts under the primary version of AEAD key `name`: a self-describing envelope (key
    /// name, version, algorithm and nonce in a header bound as associated data ahead of `aad`).
    #[napi]
    pub fn encrypt(&self, name: String, plaintext: &[u8], aad: Option<&[u8]>) -> Result<Buffer> {
        self.live()?.encrypt(&name, plaintext, aad.unwrap_or(&[])).map(Buffer::from).js()
    }

    /// The plaintext of an envelope (with the same `aad`). Refusals: `XPS_E_KEY_RETIRED`,
    /// `XPS_E_KEY_REVOKED`, `XPS_E_KEY_DESTROYED`, `XPS_E_BELOW_MIN_DECRYPTION_VERSION`,
    /// `XPS_E_UNKNOWN_KEY`, `XPS_E_MALFORMED_ENVELOPE`, `XPS_E_AUTHENTICATION_FAILED`.
    #[napi]
    pub fn decrypt(&self, envelope: &[u8], aad: Option<&[u8]>) -> Result<Buffer> {
        self.live()?.decrypt(envelope, aad.unwrap_or(&[])).map(|p| Buffer::from(p.to_vec())).js()
    }

    /// Re-encrypts an envelope under its key's current primary (the plaintext never reaches JS).
    #[napi]
    pub fn rewrap(&self, envelope: &[u8], aad: Option<&[u8]>) -> Result<Buffer> {
        self.live()?.rewrap(envelope, aad.unwrap_or(&[])).map(Buffer::from).js()
    }

    /// `rewrap` over many envelopes (same `aad`): one entry per envelope, in order — the new
    /// envelope, or the `XpsError` that envelope failed with (never thrown: one bad envelope does
    /// not stop the others).
    #[napi(ts_args_type = "envelopes: Uint8Array[], aad?: Uint8Array | undefined | null", ts_return_type = "Array<Buffer | XpsError>")]
    pub fn rewrap_many(&self, envelopes: Vec<Uint8Array>, aad: Option<&[u8]>) -> Result<Vec<Either<Buffer, String>>> {
        let kr = self.live()?;
        let refs: Vec<&[u8]> = envelopes.iter().map(|e| &e[..]).collect();
        // index.js turns the "XPS_E_…: detail" strings into XpsError objects.
        Ok(kr
            .rewrap_many(&refs, aad.unwrap_or(&[]))
            .into_iter()
            .map(|r| match r {
                Ok(env) => Either::A(env.into()),
                Err(e) => Either::B(format!("{}: {}", e.status.name(), e.detail)),
            })
            .collect())
    }

    /// `encrypt` with key `name` created on first use with `Keyring.defaultAead()`.
    #[napi]
    pub fn seal(&self, name: String, plaintext: &[u8], aad: Option<&[u8]>) -> Result<Buffer> {
        self.live()?.seal(&name, plaintext, aad.unwrap_or(&[])).map(Buffer::from).js()
    }

    /// Opens an envelope from `seal` (or `encrypt`): any node can, the envelope names the algorithm.
    #[napi]
    pub fn open_sealed(&self, envelope: &[u8], aad: Option<&[u8]>) -> Result<Buffer> {
        self.live()?.open_sealed(envelope, aad.unwrap_or(&[])).map(|p| Buffer::from(p.to_vec())).js()
    }

    /// Signs `msg` with the primary of signature key `name`: a detached signature envelope naming
    /// the key and version (the signature inside is over `msg` itself).
    #[napi]
    pub fn sign(&self, name: String, msg: &[u8]) -> Result<Buffer> {
        self.live()?.sign(&name, msg).map(Buffer::from).js()
    }

    /// Verifies a signature envelope over `msg` with the version it names; returns nothing or
    /// throws (`XPS_E_BAD_SIGNATURE`, or the refusals of `decrypt`).
    #[napi]
    pub fn verify(&self, signature_envelope: &[u8], msg: &[u8]) -> Result<()> {
        self.live()?.verify(signature_envelope, msg).js()
    }

    /// A tag of `data` under the primary of MAC key `name`, with its version.
    #[napi]
    pub fn mac(&self, name: String, data: &[u8]) -> Result<KeyringMac> {
        let (version, tag) = self.live()?.mac(&name, data).js()?;
        Ok(KeyringMac { version, tag: tag.into() })
    }

    /// Verifies a tag from `mac` (constant time); returns nothing or throws
    /// (`XPS_E_BAD_SIGNATURE`, or the refusals of `decrypt`).
    #[napi]
    pub fn verify_mac(&self, name: String, version: f64, data: &[u8], tag: &[u8]) -> Result<()> {
        let v = version_of(version, "version")?;
        self.live()?.verify_mac(&name, v, data, tag).js()
    }

    /// The shared secret of KEM ciphertext `ciphertext` (made by `kemEncapsulate` with the key's
    /// public key) with KEM key `name` (`options.version`, default the primary).
    #[napi]
    pub fn decapsulate(&self, name: String, ciphertext: &[u8], options: Option<KeyringVersionOptions>) -> Result<Buffer> {
        let v = opt_version(&options)?;
        self.live()?.decapsulate(&name, v, ciphertext).map(|s| Buffer::from(s.to_vec())).js()
    }

    /// The public key of signature or KEM key `name` (`options.version`, default the primary).
    #[napi]
    pub fn public_key(&self, name: String, options: Option<KeyringVersionOptions>) -> Result<KeyringPublicKey> {
        let v = opt_version(&options)?;
        let (version, alg, pk) = self.live()?.public_key(&name, v).js()?;
        Ok(KeyringPublicKey { version, alg: alg.name().into(), public_key: pk.into() })
    }

    /// Every key, described (never material).
    #[napi]
    pub fn list(&self) -> Result<Vec<KeyringKeyInfo>> {
        Ok(self.live()?.list().into_iter().map(info_out).collect())
    }

    /// One key, described (never material).
    #[napi]
    pub fn describe(&self, name: String) -> Result<KeyringKeyInfo> {
        self.live()?.describe(&name).map(info_out).js()
    }

    /// The length of the envelope `encrypt(name, plaintext)` makes now for a
    /// `plaintextLen`-byte plaintext.
    #[napi]
    pub fn envelope_len(&self, name: String, plaintext_len: f64) -> Result<f64> {
        let n = u32_of(plaintext_len, "plaintextLen", 0)?;
        Ok(self.live()?.envelope_len(&name, n as usize).js()? as f64)
    }

    /// Stops the auto-rotation, removes the subscriptions and releases the keyring (its key
    /// material is wiped once no pending async call uses it). Later calls throw
    /// `XPS_E_INVALID_STATE`; closing twice is harmless. Changes were already durable.
    #[napi]
    pub fn close(&self) {
        let kr = lock(&self.kr).take();
        if let Some(kr) = kr {
            kr.stop_auto_rotation();
            for id in lock(&self.subs).drain(..) {
                kr.unsubscribe(id);
            }
        }
    }

    /// Never shows key material.
    #[napi(js_name = "toString")]
    pub fn to_js_string(&self) -> String {
        let closed = lock(&self.kr).is_none();
        match (&self.path, closed) {
            (_, true) => "Keyring(closed)".into(),
            (Some(p), _) => format!("Keyring({p})"),
            (None, _) => "Keyring(in memory)".into(),
        }
    }
}
