//! `xpscrypto.Keyring`: named keys with versions, rotation, self-describing envelopes and the
//! encrypted keyring file (the `xps_keyring_*` functions of the C ABI; docs/KEYRING.md).
//!
//! Every call that may touch the keyring file (a change is saved before it returns; encryptions
//! lease uses durably; reads reload what other processes saved), run Argon2id, or do public-key
//! work releases the GIL. Listeners run on whichever thread made the change (the caller's, or the
//! auto-rotation thread) and take the GIL themselves; a listener that raises is reported through
//! `sys.unraisablehook` and never breaks the keyring.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use xpscrypto_core::kdf::Argon2idParams;
use xpscrypto_core::keyring::{self as core, Event, KeyInfo, Kek, ManualClock, Options, RotationPolicy, DEFAULT_ARGON2};
use xpscrypto_core::{Alg, Status};
use zeroize::Zeroizing;

use crate::buf::Bin;
use crate::errors::{core_err, status_err, OrPy};
use crate::util::shown;

/// A canonical algorithm name (the keyring checks the family).
fn alg_of(name: &str) -> PyResult<Alg> {
    Alg::from_name(name).ok_or_else(|| status_err(Status::UnknownAlgorithm, format!("unknown algorithm name {:?} (see xpscrypto.algorithms())", shown(name))))
}

/// A passphrase: any bytes-like object, or a `str` (UTF-8).
fn secret_bytes(obj: &Bound<'_, PyAny>) -> PyResult<Zeroizing<Vec<u8>>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Zeroizing::new(s.to_str()?.as_bytes().to_vec()));
    }
    let b: Bin<'_> = obj.extract()?;
    Ok(Zeroizing::new(b.slice().to_vec()))
}

fn argon2_params(d: Option<&Bound<'_, PyAny>>) -> PyResult<Argon2idParams> {
    let mut p = DEFAULT_ARGON2;
    let Some(d) = d else { return Ok(p) };
    let items = d.call_method0("items").map_err(|_| PyTypeError::new_err("argon2id must be a mapping {t_cost, m_cost_kib, parallelism}"))?;
    for item in items.try_iter()? {
        let (k, v): (String, Bound<'_, PyAny>) = item?.extract()?;
        match k.as_str() {
            "t_cost" => p.t_cost = v.extract()?,
            "m_cost_kib" => p.m_cost_kib = v.extract()?,
            "parallelism" => p.parallelism = v.extract()?,
            other => return Err(PyValueError::new_err(format!("unknown argon2id parameter {:?} (t_cost, m_cost_kib, parallelism)", shown(other)))),
        }
    }
    Ok(p)
}

/// The key-encryption key of create/open/save_as: exactly one of `passphrase` / `raw_key`.
enum KekArg {
    Passphrase(Zeroizing<Vec<u8>>, Argon2idParams),
    Raw(Zeroizing<Vec<u8>>),
}

impl KekArg {
    fn new(passphrase: Option<&Bound<'_, PyAny>>, raw_key: Option<&Bound<'_, PyAny>>, argon2id: Option<&Bound<'_, PyAny>>) -> PyResult<KekArg> {
        match (passphrase, raw_key) {
            (Some(p), None) => Ok(KekArg::Passphrase(secret_bytes(p)?, argon2_params(argon2id)?)),
            (None, Some(k)) => {
                if argon2id.is_some() {
                    return Err(status_err(Status::InvalidParameter, "argon2id parameters apply to a passphrase, not to a raw key"));
                }
                let b: Bin<'_> = k.extract()?;
                Ok(KekArg::Raw(Zeroizing::new(b.slice().to_vec())))
            }
            _ => Err(status_err(Status::InvalidParameter, "give exactly one of passphrase= and raw_key=")),
        }
    }

    fn kek(&self) -> Kek<'_> {
        match self {
            KekArg::Passphrase(p, params) => Kek::Passphrase { passphrase: p, params: *params },
            KekArg::Raw(k) => Kek::Raw(k),
        }
    }
}

