//! Keyring: named keys with versions, rotation with an overlap window, self-describing envelopes,
//! an encrypted, crash-safe, multi-process keyring file, lifecycle events and an audit log.
//! Formats and semantics: docs/KEYRING.md.
//!
//! Concurrency: reads (encrypt/decrypt/sign/verify) take a read lock; changes take the write lock
//! and, for a file-backed keyring, the file's advisory lock, reload the file if another process
//! changed it, apply the change, save atomically, and only then report (events, audit records,
//! return value): a change reported done is durable.
//!
//! Uses are counted against leases: a version's `uses_reserved` in the file is a ceiling on the
//! uses every process may have made; a process takes a block of uses by raising it (a durable
//! change), then counts in memory. A crash loses at most the unused part of a block, never
//! allows a use twice, so the AES-GCM limit of 2^32 random-nonce encryptions holds across
//! processes and restarts.

pub mod clock;
pub mod envelope;
pub mod model;
pub mod store;

pub use clock::{Clock, ManualClock, SystemClock, DAY};
pub use model::{KeyState, RotationPolicy, GCM_RANDOM_NONCE_LIMIT};
pub use store::{Kek, DEFAULT_ARGON2};

use crate::aead::AeadKey;
use crate::error::{err, Error, Result, Status};
use crate::{Alg, Family, SecureBuffer};
use model::{check_keyring_alg, Key, Version};
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, RwLock, Weak};
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// Uses taken per lease of a file-backed keyring (one durable save per this many uses).
pub const LEASE_BLOCK: u64 = 1 << 16;
/// How often encrypt/decrypt look for changes by other processes (file-backed keyrings).
const RELOAD_CHECK: Duration = Duration::from_secs(1);

/// What happened to a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Generated,
    Imported,
    /// A rotation is coming (the primary passed 3/4 of its maximum age or uses).
    Planned,
    Rotated,
    Retired,
    Revoked,
    Destroyed,
    MinDecryptionVersion,
    /// An automatic rotation or retirement failed (the reason says why).
    Failed,
}

impl EventKind {
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Generated => "generated",
            EventKind::Imported => "imported",
            EventKind::Planned => "planned",
            EventKind::Rotated => "rotated",
            EventKind::Retired => "retired",
            EventKind::Revoked => "revoked",
            EventKind::Destroyed => "destroyed",
            EventKind::MinDecryptionVersion => "min-decryption-version",
            EventKind::Failed => "failed",
        }
    }
}

/// A lifecycle event (never contains key material).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub kind: EventKind,
    pub key: String,
    pub old_version: Option<u32>,
    pub new_version: Option<u32>,
    /// Keyring clock, Unix seconds.
    pub time: u64,
    /// "api" or "auto-rotation".
    pub actor: &'static str,
    pub reason: String,
}

/// Description of a version (never material).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionInfo {
    pub version: u32,
    pub alg: Alg,
    pub state: KeyState,
    pub created: u64,
    pub state_since: u64,
    pub expires: Option<u64>,
    /// Uses made (an upper bound across processes: reserved minus this process's unused lease).
    pub uses: u64,
    pub public_key: Vec<u8>,
}

/// Description of a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyInfo {
    pub name: String,
    pub policy: RotationPolicy,
    pub min_decryption_version: u32,
    pub created: u64,
    pub primary: Option<u32>,
    pub versions: Vec<VersionInfo>,
}

/// Per-version state that lives only in memory: the prepared AEAD key and the uses lease.
#[derive(Default)]
struct Runtime {
    aead: std::sync::OnceLock<AeadKey>,
    /// (next use index, end of the lease)
    lease: Mutex<(u64, u64)>,
}

struct FileBacking {
    path: PathBuf,
    sealer: store::Sealer,
}

struct State {
    keys: Vec<Key>,
    revision: u64,
    last_check: Instant,
    file_id: Option<(u64, u64, i128)>,
}

/// A subscribed callback. `gate` is held for each call; `unsubscribe` clears `active` and then
/// takes the gate, so once it returns no call is running or can start (unless it was called from
/// inside that very callback, which then finishes its own call).
struct Listener {
    id: u64,
    f: Box<dyn Fn(&Event) + Send + Sync>,
    active: std::sync::atomic::AtomicBool,
    gate: Mutex<()>,
}

thread_local! {
    /// Listener ids whose callback is running on this thread (innermost last).
    static IN_LISTENER: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

struct Inner {
    state: RwLock<State>,
    clock: Arc<dyn Clock>,
    file: Option<FileBacking>,
    /// Per (key name, version): looked up by `&str` without allocating.
    runtime: Mutex<HashMap<String, HashMap<u32, Arc<Runtime>>>>,
    listeners: Mutex<Vec<Arc<Listener>>>,
    queue: Mutex<VecDeque<Event>>,
    audit: Mutex<Option<PathBuf>>,
    service: Mutex<Option<Service>>,
    next_listener: std::sync::atomic::AtomicU64,
    /// (key, version) whose coming rotation was announced ("planned" once per version).
    announced: Mutex<std::collections::BTreeSet<(String, u32)>>,
}

struct Service {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: std::thread::JoinHandle<()>,
}

impl Service {
    /// Stops the thread and waits for a tick in progress (not when called from the thread itself).
    fn stop_and_join(self) {
        *lock(&self.stop.0) = true;
        self.stop.1.notify_all();
        if self.thread.thread().id() != std::thread::current().id() {
            let _ = self.thread.join();
        }
    }
}

/// A keyring. Cheap to clone (shared); `Send + Sync`.
#[derive(Clone)]
pub struct Keyring {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring").field("path", &self.inner.file.as_ref().map(|b| &b.path)).finish_non_exhaustive()
    }
}

fn read_state(l: &RwLock<State>) -> std::sync::RwLockReadGuard<'_, State> {
    l.read().unwrap_or_else(|e| e.into_inner())
}
fn write_state(l: &RwLock<State>) -> std::sync::RwLockWriteGuard<'_, State> {
    l.write().unwrap_or_else(|e| e.into_inner())
}
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn unknown_key(name: &str) -> Error {
    err(Status::UnknownKey, format!("no key named {name:?} in the keyring"))
}
fn unknown_version(name: &str, v: u32) -> Error {
    err(Status::UnknownKey, format!("key {name:?} has no version {v}"))
}

#[cfg(unix)]
fn file_id(path: &Path) -> Option<(u64, u64, i128)> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    Some((m.ino(), m.size(), i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec())))
}
#[cfg(not(unix))]
fn file_id(path: &Path) -> Option<(u64, u64, i128)> {
    let m = std::fs::metadata(path).ok()?;
    Some((0, m.len(), 0))
}

/// Fresh key material for `alg`: (secret, public).
fn new_material(alg: Alg, seed: Option<&[u8]>) -> Result<(SecureBuffer, Vec<u8>)> {
    match alg.family() {
        Family::Aead => {
            let mut k = SecureBuffer::new(crate::aead::key_len(alg)?)?;
            crate::rand::random_bytes(k.as_mut_slice())?;
            Ok((k, Vec::new()))
        }
        Family::Mac => {
            let n = crate::mac::key_len(alg)?.unwrap_or(crate::mac::tag_len(alg)?);
            let mut k = SecureBuffer::new(n)?;
            crate::rand::random_bytes(k.as_mut_slice())?;
            Ok((k, Vec::new()))
        }
        Family::Sign => {
            let (pk, sk) = crate::sign::keypair(alg, seed)?;
            Ok((sk, pk))
        }
        Family::Kem => {
            let (pk, sk) = crate::kem::keypair(alg, seed)?;
            Ok((sk, pk))
        }
        _ => Err(check_keyring_alg(alg).err().unwrap_or_else(|| err(Status::Internal, "family"))),
    }
}

/// Imported material: raw bytes (AEAD/MAC keys, signature secret keys) or a seed (signature and
/// KEM key generation).
fn import_material(alg: Alg, bytes: &[u8], is_seed: bool) -> Result<(SecureBuffer, Vec<u8>)> {
    if is_seed {
        return match alg.family() {
            Family::Sign | Family::Kem => new_material(alg, Some(bytes)),
            _ => Err(err(Status::InvalidParameter, format!("{} keys are imported as raw bytes, not from a seed", alg.name()))),
        };
    }
    match alg.family() {
        Family::Aead => {
            let n = crate::aead::key_len(alg)?;
            if bytes.len() != n {
                return Err(err(Status::BadKeyLength, format!("{} needs a {n}-byte key, got {}", alg.name(), bytes.len())));
            }
            Ok((SecureBuffer::from_slice(bytes)?, Vec::new()))
        }
        Family::Mac => {
            if let Some(n) = crate::mac::key_len(alg)? {
                if bytes.len() != n {
                    return Err(err(Status::BadKeyLength, format!("{} needs a {n}-byte key, got {}", alg.name(), bytes.len())));
                }
            } else if bytes.is_empty() {
                return Err(err(Status::BadKeyLength, "an empty MAC key"));
            }
            Ok((SecureBuffer::from_slice(bytes)?, Vec::new()))
        }
        Family::Sign => {
            let pk = crate::sign::public_from_secret(alg, bytes)?;
            Ok((SecureBuffer::from_slice(bytes)?, pk))
        }
        Family::Kem => Err(err(Status::InvalidParameter, format!("{} keys are imported from their seed (is_seed = true)", alg.name()))),
        _ => Err(check_keyring_alg(alg).err().unwrap_or_else(|| err(Status::Internal, "family"))),
    }
}

/// A new key or version: a keyring family, allowed by the process policy (FIPS-like mode refuses
/// non-approved algorithms here, not only at first use).
fn check_alg_for_keyring(alg: Alg) -> Result<()> {
    check_keyring_alg(alg)?;
    crate::policy::check(alg)?;
    if alg == Alg::Poly1305 {
        return Err(err(Status::InvalidParameter, "poly1305 is a one-time MAC: it cannot be a long-lived keyring key"));
    }
    Ok(())
}

/// Whether a version may decrypt / verify now, else the refusal.
fn check_usable(k: &Key, v: &Version, now: u64) -> Result<()> {
    let id = || format!("key {:?} version {}", k.name, v.version);
    match v.state {
        KeyState::Revoked => return Err(err(Status::KeyRevoked, format!("{} is revoked", id()))),
        KeyState::Destroyed => return Err(err(Status::KeyDestroyed, format!("{} is destroyed", id()))),
        KeyState::Retired => return Err(err(Status::KeyRetired, format!("{} is retired", id()))),
        KeyState::DecryptOnly if now >= v.state_since.saturating_add(k.policy.overlap) => {
            return Err(err(Status::KeyRetired, format!("{}: its decrypt-only window ended at {}", id(), v.state_since.saturating_add(k.policy.overlap))));
        }
        _ => {}
    }
    if v.expires.is_some_and(|e| now >= e) {
        return Err(err(Status::KeyRetired, format!("{} expired", id())));
    }
    if v.version < k.min_decryption_version {
        return Err(err(Status::BelowMinDecryptionVersion, format!("{} is below min_decryption_version {}", id(), k.min_decryption_version)));
    }
    Ok(())
}

/// Options of [`Keyring::create`] / [`Keyring::open`] / [`Keyring::in_memory_with`].
#[derive(Clone, Default)]
pub struct Options {
    /// Time source (default: the system clock).
    pub clock: Option<Arc<dyn Clock>>,
}

impl Keyring {
    fn build(keys: Vec<Key>, revision: u64, file: Option<FileBacking>, opts: &Options) -> Keyring {
        let file_id = file.as_ref().and_then(|f| file_id(&f.path));
        Keyring {
            inner: Arc::new(Inner {
                state: RwLock::new(State { keys, revision, last_check: Instant::now(), file_id }),
                clock: opts.clock.clone().unwrap_or_else(|| Arc::new(SystemClock)),
                file,
                runtime: Mutex::new(HashMap::new()),
                listeners: Mutex::new(Vec::new()),
                queue: Mutex::new(VecDeque::new()),
                audit: Mutex::new(None),
                service: Mutex::new(None),
                next_listener: std::sync::atomic::AtomicU64::new(1),
                announced: Mutex::new(std::collections::BTreeSet::new()),
            }),
        }
    }

    /// A keyring that lives only in this process.
    pub fn in_memory() -> Keyring {
        Self::in_memory_with(&Options::default())
    }

    pub fn in_memory_with(opts: &Options) -> Keyring {
        Self::build(Vec::new(), 0, None, opts)
    }

    /// Creates a new, empty keyring file (refuses to overwrite an existing one).
    pub fn create(path: &Path, kek: &Kek<'_>, opts: &Options) -> Result<Keyring> {
        let sealer = store::Sealer::new(kek)?;
        let _lock = store::FileLock::acquire(path)?;
        let image = sealer.seal(&model::encode(&[]), 1)?;
        store::write_new(path, &image)?;
        Ok(Self::build(Vec::new(), 1, Some(FileBacking { path: path.to_path_buf(), sealer }), opts))
    }

    /// Opens a keyring file (Argon2id runs here for passphrase-protected files).
    pub fn open(path: &Path, kek: &Kek<'_>, opts: &Options) -> Result<Keyring> {
        let bytes = store::read(path)?;
        let sealer = store::Sealer::for_file(&bytes, kek)?;
        let (revision, body) = sealer.open(&bytes)?;
        let keys = model::decode(&body)?;
        Ok(Self::build(keys, revision, Some(FileBacking { path: path.to_path_buf(), sealer }), opts))
    }