/// A rotation policy from a mapping `{max_age, max_uses, overlap}`; keys left out keep `base`.
fn policy_from(d: &Bound<'_, PyAny>, base: RotationPolicy) -> PyResult<RotationPolicy> {
    let items = d.call_method0("items").map_err(|_| PyTypeError::new_err("policy must be a mapping {max_age, max_uses, overlap}"))?;
    let mut p = base;
    for item in items.try_iter()? {
        let (k, v): (String, Bound<'_, PyAny>) = item?.extract()?;
        match k.as_str() {
            "max_age" => p.max_age = v.extract()?,
            "max_uses" => p.max_uses = v.extract()?,
            "overlap" => p.overlap = v.extract()?,
            other => return Err(PyValueError::new_err(format!("unknown rotation policy key {:?} (max_age, max_uses, overlap)", shown(other)))),
        }
    }
    Ok(p)
}

fn policy_dict<'py>(py: Python<'py>, p: &RotationPolicy) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("max_age", p.max_age)?;
    d.set_item("max_uses", p.max_uses)?;
    d.set_item("overlap", p.overlap)?;
    Ok(d)
}

fn event_dict<'py>(py: Python<'py>, e: &Event) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("kind", e.kind.name())?;
    d.set_item("key", &e.key)?;
    d.set_item("old_version", e.old_version)?;
    d.set_item("new_version", e.new_version)?;
    d.set_item("time", e.time)?;
    d.set_item("actor", e.actor)?;
    d.set_item("reason", &e.reason)?;
    Ok(d)
}

fn events_list<'py>(py: Python<'py>, evs: &[Event]) -> PyResult<Bound<'py, PyList>> {
    let l = PyList::empty(py);
    for e in evs {
        l.append(event_dict(py, e)?)?;
    }
    Ok(l)
}

fn key_dict<'py>(py: Python<'py>, k: &KeyInfo) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("name", &k.name)?;
    d.set_item("policy", policy_dict(py, &k.policy)?)?;
    d.set_item("min_decryption_version", k.min_decryption_version)?;
    d.set_item("created", k.created)?;
    d.set_item("primary", k.primary)?;
    let vs = PyList::empty(py);
    for v in &k.versions {
        let vd = PyDict::new(py);
        vd.set_item("version", v.version)?;
        vd.set_item("alg", v.alg.name())?;
        vd.set_item("state", v.state.name())?;
        vd.set_item("created", v.created)?;
        vd.set_item("state_since", v.state_since)?;
        vd.set_item("expires", v.expires)?;
        vd.set_item("uses", v.uses)?;
        vd.set_item("public_key", PyBytes::new(py, &v.public_key))?;
        vs.append(vd)?;
    }
    d.set_item("versions", vs)?;
    Ok(d)
}

/// A keyring (as `xps_keyring*`). Create one with `Keyring.in_memory()`, `Keyring.create(path, …)`
/// or `Keyring.open(path, …)`. Key material never leaves the library except as public keys;
/// `repr()` shows the path and nothing else.
///
/// A file-backed keyring needs no explicit save: a change (generate, rotate, revoke, …) returns
/// only after it is durable in the file, and several processes may share one file (an advisory
/// lock serializes writers; each reloads what the others saved). Times are Unix seconds of the
/// keyring's clock (the system clock, or a manual clock for tests: `manual_clock=`).
///
/// Usable as a context manager: leaving the block (or `close()`) stops the auto-rotation thread and
/// drops the listeners.
///
/// A listener (`subscribe`) is held by the keyring itself, out of sight of Python's garbage
/// collector: a callback that refers to the keyring (a bound method of an object holding it, a
/// closure over it) makes a reference cycle that keeps the keyring alive, with its auto-rotation
/// thread. Call `close()` (or `unsubscribe(id)`) when done, or use a `with` block.
#[pyclass(module = "xpscrypto._native", name = "Keyring", frozen)]
pub struct Keyring {
    /// Always `Some`, except inside `Drop` (which takes it to drop it without the GIL).
    inner: Option<core::Keyring>,
    clock: Option<Arc<ManualClock>>,
    /// Listener ids subscribed through this object (dropped by `close()`).
    listeners: Mutex<HashSet<u64>>,
}