    /// Writes a copy of this keyring to a new file `path` protected by `kek` (refuses to overwrite
    /// an existing file): moves an in-memory keyring to disk, or re-protects a file-backed one under
    /// another passphrase or raw key. This keyring stays backed by what it was (its own file, or
    /// memory); file-backed keyrings need no explicit save: every change is durable when it returns.
    /// The copy records the uses counted so far (for a file-backed keyring the ceiling, including
    /// leases still open; in memory the uses made). Using both the original and the copy afterwards
    /// shares the key material between two use counters: retire one of them.
    pub fn save_as(&self, path: &Path, kek: &Kek<'_>) -> Result<()> {
        self.refresh()?;
        let sealer = store::Sealer::new(kek)?;
        let _lock = store::FileLock::acquire(path)?;
        let image = {
            let st = read_state(&self.inner.state);
            // File-backed: the ceiling (this process keeps using its lease against the original);
            // in memory: the uses made (the in-memory lease is unbounded).
            if self.inner.file.is_some() {
                sealer.seal(&model::encode(&st.keys), 1)?
            } else {
                sealer.seal(&model::encode_with(&st.keys, |k, v| self.uses_of(&k.name, v)), 1)?
            }
        };
        store::write_new(path, &image)
    }

    /// The length of the envelope `encrypt(name, plaintext)` makes now for a `plaintext_len`-byte
    /// plaintext (with the current primary; a rotation to another algorithm in between may change it).
    pub fn envelope_len(&self, name: &str, plaintext_len: usize) -> Result<usize> {
        let st = read_state(&self.inner.state);
        let k = st.keys.iter().find(|k| k.name == name).ok_or_else(|| unknown_key(name))?;
        let p = k.primary().ok_or_else(|| err(Status::InvalidState, format!("key {name:?} has no primary version")))?;
        if p.alg.family() != Family::Aead {
            return Err(err(Status::WrongAlgorithmFamily, format!("key {name:?} is a {} key, not an AEAD key", p.alg.name())));
        }
        let nonce = crate::aead::nonce_len(p.alg)?;
        let header = envelope::header(envelope::KIND_AEAD, p.alg, name, p.version, &vec![0u8; nonce]).len();
        header.checked_add(plaintext_len).and_then(|n| n.checked_add(crate::aead::TAG_LEN)).ok_or_else(|| err(Status::InvalidLength, "plaintext too long"))
    }

    /// The file behind this keyring, if any.
    pub fn path(&self) -> Option<&Path> {
        self.inner.file.as_ref().map(|f| f.path.as_path())
    }

    /// The keyring's clock, now.
    pub fn now(&self) -> u64 {
        self.inner.clock.now()
    }

    /// The AEAD `seal`/`open` choose by policy: AES-256-GCM where AES hardware exists (or the
    /// process policy forbids XChaCha20-Poly1305, e.g. FIPS-like mode), XChaCha20-Poly1305
    /// otherwise.
    pub fn default_aead() -> Alg {
        use crate::cpu::{bits, features};
        if features() & (bits::AESNI | bits::ARM_AES) != 0 || !crate::policy::allowed(Alg::XChaCha20Poly1305) {
            Alg::Aes256Gcm
        } else {
            Alg::XChaCha20Poly1305
        }
    }

    // ------------------------------------------------------------------------------ changes

    /// Re-reads the file if another process saved it (`state` under the write lock, file lock held).
    fn reload_locked(&self, st: &mut State) -> Result<()> {
        let Some(f) = &self.inner.file else { return Ok(()) };
        let bytes = store::read(&f.path)?;
        if store::peek_revision(&bytes)? == st.revision {
            return Ok(());
        }
        let (revision, body) = f.sealer.open(&bytes)?;
        st.keys = model::decode(&body)?;
        st.revision = revision;
        st.file_id = file_id(&f.path);
        st.last_check = Instant::now();
        // Drop in-memory runtimes of versions that are gone or destroyed.
        let mut rt = lock(&self.inner.runtime);
        rt.retain(|name, versions| {
            let key = st.keys.iter().find(|k| &k.name == name);
            versions.retain(|v, _| key.is_some_and(|k| k.version(*v).is_some_and(|x| x.state != KeyState::Destroyed)));
            !versions.is_empty()
        });
        Ok(())
    }

    /// Applies `f` as one durable change: file lock, reload, change, save, then events.
    fn mutate<T>(&self, actor: &'static str, f: impl FnOnce(&mut Vec<Key>, u64, &mut Vec<Event>) -> Result<T>) -> Result<T> {
        let _flock = match &self.inner.file {
            Some(b) => Some(store::FileLock::acquire(&b.path)?),
            None => None,
        };
        let mut events = Vec::new();
        let out = {
            let mut st = write_state(&self.inner.state);
            self.reload_locked(&mut st)?;
            let now = self.inner.clock.now();
            let out = f(&mut st.keys, now, &mut events)?;
            for e in &mut events {
                e.actor = actor;
            }
            if let Some(b) = &self.inner.file {
                let saved = b.sealer.seal(&model::encode(&st.keys), st.revision + 1).and_then(|image| store::write_atomic(&b.path, &image));
                if let Err(e) = saved {
                    // Not durable: go back to what the file says.
                    st.revision = u64::MAX;
                    let _ = self.reload_locked(&mut st);
                    return Err(e);
                }
                st.revision += 1;
                st.file_id = file_id(&b.path);
            }
            out
        };
        drop(_flock);
        self.emit(events);
        Ok(out)
    }

    fn emit(&self, events: Vec<Event>) {
        if events.is_empty() {
            return;
        }
        let audit = lock(&self.inner.audit).clone();
        for e in &events {
            use crate::metrics::{record_keyring_event, KeyringEvent as M};
            match e.kind {
                EventKind::Generated | EventKind::Imported => record_keyring_event(M::Generate),
                EventKind::Rotated => record_keyring_event(M::Rotate),
                EventKind::Retired => record_keyring_event(M::Retire),
                EventKind::Revoked => record_keyring_event(M::Revoke),
                EventKind::Destroyed => record_keyring_event(M::Destroy),
                EventKind::Failed => record_keyring_event(M::Failed),
                EventKind::Planned | EventKind::MinDecryptionVersion => {}
            }
            if let Some(p) = &audit {
                let line = serde_json::json!({
                    "time": crate::hotpatch::audit::now_rfc3339(),
                    "keyring_time": e.time,
                    "action": e.kind.name(),
                    "key": e.key,
                    "old_version": e.old_version,
                    "new_version": e.new_version,
                    "actor": e.actor,
                    "pid": std::process::id(),
                    "reason": e.reason,
                    "decision": if e.kind == EventKind::Failed { "failed" } else { "done" },
                });
                let _ = crate::hotpatch::audit::append_line(p, &line.to_string());
            }
        }
        let listeners: Vec<Arc<Listener>> = lock(&self.inner.listeners).clone();
        for e in &events {
            for l in &listeners {
                let _gate = lock(&l.gate);
                if !l.active.load(std::sync::atomic::Ordering::Acquire) {
                    continue;
                }
                IN_LISTENER.with(|s| s.borrow_mut().push(l.id));
                // A panicking listener must not poison the keyring.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (l.f)(e)));
                IN_LISTENER.with(|s| s.borrow_mut().pop());
            }
        }
        let mut q = lock(&self.inner.queue);
        for e in events {
            if q.len() == 4096 {
                q.pop_front();
            }
            q.push_back(e);
        }
    }