fn options(manual_clock: Option<u64>) -> (Options, Option<Arc<ManualClock>>) {
    match manual_clock {
        Some(t) => {
            let c = Arc::new(ManualClock::new(t));
            (Options { clock: Some(c.clone()) }, Some(c))
        }
        None => (Options::default(), None),
    }
}

impl Keyring {
    fn wrap(kr: core::Keyring, clock: Option<Arc<ManualClock>>) -> Keyring {
        Keyring { inner: Some(kr), clock, listeners: Mutex::new(HashSet::new()) }
    }

    fn kr(&self) -> &core::Keyring {
        self.inner.as_ref().expect("the keyring is only taken by Drop")
    }

    fn manual(&self) -> PyResult<&ManualClock> {
        self.clock.as_deref().ok_or_else(|| status_err(Status::InvalidState, "this keyring uses the system clock (open or create it with manual_clock= to set time)"))
    }

    fn lock_listeners(&self) -> std::sync::MutexGuard<'_, HashSet<u64>> {
        self.listeners.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn stop_all(&self, py: Python<'_>) {
        let kr = self.kr().clone();
        let ids: Vec<u64> = self.lock_listeners().drain().collect();
        py.detach(move || {
            kr.stop_auto_rotation();
            for id in ids {
                kr.unsubscribe(id);
            }
        });
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        // Both with the GIL released: the auto-rotation thread may be waiting for the GIL inside a
        // listener (joining it would deadlock), and dropping the last handle gives back unused use
        // leases, which takes the keyring file's lock (another process may hold it) and fsyncs.
        if let Some(kr) = self.inner.take() {
            Python::attach(|py| {
                py.detach(move || {
                    if kr.auto_rotation_running() {
                        kr.stop_auto_rotation();
                    }
                    drop(kr);
                })
            });
        }
    }
}

#[pymethods]
impl Keyring {
    /// A keyring that lives only in this process. `manual_clock=T`: its clock is a manual clock
    /// starting at Unix time `T` (moved by `set_clock` / `advance_clock`), for simulated time.
    #[staticmethod]
    #[pyo3(signature = (*, manual_clock = None))]
    fn in_memory(manual_clock: Option<u64>) -> Keyring {
        let (opts, clock) = options(manual_clock);
        Keyring::wrap(core::Keyring::in_memory_with(&opts), clock)
    }

    /// Creates a new, empty keyring file at `path` (never overwrites: `InvalidInputError`
    /// XPS_E_KEY_EXISTS if it exists), protected by exactly one of `passphrase` (str or bytes;
    /// Argon2id with `argon2id={t_cost, m_cost_kib, parallelism}`, default t=3, 64 MiB, p=1; the
    /// parameters are stored in the file) or `raw_key` (32 bytes). Runs without the GIL.
    #[staticmethod]
    #[pyo3(signature = (path, *, passphrase = None, raw_key = None, argon2id = None, manual_clock = None))]
    fn create(
        py: Python<'_>,
        path: PathBuf,
        passphrase: Option<&Bound<'_, PyAny>>,
        raw_key: Option<&Bound<'_, PyAny>>,
        argon2id: Option<&Bound<'_, PyAny>>,
        manual_clock: Option<u64>,
    ) -> PyResult<Keyring> {
        let k = KekArg::new(passphrase, raw_key, argon2id)?;
        let (opts, clock) = options(manual_clock);
        let kr = py.detach(|| core::Keyring::create(&path, &k.kek(), &opts)).py()?;
        Ok(Keyring::wrap(kr, clock))
    }