    /// Generates a new key `name` (version 1, primary) with `alg` and `policy` (None: the
    /// default for `alg`). Returns the version.
    pub fn generate(&self, name: &str, alg: Alg, policy: Option<RotationPolicy>) -> Result<u32> {
        self.add_key(name, alg, policy, None, "api")
    }

    /// Imports key material as a new key (`make_primary` ignored: the first version is primary) or
    /// as a new version of an existing key (primary if `make_primary`, else active).
    pub fn import(&self, name: &str, alg: Alg, material: &[u8], is_seed: bool, make_primary: bool, policy: Option<RotationPolicy>) -> Result<u32> {
        policy.as_ref().map_or(Ok(()), RotationPolicy::check)?;
        check_alg_for_keyring(alg)?;
        let (sk, pk) = import_material(alg, material, is_seed)?;
        if !envelope::valid_name(name) {
            return Err(err(Status::InvalidParameter, "key names are 1-64 characters of A-Z a-z 0-9 . _ -"));
        }
        self.mutate("api", |keys, now, ev| {
            if let Some(k) = keys.iter_mut().find(|k| k.name == name) {
                let v = k.next_version();
                let old = k.primary().map(|p| p.version);
                if make_primary {
                    demote_primary(k, now);
                }
                let state = if make_primary { KeyState::Primary } else { KeyState::Active };
                k.versions.push(Version::fresh(v, alg, state, now, sk, pk));
                if let Some(p) = policy {
                    k.policy = p;
                }
                ev.push(event(EventKind::Imported, name, old, Some(v), now, if make_primary { "imported as primary" } else { "imported as active" }));
                Ok(v)
            } else {
                keys.push(Key::first(name, alg, policy, now, sk, pk));
                ev.push(event(EventKind::Imported, name, None, Some(1), now, "new key"));
                Ok(1)
            }
        })
    }

    fn add_key(&self, name: &str, alg: Alg, policy: Option<RotationPolicy>, seed: Option<&[u8]>, actor: &'static str) -> Result<u32> {
        policy.as_ref().map_or(Ok(()), RotationPolicy::check)?;
        if !envelope::valid_name(name) {
            return Err(err(Status::InvalidParameter, "key names are 1-64 characters of A-Z a-z 0-9 . _ -"));
        }
        check_alg_for_keyring(alg)?;
        let (sk, pk) = new_material(alg, seed)?;
        self.mutate(actor, |keys, now, ev| {
            if keys.iter().any(|k| k.name == name) {
                return Err(err(Status::KeyExists, format!("a key named {name:?} already exists")));
            }
            keys.push(Key::first(name, alg, policy, now, sk, pk));
            ev.push(event(EventKind::Generated, name, None, Some(1), now, alg.name()));
            Ok(1)
        })
    }

    /// A new primary version (same algorithm, or `alg`); the previous primary becomes
    /// decrypt-only for the key's overlap window (retired at once if the window is 0).
    pub fn rotate(&self, name: &str, alg: Option<Alg>) -> Result<u32> {
        self.rotate_as(name, alg, "api", "requested").map(|(v, _)| v)
    }

    /// Rotates `name`; returns the new version and the events reported.
    fn rotate_as(&self, name: &str, alg: Option<Alg>, actor: &'static str, reason: &str) -> Result<(u32, Vec<Event>)> {
        // Material is made before taking the locks (key generation can be slow).
        let cur_alg = {
            let st = read_state(&self.inner.state);
            let k = st.keys.iter().find(|k| k.name == name).ok_or_else(|| unknown_key(name))?;
            k.versions.iter().max_by_key(|v| v.version).map(|v| v.alg).ok_or_else(|| unknown_key(name))?
        };
        let alg = alg.unwrap_or(cur_alg);
        check_alg_for_keyring(alg)?;
        let (sk, pk) = new_material(alg, None)?;
        self.mutate(actor, |keys, now, ev| {
            let k = keys.iter_mut().find(|k| k.name == name).ok_or_else(|| unknown_key(name))?;
            let v = k.next_version();
            let old = demote_primary(k, now);
            k.versions.push(Version::fresh(v, alg, KeyState::Primary, now, sk, pk));
            ev.push(event(EventKind::Rotated, name, old, Some(v), now, reason));
            if let Some(o) = old {
                if k.policy.overlap == 0 {
                    if let Some(ov) = k.version_mut(o) {
                        ov.state = KeyState::Retired;
                        ov.state_since = now;
                    }
                    ev.push(event(EventKind::Retired, name, Some(o), None, now, "overlap window 0"));
                }
            }
            let reported = ev.iter().cloned().map(|mut e| {
                e.actor = actor;
                e
            });
            Ok((v, reported.collect()))
        })
    }

    /// Makes `version` unusable for everything, immediately.
    pub fn revoke(&self, name: &str, version: u32) -> Result<()> {
        self.mutate("api", |keys, now, ev| {
            let k = keys.iter_mut().find(|k| k.name == name).ok_or_else(|| unknown_key(name))?;
            let v = k.version_mut(version).ok_or_else(|| unknown_version(name, version))?;
            if v.state == KeyState::Destroyed {
                return Err(err(Status::KeyDestroyed, format!("key {name:?} version {version} is destroyed")));
            }
            v.state = KeyState::Revoked;
            v.state_since = now;
            ev.push(event(EventKind::Revoked, name, Some(version), None, now, "requested"));
            Ok(())
        })
    }

    /// Wipes the material of `version` (a tombstone with its metadata remains). A primary must be
    /// rotated away first.
    pub fn destroy(&self, name: &str, version: u32) -> Result<()> {
        self.mutate("api", |keys, now, ev| {
            let k = keys.iter_mut().find(|k| k.name == name).ok_or_else(|| unknown_key(name))?;
            let v = k.version_mut(version).ok_or_else(|| unknown_version(name, version))?;
            if v.state == KeyState::Primary {
                return Err(err(Status::InvalidState, format!("key {name:?} version {version} is the primary: rotate first")));
            }
            if let Some(mut m) = v.material.take() {
                crate::secure::ct::secure_zero(m.as_mut_slice());
                #[cfg(feature = "testing")]
                destroy_hook(m.as_slice());
            }
            v.state = KeyState::Destroyed;
            v.state_since = now;
            ev.push(event(EventKind::Destroyed, name, Some(version), None, now, "material wiped"));
            Ok(())
        })?;
        if let Some(versions) = lock(&self.inner.runtime).get_mut(name) {
            versions.remove(&version);
        }
        Ok(())
    }

    /// Versions below `min` can no longer decrypt or verify.
    pub fn set_min_decryption_version(&self, name: &str, min: u32) -> Result<()> {
        self.mutate("api", |keys, now, ev| {
            let k = keys.iter_mut().find(|k| k.name == name).ok_or_else(|| unknown_key(name))?;
            if k.primary().is_some_and(|p| p.version < min) {
                return Err(err(Status::InvalidParameter, format!("min_decryption_version {min} is above the primary version of {name:?}")));
            }
            let old = k.min_decryption_version;
            k.min_decryption_version = min;
            ev.push(event(EventKind::MinDecryptionVersion, name, Some(old), Some(min), now, "requested"));
            Ok(())
        })
    }

    /// Replaces a key's rotation policy.
    pub fn set_policy(&self, name: &str, policy: RotationPolicy) -> Result<()> {
        policy.check()?;
        self.mutate("api", |keys, _, _| {
            keys.iter_mut().find(|k| k.name == name).ok_or_else(|| unknown_key(name))?.policy = policy;
            Ok(())
        })
    }

    /// Sets (or clears) the expiry of a version: at that time it retires.
    pub fn set_expiry(&self, name: &str, version: u32, expires: Option<u64>) -> Result<()> {
        self.mutate("api", |keys, _, _| {
            let k = keys.iter_mut().find(|k| k.name == name).ok_or_else(|| unknown_key(name))?;
            k.version_mut(version).ok_or_else(|| unknown_version(name, version))?.expires = expires;
            Ok(())
        })
    }

    // ------------------------------------------------------------------------ rotation service

    /// One pass of the rotation policy at the keyring clock's "now": retires decrypt-only
    /// versions whose window ended and expired versions, rotates primaries past their maximum age
    /// or uses, announces rotations coming soon. Every change is durable before it is reported.
    /// Events are returned and also reported (listeners, queue, audit) with actor "api"; the
    /// rotation service's ticks say "auto-rotation".
    pub fn tick(&self) -> Result<Vec<Event>> {
        self.tick_as("api")
    }

    fn tick_as(&self, actor: &'static str) -> Result<Vec<Event>> {
        // Which primaries are due (decided under the read lock; rotated one by one below).
        self.refresh()?;
        let now = self.inner.clock.now();
        let (due, planned): (Vec<(String, String)>, Vec<Event>) = {
            let st = read_state(&self.inner.state);
            let mut due = Vec::new();
            let mut planned = Vec::new();
            for k in &st.keys {
                let Some(p) = k.primary() else { continue };
                let age = now.saturating_sub(p.created);
                let uses = self.uses_of(&k.name, p);
                let by_age = k.policy.max_age.is_some_and(|m| age >= m);
                let by_uses = k.policy.max_uses.is_some_and(|m| uses >= m - m / 16);
                let by_expiry = p.expires.is_some_and(|e| now >= e);
                if by_age || by_uses || by_expiry {
                    let why = if by_age { format!("maximum age {} s reached", k.policy.max_age.unwrap_or(0)) } else if by_uses { format!("{uses} uses of at most {}", k.policy.max_uses.unwrap_or(0)) } else { "primary expired".to_string() };
                    due.push((k.name.clone(), why));
                } else if k.policy.max_age.is_some_and(|m| age >= m - m / 4) || k.policy.max_uses.is_some_and(|m| uses >= m - m / 4) {
                    planned.push(event(EventKind::Planned, &k.name, Some(p.version), None, now, "rotation due soon (3/4 of maximum age or uses)"));
                }
            }
            (due, planned)
        };
        let mut out = Vec::new();
        let mut planned = planned;
        for e in &mut planned {
            e.actor = actor;
        }
        // "planned" is announced once per version.
        {
            let mut announced = lock(&self.inner.announced);
            planned.retain(|e| announced.insert((e.key.clone(), e.old_version.unwrap_or(0))));
        }
        out.extend(planned.iter().cloned());
        self.emit(planned);
        for (name, why) in due {
            match self.rotate_as(&name, None, actor, &why) {
                Ok((_, events)) => out.extend(events),
                Err(e) => {
                    let ev = Event { kind: EventKind::Failed, key: name, old_version: None, new_version: None, time: now, actor, reason: format!("rotation failed: {e}") };
                    out.push(ev.clone());
                    self.emit(vec![ev]);
                }
            }
        }
        // Retirements (one durable change for all of them).
        let retired = self.mutate(actor, |keys, now, ev| {
            for k in keys.iter_mut() {
                let overlap = k.policy.overlap;
                for v in k.versions.iter_mut() {
                    let window_over = v.state == KeyState::DecryptOnly && now >= v.state_since.saturating_add(overlap);
                    let expired = matches!(v.state, KeyState::DecryptOnly | KeyState::Active) && v.expires.is_some_and(|e| now >= e);
                    if window_over || expired {
                        v.state = KeyState::Retired;
                        v.state_since = now;
                        ev.push(event(EventKind::Retired, &k.name, Some(v.version), None, now, if expired { "expired" } else { "decrypt-only window ended" }));
                    }
                }
            }
            Ok(ev.clone())
        });
        match retired {
            Ok(r) => out.extend(r.into_iter().map(|mut e| {
                e.actor = actor;
                e
            })),
            Err(e) => {
                let ev = Event { kind: EventKind::Failed, key: String::new(), old_version: None, new_version: None, time: now, actor, reason: format!("retirement failed: {e}") };
                out.push(ev.clone());
                self.emit(vec![ev]);
            }
        }
        Ok(out)
    }

    /// Starts a background thread calling [`Keyring::tick`] every `interval` (replacing a
    /// running one). Events reach listeners and the event queue.
    pub fn start_auto_rotation(&self, interval: Duration) {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let weak: Weak<Inner> = Arc::downgrade(&self.inner);
        let s2 = stop.clone();
        let thread = std::thread::Builder::new()
            .name("xps-keyring-rotation".into())
            .spawn(move || loop {
                {
                    let (m, cv) = &*s2;
                    let g = lock(m);
                    let (g, _) = cv.wait_timeout_while(g, interval, |stopped| !*stopped).unwrap_or_else(|e| e.into_inner());
                    if *g {
                        return;
                    }
                }
                let Some(inner) = weak.upgrade() else { return };
                let _ = (Keyring { inner }).tick_as("auto-rotation");
            })
            .ok();
        // Swap under one lock (concurrent starts never leave an unowned thread), then stop the
        // replaced thread outside it.
        let old = match thread {
            Some(thread) => lock(&self.inner.service).replace(Service { stop, thread }),
            None => None,
        };
        if let Some(s) = old {
            s.stop_and_join();
        }
    }