    /// Opens a keyring file with exactly one of `passphrase` (the Argon2id parameters come from
    /// the file) or `raw_key`. Wrong key or altered file: `AuthenticationError`; not a keyring or
    /// truncated: `InvalidInputError` XPS_E_MALFORMED_KEYRING; newer format:
    /// XPS_E_UNSUPPORTED_FORMAT; I/O: `ResourceError` XPS_E_KEYRING_IO. Runs without the GIL.
    #[staticmethod]
    #[pyo3(signature = (path, *, passphrase = None, raw_key = None, manual_clock = None))]
    fn open(py: Python<'_>, path: PathBuf, passphrase: Option<&Bound<'_, PyAny>>, raw_key: Option<&Bound<'_, PyAny>>, manual_clock: Option<u64>) -> PyResult<Keyring> {
        let k = KekArg::new(passphrase, raw_key, None)?;
        let (opts, clock) = options(manual_clock);
        let kr = py.detach(|| core::Keyring::open(&path, &k.kek(), &opts)).py()?;
        Ok(Keyring::wrap(kr, clock))
    }

    /// Writes a copy of this keyring to a new file `path` (never overwrites) under another
    /// passphrase or raw key (arguments as in `create`). This keyring stays backed by what it was.
    #[pyo3(signature = (path, *, passphrase = None, raw_key = None, argon2id = None))]
    fn save_as(&self, py: Python<'_>, path: PathBuf, passphrase: Option<&Bound<'_, PyAny>>, raw_key: Option<&Bound<'_, PyAny>>, argon2id: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let k = KekArg::new(passphrase, raw_key, argon2id)?;
        py.detach(|| self.kr().save_as(&path, &k.kek())).py()
    }