    /// Stops the background rotation thread (waits for a tick in progress).
    pub fn stop_auto_rotation(&self) {
        let s = lock(&self.inner.service).take();
        if let Some(s) = s {
            s.stop_and_join();
        }
    }

    pub fn auto_rotation_running(&self) -> bool {
        lock(&self.inner.service).is_some()
    }

    /// Calls `f` for every later event (after the change is durable). Returns an id for
    /// [`Keyring::unsubscribe`].
    pub fn subscribe(&self, f: impl Fn(&Event) + Send + Sync + 'static) -> u64 {
        let id = self.inner.next_listener.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let l = Listener { id, f: Box::new(f), active: std::sync::atomic::AtomicBool::new(true), gate: Mutex::new(()) };
        lock(&self.inner.listeners).push(Arc::new(l));
        id
    }

    /// Removes a subscription. When it returns, no call of that callback is running or will start
    /// — except when called from inside that callback, whose own call then simply finishes.
    /// (Unsubscribing each other's callbacks from two callbacks running on two threads at once
    /// would wait forever: do not.)
    pub fn unsubscribe(&self, id: u64) -> bool {
        let found = {
            let mut ls = lock(&self.inner.listeners);
            let pos = ls.iter().position(|l| l.id == id);
            pos.map(|p| ls.remove(p))
        };
        let Some(l) = found else { return false };
        l.active.store(false, std::sync::atomic::Ordering::Release);
        if !IN_LISTENER.with(|s| s.borrow().contains(&id)) {
            drop(lock(&l.gate));
        }
        true
    }

    /// Takes the queued events (the last 4096), oldest first.
    pub fn drain_events(&self) -> Vec<Event> {
        lock(&self.inner.queue).drain(..).collect()
    }

    /// Appends key lifecycle records (JSON lines) to `path`; `None` stops.
    pub fn set_audit_log(&self, path: Option<PathBuf>) {
        *lock(&self.inner.audit) = path;
    }

    // ------------------------------------------------------------------------------ reads

    /// Reloads from the file if another process saved it since (cheap when unchanged).
    pub fn refresh(&self) -> Result<()> {
        let Some(f) = &self.inner.file else { return Ok(()) };
        {
            let st = read_state(&self.inner.state);
            if st.file_id.is_some() && st.file_id == file_id(&f.path) {
                return Ok(());
            }
        }
        let _flock = store::FileLock::acquire(&f.path)?;
        let mut st = write_state(&self.inner.state);
        self.reload_locked(&mut st)?;
        st.file_id = file_id(&f.path);
        st.last_check = Instant::now();
        Ok(())
    }

    fn maybe_refresh(&self) {
        if self.inner.file.is_some() && read_state(&self.inner.state).last_check.elapsed() >= RELOAD_CHECK {
            let _ = self.refresh();
            write_state(&self.inner.state).last_check = Instant::now();
        }
    }

    fn runtime(&self, name: &str, v: u32) -> Arc<Runtime> {
        let mut map = lock(&self.inner.runtime);
        if let Some(rt) = map.get(name).and_then(|versions| versions.get(&v)) {
            return rt.clone();
        }
        map.entry(name.to_string()).or_default().entry(v).or_default().clone()
    }

    fn uses_of(&self, name: &str, v: &Version) -> u64 {
        let rt = lock(&self.inner.runtime).get(name).and_then(|versions| versions.get(&v.version)).cloned();
        let unused = rt.map_or(0, |r| {
            let l = lock(&r.lease);
            l.1.saturating_sub(l.0)
        });
        v.uses_reserved.saturating_sub(unused)
    }

    /// Takes one use of `name`'s version `v` (leasing a new block durably when needed).
    /// `KeyUsageExhausted` once `max_uses` is reached. Returns the version's runtime.
    fn take_use(&self, name: &str, v: u32) -> Result<Arc<Runtime>> {
        let rt = self.runtime(name, v);
        loop {
            {
                let mut l = lock(&rt.lease);
                if l.0 < l.1 {
                    l.0 += 1;
                    drop(l);
                    return Ok(rt);
                }
            }
            // Lease a new block (durable for file-backed keyrings).
            let block = if self.inner.file.is_some() { LEASE_BLOCK } else { u64::MAX / 4 };
            let (start, end) = self.mutate("api", |keys, _, _| {
                let k = keys.iter_mut().find(|k| k.name == name).ok_or_else(|| unknown_key(name))?;
                let max = k.policy.max_uses.unwrap_or(u64::MAX);
                let ver = k.version_mut(v).ok_or_else(|| unknown_version(name, v))?;
                let start = ver.uses_reserved;
                if start >= max {
                    return Err(err(Status::KeyUsageExhausted, format!("key {name:?} version {v} reached its maximum of {max} uses")));
                }
                let end = start.saturating_add(block).min(max);
                ver.uses_reserved = end;
                Ok((start, end))
            })?;
            *lock(&rt.lease) = (start, end);
        }
    }

    /// The primary of `name` for a new encryption/signature of `family`: (version, alg, material).
    fn primary_for(&self, name: &str, family: Family) -> Result<Primary> {
        self.maybe_refresh();
        for attempt in 0..2 {
            let (v, alg) = {
                let st = read_state(&self.inner.state);
                let k = st.keys.iter().find(|k| k.name == name).ok_or_else(|| unknown_key(name))?;
                let p = k.primary().ok_or_else(|| err(Status::InvalidState, format!("key {name:?} has no primary version")))?;
                if p.alg.family() != family {
                    return Err(err(Status::WrongAlgorithmFamily, format!("key {name:?} is a {} key, not {family:?}", p.alg.name())));
                }
                check_usable(k, p, self.inner.clock.now())?;
                (p.version, p.alg)
            };
            match self.take_use(name, v) {
                Ok(rt) => {
                    let st = read_state(&self.inner.state);
                    let k = st.keys.iter().find(|k| k.name == name).ok_or_else(|| unknown_key(name))?;
                    let ver = k.version(v).ok_or_else(|| unknown_version(name, v))?;
                    let m = ver.material.as_ref().ok_or_else(|| err(Status::KeyDestroyed, format!("key {name:?} version {v} is destroyed")))?;
                    let material = if family == Family::Aead { Zeroizing::new(Vec::new()) } else { Zeroizing::new(m.as_slice().to_vec()) };
                    if family == Family::Aead && rt.aead.get().is_none() {
                        let key = AeadKey::new(alg, m.as_slice())?;
                        let _ = rt.aead.set(key);
                    }
                    return Ok(Primary { version: v, alg, rt, material });
                }
                // The primary is used up: rotate now (zero downtime), then use the new one.
                Err(e) if e.status == Status::KeyUsageExhausted && attempt == 0 => {
                    self.rotate_as(name, None, "api", "maximum uses reached")?;
                }
                Err(e) => return Err(e),
            }
        }
        Err(err(Status::KeyUsageExhausted, format!("key {name:?}: no usable primary")))
    }

    /// Encrypts under the primary version of AEAD key `name`; returns the envelope.
    pub fn encrypt(&self, name: &str, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
        let Primary { version: v, alg, rt, .. } = self.primary_for(name, Family::Aead)?;
        let key = rt.aead.get().ok_or_else(|| err(Status::Internal, "AEAD key not prepared"))?;
        let mut nonce_buf = [0u8; 24];
        let nonce = &mut nonce_buf[..crate::aead::nonce_len(alg)?];
        crate::rand::random_bytes(nonce)?;
        let mut out = envelope::header_with_room(envelope::KIND_AEAD, alg, name, v, nonce, plaintext.len() + crate::aead::TAG_LEN);
        let hlen = out.len();
        out.resize(hlen + plaintext.len() + crate::aead::TAG_LEN, 0);
        let (header, body) = out.split_at_mut(hlen);
        with_header_aad(header, aad, |full_aad| key.seal(nonce, full_aad, plaintext, body))?;
        Ok(out)
    }

    /// Finds the version an envelope names, checks it may be used now, and runs `f` with it.
    fn with_version<T>(&self, env: &envelope::Envelope<'_>, f: impl Fn(&Key, &Version) -> Result<T>) -> Result<T> {
        self.maybe_refresh();
        for attempt in 0..2 {
            {
                let st = read_state(&self.inner.state);
                let found = st.keys.iter().find(|k| k.name == env.key).and_then(|k| k.version(env.version).map(|v| (k, v)));
                if let Some((k, v)) = found {
                    check_usable(k, v, self.inner.clock.now())?;
                    if v.alg != env.alg {
                        return Err(err(Status::AuthenticationFailed, format!("envelope names {} but key {:?} version {} is {}", env.alg.name(), k.name, v.version, v.alg.name())));
                    }
                    return f(k, v);
                }
                if attempt == 1 || self.inner.file.is_none() {
                    return Err(if st.keys.iter().any(|k| k.name == env.key) { unknown_version(env.key, env.version) } else { unknown_key(env.key) });
                }
            }
            // Perhaps another process made it: reload once.
            self.refresh()?;
        }
        Err(unknown_key(env.key))
    }

    /// Decrypts an envelope made by [`Keyring::encrypt`] (with the same `aad`).
    pub fn decrypt(&self, envelope_bytes: &[u8], aad: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let env = envelope::parse(envelope_bytes)?;
        if env.kind != envelope::KIND_AEAD {
            return Err(err(Status::WrongAlgorithmFamily, "this envelope is a signature, not a ciphertext"));
        }
        if env.body.len() < crate::aead::TAG_LEN {
            return Err(err(Status::MalformedEnvelope, "malformed envelope: ciphertext shorter than a tag"));
        }
        let rt = self.with_version(&env, |k, v| {
            let rt = self.runtime(&k.name, v.version);
            if rt.aead.get().is_none() {
                let m = v.material.as_ref().ok_or_else(|| err(Status::KeyDestroyed, "destroyed"))?;
                let _ = rt.aead.set(AeadKey::new(v.alg, m.as_slice())?);
            }
            Ok(rt)
        })?;
        let key = rt.aead.get().ok_or_else(|| err(Status::Internal, "AEAD key not prepared"))?;
        let mut out = Zeroizing::new(vec![0u8; env.body.len() - crate::aead::TAG_LEN]);
        with_header_aad(env.header, aad, |full_aad| key.open(env.nonce, full_aad, env.body, &mut out))?;
        Ok(out)
    }

    /// Re-encrypts an envelope under the current primary of its key (the plaintext never leaves
    /// the library).
    pub fn rewrap(&self, envelope_bytes: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
        let env = envelope::parse(envelope_bytes)?;
        let key = env.key.to_string();
        let pt = self.decrypt(envelope_bytes, aad)?;
        self.encrypt(&key, &pt, aad)
    }

    /// [`Keyring::rewrap`] over many envelopes (one result each).
    pub fn rewrap_many(&self, envelopes: &[&[u8]], aad: &[u8]) -> Vec<Result<Vec<u8>>> {
        envelopes.iter().map(|e| self.rewrap(e, aad)).collect()
    }

    /// `encrypt` with the key created on first use with [`Keyring::default_aead`].
    pub fn seal(&self, name: &str, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
        let exists = read_state(&self.inner.state).keys.iter().any(|k| k.name == name);
        if !exists {
            match self.generate(name, Self::default_aead(), None) {
                Ok(_) => {}
                Err(e) if e.status == Status::KeyExists => {}
                Err(e) => return Err(e),
            }
        }
        self.encrypt(name, plaintext, aad)
    }

    /// Opens an envelope from `seal` (any node: the envelope names the algorithm).
    pub fn open_sealed(&self, envelope_bytes: &[u8], aad: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        self.decrypt(envelope_bytes, aad)
    }

    /// Signs `msg` with the primary of signature key `name`; returns a detached signature
    /// envelope naming the key and version.
    pub fn sign(&self, name: &str, msg: &[u8]) -> Result<Vec<u8>> {
        let Primary { version: v, alg, material: sk, .. } = self.primary_for(name, Family::Sign)?;
        let sig = crate::sign::sign(alg, &sk, msg)?;
        let mut out = envelope::header(envelope::KIND_SIGNATURE, alg, name, v, &[]);
        out.extend_from_slice(&sig);
        Ok(out)
    }

    /// Verifies a signature envelope over `msg` with the version it names.
    pub fn verify(&self, signature_envelope: &[u8], msg: &[u8]) -> Result<()> {
        let env = envelope::parse(signature_envelope)?;
        if env.kind != envelope::KIND_SIGNATURE {
            return Err(err(Status::WrongAlgorithmFamily, "this envelope is a ciphertext, not a signature"));
        }
        let pk = self.with_version(&env, |_, v| Ok(v.public.clone()))?;
        crate::sign::verify(env.alg, &pk, msg, env.body)
    }

    /// HMAC / BLAKE3-keyed tag of `data` under MAC key `name`'s primary: (version, tag).
    pub fn mac(&self, name: &str, data: &[u8]) -> Result<(u32, Vec<u8>)> {
        let Primary { version: v, alg, material: k, .. } = self.primary_for(name, Family::Mac)?;
        Ok((v, crate::mac::mac(alg, &k, data)?))
    }

    /// Verifies a tag from [`Keyring::mac`] (constant time).
    pub fn verify_mac(&self, name: &str, version: u32, data: &[u8], tag: &[u8]) -> Result<()> {
        self.maybe_refresh();
        let st = read_state(&self.inner.state);
        let k = st.keys.iter().find(|k| k.name == name).ok_or_else(|| unknown_key(name))?;
        let v = k.version(version).ok_or_else(|| unknown_version(name, version))?;
        check_usable(k, v, self.inner.clock.now())?;
        let m = v.material.as_ref().ok_or_else(|| err(Status::KeyDestroyed, "destroyed"))?;
        crate::mac::verify(v.alg, m.as_slice(), data, tag)
    }