    /// The AEAD `seal` uses for new keys: "aes-256-gcm" where AES hardware exists (or the policy
    /// forbids XChaCha20-Poly1305), "xchacha20-poly1305" otherwise.
    #[staticmethod]
    fn default_aead() -> &'static str {
        core::Keyring::default_aead().name()
    }

    /// The file behind this keyring (`None` for an in-memory keyring).
    #[getter]
    fn path(&self) -> Option<PathBuf> {
        self.kr().path().map(|p| p.to_path_buf())
    }

    /// The keyring clock, now (Unix seconds).
    fn now(&self) -> u64 {
        self.kr().now()
    }

    /// Sets the manual clock to Unix time `t` (`InvalidInputError` XPS_E_INVALID_STATE with the
    /// system clock).
    fn set_clock(&self, t: u64) -> PyResult<()> {
        self.manual()?.set(t);
        Ok(())
    }

    /// Moves the manual clock forward by `secs`; returns the new time (XPS_E_INVALID_STATE with
    /// the system clock).
    fn advance_clock(&self, secs: u64) -> PyResult<u64> {
        Ok(self.manual()?.advance(secs))
    }

    /// Generates key `name` (1–64 characters of A-Z a-z 0-9 . _ -) with algorithm `alg` (an
    /// AEAD, MAC, signature or KEM name); version 1 is primary. `policy`: a dict
    /// `{max_age, max_uses, overlap}` (seconds; `None` = no limit); keys left out take the
    /// default for `alg` (90 days, 30 days of overlap, 2^32 uses for AES-GCM). Returns 1.
    #[pyo3(signature = (name, alg, *, policy = None))]
    fn generate(&self, py: Python<'_>, name: &str, alg: &str, policy: Option<&Bound<'_, PyAny>>) -> PyResult<u32> {
        let a = alg_of(alg)?;
        let p = policy.map(|d| policy_from(d, RotationPolicy::default_for(a))).transpose()?;
        py.detach(|| self.kr().generate(name, a, p)).py()
    }

    /// Imports key material (`xps_keyring_import`): raw bytes (AEAD/MAC keys, signature secret
    /// keys) or, with `seed=True`, a seed (signature and KEM keys). A new key gets version 1
    /// (primary); for an existing key a new version becomes primary if `primary=True`, else
    /// active (decrypts/verifies, never encrypts). Returns the version.
    #[pyo3(signature = (name, alg, material, *, seed = false, primary = false, policy = None))]
    #[allow(clippy::too_many_arguments)] // the keywords of the Python signature
    fn import_key(&self, py: Python<'_>, name: &str, alg: &str, material: Bin<'_>, seed: bool, primary: bool, policy: Option<&Bound<'_, PyAny>>) -> PyResult<u32> {
        let a = alg_of(alg)?;
        let p = policy.map(|d| policy_from(d, RotationPolicy::default_for(a))).transpose()?;
        let m = material.detached();
        py.detach(|| self.kr().import(name, a, &m, seed, primary, p)).py()
    }

    /// A new primary version of `name` (same algorithm, or `alg`); the previous primary becomes
    /// decrypt-only for the key's overlap window. Returns the new version (durable when returned).
    #[pyo3(signature = (name, alg = None))]
    fn rotate(&self, py: Python<'_>, name: &str, alg: Option<&str>) -> PyResult<u32> {
        let a = alg.map(alg_of).transpose()?;
        py.detach(|| self.kr().rotate(name, a)).py()
    }

    /// Makes `version` of `name` unusable for everything, immediately.
    fn revoke(&self, py: Python<'_>, name: &str, version: u32) -> PyResult<()> {
        py.detach(|| self.kr().revoke(name, version)).py()
    }

    /// Wipes the material of `version` (a tombstone remains); the primary must be rotated away first.
    fn destroy(&self, py: Python<'_>, name: &str, version: u32) -> PyResult<()> {
        py.detach(|| self.kr().destroy(name, version)).py()
    }

    /// Versions of `name` below `version` can no longer decrypt or verify
    /// (XPS_E_BELOW_MIN_DECRYPTION_VERSION).
    fn set_min_decryption_version(&self, py: Python<'_>, name: &str, version: u32) -> PyResult<()> {
        py.detach(|| self.kr().set_min_decryption_version(name, version)).py()
    }

    /// Replaces the rotation policy of `name` (a dict as in `generate`; keys left out keep their
    /// current values).
    fn set_rotation_policy(&self, py: Python<'_>, name: &str, policy: &Bound<'_, PyAny>) -> PyResult<()> {
        let cur = py.detach(|| self.kr().describe(name)).py()?.policy;
        let p = policy_from(policy, cur)?;
        py.detach(|| self.kr().set_policy(name, p)).py()
    }

    /// Sets (Unix seconds) or clears (`None`) the expiry of a version: at that time it retires.
    fn set_expiry(&self, py: Python<'_>, name: &str, version: u32, expires: Option<u64>) -> PyResult<()> {
        py.detach(|| self.kr().set_expiry(name, version, expires)).py()
    }

    /// One pass of the rotation policy at the keyring clock's now: retires decrypt-only versions
    /// whose window ended and expired versions, rotates primaries past their maximum age or uses,
    /// announces rotations due soon. Returns the events (dicts, as `events()`).
    fn tick<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let evs = py.detach(|| self.kr().tick()).py()?;
        events_list(py, &evs)
    }

    /// Starts a background thread running `tick()` every `interval_ms` milliseconds (replacing a
    /// running one). Events reach listeners and the `events()` queue.
    fn start_auto_rotation(&self, py: Python<'_>, interval_ms: u64) -> PyResult<()> {
        if interval_ms == 0 {
            return Err(status_err(Status::InvalidParameter, "the auto-rotation interval must be at least 1 ms"));
        }
        py.detach(|| self.kr().start_auto_rotation(Duration::from_millis(interval_ms)));
        Ok(())
    }

    /// Stops the background rotation thread (waits for a tick in progress).
    fn stop_auto_rotation(&self, py: Python<'_>) {
        py.detach(|| self.kr().stop_auto_rotation())
    }

    /// Whether the auto-rotation thread runs.
    #[getter]
    fn auto_rotation_running(&self) -> bool {
        self.kr().auto_rotation_running()
    }

    /// Calls `callback(event)` for every later event (a dict as in `events()`), after the change
    /// is durable, on the thread that made it (possibly the auto-rotation thread). Exceptions it
    /// raises go to `sys.unraisablehook`. The callback is held until `unsubscribe` or `close()`
    /// (a callback that refers to this keyring keeps it alive until then: a cycle the garbage
    /// collector cannot see).
    /// Returns an id for `unsubscribe`.
    fn subscribe(&self, callback: Bound<'_, PyAny>) -> PyResult<u64> {
        if !callback.is_callable() {
            return Err(PyTypeError::new_err("callback must be callable"));
        }
        let cb: Py<PyAny> = callback.unbind();
        let id = self.kr().subscribe(move |e: &Event| {
            // None while the interpreter is shutting down: the event is dropped.
            let _ = Python::try_attach(|py| {
                let r = event_dict(py, e).and_then(|d| cb.bind(py).call1((d,)));
                if let Err(err) = r {
                    err.write_unraisable(py, Some(cb.bind(py)));
                }
            });
        });
        self.lock_listeners().insert(id);
        Ok(id)
    }

    /// Removes a listener; `False` if `id` is not subscribed.
    fn unsubscribe(&self, id: u64) -> bool {
        self.lock_listeners().remove(&id);
        self.kr().unsubscribe(id)
    }

    /// Takes the queued events (the last 4096), oldest first: dicts `kind` ("generated",
    /// "imported", "planned", "rotated", "retired", "revoked", "destroyed",
    /// "min-decryption-version", "failed"), `key`, `old_version`, `new_version` (int or None),
    /// `time` (keyring clock), `actor` ("api" or "auto-rotation") and `reason`.
    fn events<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let evs = self.kr().drain_events();
        events_list(py, &evs)
    }

    /// Appends key lifecycle records (JSON lines, never material) to `path`; `None` stops.
    fn set_audit_log(&self, path: Option<PathBuf>) -> PyResult<()> {
        if path.as_ref().is_some_and(|p| p.as_os_str().is_empty()) {
            return Err(status_err(Status::InvalidParameter, "empty audit log path"));
        }
        self.kr().set_audit_log(path);
        Ok(())
    }

    /// Reloads from the file if another process saved it since (cheap when unchanged).
    fn refresh(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.kr().refresh()).py()
    }

    /// Encrypts under the primary version of AEAD key `name`; returns the envelope (it names the
    /// key, version and algorithm; the header is bound as associated data ahead of `aad`).
    #[pyo3(signature = (name, plaintext, aad = None))]
    fn encrypt<'py>(&self, py: Python<'py>, name: &str, plaintext: Bin<'py>, aad: Option<Bin<'py>>) -> PyResult<Bound<'py, PyBytes>> {
        let (p, a) = (plaintext.detached(), aad.as_ref().map(|b| b.detached()));
        let out = py.detach(|| self.kr().encrypt(name, &p, a.as_deref().unwrap_or(&[]))).py()?;
        Ok(PyBytes::new(py, &out))
    }

    /// Decrypts an envelope from `encrypt` (same `aad`). Refusals: `PolicyError` with
    /// XPS_E_KEY_RETIRED / XPS_E_KEY_REVOKED / XPS_E_KEY_DESTROYED /
    /// XPS_E_BELOW_MIN_DECRYPTION_VERSION; `AuthenticationError` for a wrong aad or altered
    /// envelope; `InvalidInputError` XPS_E_MALFORMED_ENVELOPE / XPS_E_UNKNOWN_KEY.
    #[pyo3(signature = (envelope, aad = None))]
    fn decrypt<'py>(&self, py: Python<'py>, envelope: Bin<'py>, aad: Option<Bin<'py>>) -> PyResult<Bound<'py, PyBytes>> {
        let (e, a) = (envelope.detached(), aad.as_ref().map(|b| b.detached()));
        let out = py.detach(|| self.kr().decrypt(&e, a.as_deref().unwrap_or(&[]))).py()?;
        Ok(PyBytes::new(py, &out))
    }

    /// Re-encrypts an envelope under the current primary of its key (the plaintext never
    /// reaches Python).
    #[pyo3(signature = (envelope, aad = None))]
    fn rewrap<'py>(&self, py: Python<'py>, envelope: Bin<'py>, aad: Option<Bin<'py>>) -> PyResult<Bound<'py, PyBytes>> {
        let (e, a) = (envelope.detached(), aad.as_ref().map(|b| b.detached()));
        let out = py.detach(|| self.kr().rewrap(&e, a.as_deref().unwrap_or(&[]))).py()?;
        Ok(PyBytes::new(py, &out))
    }

    /// `rewrap` over many envelopes (same `aad`). Never raises for one envelope: returns a list
    /// with, for each input, the new envelope (`bytes`) or the exception instance (an
    /// `xpscrypto.Error` subclass) that `rewrap` would have raised.
    #[pyo3(signature = (envelopes, aad = None))]
    fn rewrap_many<'py>(&self, py: Python<'py>, envelopes: Vec<Bin<'py>>, aad: Option<Bin<'py>>) -> PyResult<Bound<'py, PyList>> {
        let held: Vec<_> = envelopes.iter().map(|b| b.detached()).collect();
        let a = aad.as_ref().map(|b| b.detached());
        let results = py.detach(|| {
            let refs: Vec<&[u8]> = held.iter().map(|h| &**h).collect();
            self.kr().rewrap_many(&refs, a.as_deref().unwrap_or(&[]))
        });
        let out = PyList::empty(py);
        for r in results {
            match r {
                Ok(env) => out.append(PyBytes::new(py, &env))?,
                Err(e) => out.append(core_err(e).into_value(py))?,
            }
        }
        Ok(out)
    }

    /// `encrypt` with the key created on first use with `Keyring.default_aead()`.
    #[pyo3(signature = (name, plaintext, aad = None))]
    fn seal<'py>(&self, py: Python<'py>, name: &str, plaintext: Bin<'py>, aad: Option<Bin<'py>>) -> PyResult<Bound<'py, PyBytes>> {
        let (p, a) = (plaintext.detached(), aad.as_ref().map(|b| b.detached()));
        let out = py.detach(|| self.kr().seal(name, &p, a.as_deref().unwrap_or(&[]))).py()?;
        Ok(PyBytes::new(py, &out))
    }

    /// Opens an envelope from `seal` (any node: the envelope names the algorithm).
    #[pyo3(signature = (envelope, aad = None))]
    fn open_sealed<'py>(&self, py: Python<'py>, envelope: Bin<'py>, aad: Option<Bin<'py>>) -> PyResult<Bound<'py, PyBytes>> {
        let (e, a) = (envelope.detached(), aad.as_ref().map(|b| b.detached()));
        let out = py.detach(|| self.kr().open_sealed(&e, a.as_deref().unwrap_or(&[]))).py()?;
        Ok(PyBytes::new(py, &out))
    }

    /// Signs `msg` with the primary of signature key `name`; returns a detached signature
    /// envelope naming the key and version (the signature itself is over `msg`).
    fn sign<'py>(&self, py: Python<'py>, name: &str, msg: Bin<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let m = msg.detached();
        let out = py.detach(|| self.kr().sign(name, &m)).py()?;
        Ok(PyBytes::new(py, &out))
    }

    /// Verifies a signature envelope over `msg` with the version it names. Returns `None`;
    /// a wrong signature raises `AuthenticationError` (XPS_E_BAD_SIGNATURE), an unusable version
    /// `PolicyError`.
    fn verify(&self, py: Python<'_>, signature: Bin<'_>, msg: Bin<'_>) -> PyResult<()> {
        let (s, m) = (signature.detached(), msg.detached());
        py.detach(|| self.kr().verify(&s, &m)).py()
    }

    /// A tag of `data` under the primary of MAC key `name`: `(version, tag)`.
    fn mac<'py>(&self, py: Python<'py>, name: &str, data: Bin<'py>) -> PyResult<(u32, Bound<'py, PyBytes>)> {
        let d = data.detached();
        let (v, tag) = py.detach(|| self.kr().mac(name, &d)).py()?;
        Ok((v, PyBytes::new(py, &tag)))
    }

    /// Verifies a tag from `mac` (constant time); a mismatch raises `AuthenticationError`.
    fn verify_mac(&self, py: Python<'_>, name: &str, version: u32, data: Bin<'_>, tag: Bin<'_>) -> PyResult<()> {
        let (d, t) = (data.detached(), tag.detached());
        py.detach(|| self.kr().verify_mac(name, version, &d, &t)).py()
    }

    /// The shared secret of KEM ciphertext `ct` (from `kem_encapsulate` with `public_key(name)`)
    /// with version `version` of KEM key `name` (default: the primary).
    #[pyo3(signature = (name, ct, *, version = None))]
    fn decapsulate<'py>(&self, py: Python<'py>, name: &str, ct: Bin<'py>, version: Option<u32>) -> PyResult<Bound<'py, PyBytes>> {
        let c = ct.detached();
        let ss = py.detach(|| self.kr().decapsulate(name, version, &c)).py()?;
        Ok(PyBytes::new(py, &ss))
    }

    /// The public key of a signature or KEM version (default: the primary):
    /// `(version, alg, public_key)`.
    #[pyo3(signature = (name, *, version = None))]
    fn public_key<'py>(&self, py: Python<'py>, name: &str, version: Option<u32>) -> PyResult<(u32, &'static str, Bound<'py, PyBytes>)> {
        let (v, a, pk) = py.detach(|| self.kr().public_key(name, version)).py()?;
        Ok((v, a.name(), PyBytes::new(py, &pk)))
    }

    /// Every key, described (never material): a list of dicts as `describe`.
    fn list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let keys = py.detach(|| self.kr().list());
        let l = PyList::empty(py);
        for k in &keys {
            l.append(key_dict(py, k)?)?;
        }
        Ok(l)
    }

    /// Describes key `name` (never material): `name`, `policy` (`{max_age, max_uses, overlap}`),
    /// `min_decryption_version`, `created`, `primary` (version or None) and `versions`: dicts
    /// `version`, `alg`, `state` ("primary", "active", "decrypt-only", "retired", "revoked",
    /// "destroyed"), `created`, `state_since`, `expires`, `uses`, `public_key` (bytes; empty for
    /// symmetric keys).
    fn describe<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyDict>> {
        let k = py.detach(|| self.kr().describe(name)).py()?;
        key_dict(py, &k)
    }

    /// The length of the envelope `encrypt(name, …)` makes now for a `plaintext_len`-byte plaintext.
    fn envelope_len(&self, name: &str, plaintext_len: usize) -> PyResult<usize> {
        self.kr().envelope_len(name, plaintext_len).py()
    }

    /// Stops the auto-rotation thread and removes the listeners subscribed through this object
    /// (breaking a reference cycle through a callback that refers to the keyring). The keyring
    /// stays usable (its changes were durable already).
    fn close(&self, py: Python<'_>) {
        self.stop_all(py)
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// `close()`; exceptions propagate.
    fn __exit__(&self, py: Python<'_>, _t: Option<&Bound<'_, PyAny>>, _v: Option<&Bound<'_, PyAny>>, _tb: Option<&Bound<'_, PyAny>>) -> bool {
        self.stop_all(py);
        false
    }

    fn __repr__(&self) -> String {
        match self.kr().path() {
            Some(p) => format!("<xpscrypto.Keyring file={:?}>", p.display().to_string()),
            None => "<xpscrypto.Keyring in memory>".to_string(),
        }
    }
}