    /// Decapsulates `ct` with KEM key `name` version `version` (None: the primary).
    pub fn decapsulate(&self, name: &str, version: Option<u32>, ct: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        self.maybe_refresh();
        let st = read_state(&self.inner.state);
        let k = st.keys.iter().find(|k| k.name == name).ok_or_else(|| unknown_key(name))?;
        let v = match version {
            Some(n) => k.version(n).ok_or_else(|| unknown_version(name, n))?,
            None => k.primary().ok_or_else(|| err(Status::InvalidState, "no primary"))?,
        };
        if v.alg.family() != Family::Kem {
            return Err(err(Status::WrongAlgorithmFamily, format!("key {name:?} is not a KEM key")));
        }
        check_usable(k, v, self.inner.clock.now())?;
        let m = v.material.as_ref().ok_or_else(|| err(Status::KeyDestroyed, "destroyed"))?;
        crate::kem::decapsulate(v.alg, m.as_slice(), ct)
    }

    /// The public key of a signature or KEM version (None: the primary).
    pub fn public_key(&self, name: &str, version: Option<u32>) -> Result<(u32, Alg, Vec<u8>)> {
        self.maybe_refresh();
        let st = read_state(&self.inner.state);
        let k = st.keys.iter().find(|k| k.name == name).ok_or_else(|| unknown_key(name))?;
        let v = match version {
            Some(n) => k.version(n).ok_or_else(|| unknown_version(name, n))?,
            None => k.primary().ok_or_else(|| err(Status::InvalidState, "no primary"))?,
        };
        if v.public.is_empty() {
            return Err(err(Status::WrongAlgorithmFamily, format!("key {name:?} version {} is a symmetric key (no public key)", v.version)));
        }
        Ok((v.version, v.alg, v.public.clone()))
    }

    /// Every key, described (never material).
    pub fn list(&self) -> Vec<KeyInfo> {
        self.maybe_refresh();
        let st = read_state(&self.inner.state);
        st.keys.iter().map(|k| self.info(k)).collect()
    }

    pub fn describe(&self, name: &str) -> Result<KeyInfo> {
        self.maybe_refresh();
        let st = read_state(&self.inner.state);
        st.keys.iter().find(|k| k.name == name).map(|k| self.info(k)).ok_or_else(|| unknown_key(name))
    }

    fn info(&self, k: &Key) -> KeyInfo {
        KeyInfo {
            name: k.name.clone(),
            policy: k.policy,
            min_decryption_version: k.min_decryption_version,
            created: k.created,
            primary: k.primary().map(|p| p.version),
            versions: k
                .versions
                .iter()
                .map(|v| VersionInfo {
                    version: v.version,
                    alg: v.alg,
                    state: v.state,
                    created: v.created,
                    state_since: v.state_since,
                    expires: v.expires,
                    uses: self.uses_of(&k.name, v),
                    public_key: v.public.clone(),
                })
                .collect(),
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        let service = lock(&self.service).take();
        if let Some(s) = service {
            s.stop_and_join();
        }
        if let Some(f) = &self.file {
            let leases: Vec<(String, u32, u64, u64)> = lock(&self.runtime)
                .iter()
                .flat_map(|(name, versions)| {
                    versions.iter().filter_map(move |(v, rt)| {
                        let (next, end) = *lock(&rt.lease);
                        (next < end).then(|| (name.clone(), *v, next, end))
                    })
                })
                .collect();
            // Best effort: a failure only leaves the unused uses counted as made.
            let _ = return_leases(f, &leases);
        }
    }
}

/// Gives back the unused part of this process's use leases when the keyring is closed: a version
/// whose ceiling is still the end of our lease (nobody leased after us) gets its ceiling lowered to
/// the uses actually made. Otherwise a short-lived process (e.g. one `xps keyring encrypt`) would
/// count a whole block of uses.
fn return_leases(f: &FileBacking, leases: &[(String, u32, u64, u64)]) -> Result<()> {
    if leases.is_empty() {
        return Ok(());
    }
    let _flock = store::FileLock::acquire(&f.path)?;
    let bytes = store::read(&f.path)?;
    let (revision, body) = f.sealer.open(&bytes)?;
    let mut keys = model::decode(&body)?;
    let mut changed = false;
    for (name, v, next, end) in leases {
        if let Some(ver) = keys.iter_mut().find(|k| &k.name == name).and_then(|k| k.version_mut(*v)) {
            if ver.uses_reserved == *end {
                ver.uses_reserved = *next;
                changed = true;
            }
        }
    }
    if changed {
        store::write_atomic(&f.path, &f.sealer.seal(&model::encode(&keys), revision + 1)?)?;
    }
    Ok(())
}

/// Runs `f` with the envelope AAD (header ‖ caller's AAD), built on the stack when short.
fn with_header_aad<T>(header: &[u8], aad: &[u8], f: impl FnOnce(&[u8]) -> T) -> T {
    let n = header.len() + aad.len();
    if n <= 256 {
        let mut stack = [0u8; 256];
        stack[..header.len()].copy_from_slice(header);
        stack[header.len()..n].copy_from_slice(aad);
        f(&stack[..n])
    } else {
        f(&[header, aad].concat())
    }
}

/// The primary chosen for one new encryption / signature / MAC.
struct Primary {
    version: u32,
    alg: Alg,
    rt: Arc<Runtime>,
    /// The secret (signature and MAC keys; empty for AEAD keys, which use `rt.aead`).
    material: Zeroizing<Vec<u8>>,
}


/// The current primary becomes decrypt-only (its overlap window starts now). Returns its version.
fn demote_primary(k: &mut Key, now: u64) -> Option<u32> {
    let p = k.versions.iter_mut().find(|v| v.state == KeyState::Primary)?;
    p.state = KeyState::DecryptOnly;
    p.state_since = now;
    Some(p.version)
}

fn event(kind: EventKind, key: &str, old_version: Option<u32>, new_version: Option<u32>, time: u64, reason: &str) -> Event {
    Event { kind, key: key.to_string(), old_version, new_version, time, actor: "api", reason: reason.to_string() }
}

#[cfg(feature = "testing")]
type DestroyHook = fn(&[u8]);
#[cfg(feature = "testing")]
static DESTROY_HOOK: Mutex<Option<DestroyHook>> = Mutex::new(None);

/// Test builds only: `f` sees the secure buffer of a destroyed version right after it was wiped
/// (before it is freed), so tests can check the wipe.
#[cfg(feature = "testing")]
pub fn set_destroy_hook_for_testing(f: Option<fn(&[u8])>) {
    *lock(&DESTROY_HOOK) = f;
}

#[cfg(feature = "testing")]
fn destroy_hook(wiped: &[u8]) {
    if let Some(f) = *lock(&DESTROY_HOOK) {
        f(wiped);
    }
}
