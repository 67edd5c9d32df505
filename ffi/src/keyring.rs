//! Keyring: named, versioned keys with rotation, self-describing envelopes, an encrypted
//! crash-safe keyring file, lifecycle events and an audit log (docs/KEYRING.md).
//!
//! Key names are NUL-terminated strings of 1–64 characters `[A-Za-z0-9._-]`. Descriptions and
//! events are returned as JSON (documented in docs/KEYRING.md), never key material.

use crate::boundary::*;
use std::collections::VecDeque;
use std::ffi::{c_char, c_void, CString};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use xpscrypto_core::aead::TAG_LEN;
use xpscrypto_core::kdf::Argon2idParams;
use xpscrypto_core::keyring::{envelope, Event, EventKind, Kek, KeyInfo, Keyring, ManualClock, Options, RotationPolicy, DEFAULT_ARGON2};
use xpscrypto_core::{Error, Status};

/// `kek_kind`: the key-encryption key is a passphrase (Argon2id; parameters stored in the file).
pub const XPS_KEK_PASSPHRASE: u32 = 1;
/// `kek_kind`: the key-encryption key is 32 raw bytes.
pub const XPS_KEK_RAW: u32 = 2;
/// `xps_keyring_import` flags: `material` is a seed (signature and KEM keys), not the raw key.
pub const XPS_KEYRING_IMPORT_SEED: u32 = 1;
/// `xps_keyring_import` flags: a new version of an existing key becomes the primary (otherwise
/// it is `active`: usable for decryption/verification, not chosen for new encryptions).
pub const XPS_KEYRING_IMPORT_PRIMARY: u32 = 2;
/// `xps_keyring_options.flags`: the keyring uses a manual clock starting at
/// `manual_clock_start`, moved only by `xps_keyring_clock_set` / `xps_keyring_clock_advance`
/// (tests and simulations: months of rotations in milliseconds).
pub const XPS_KEYRING_MANUAL_CLOCK: u32 = 1;
/// `xps_keyring_options.version` of this layout.
pub const XPS_KEYRING_OPTIONS_VERSION: u32 = 1;
/// `xps_keyring_event.kind`: a key was generated.
pub const XPS_KEYRING_EVENT_GENERATED: u32 = 1;
/// `xps_keyring_event.kind`: key material was imported.
pub const XPS_KEYRING_EVENT_IMPORTED: u32 = 2;
/// `xps_keyring_event.kind`: a rotation is due soon (3/4 of the maximum age or uses).
pub const XPS_KEYRING_EVENT_PLANNED: u32 = 3;
/// `xps_keyring_event.kind`: a new primary version (the old one is decrypt-only).
pub const XPS_KEYRING_EVENT_ROTATED: u32 = 4;
/// `xps_keyring_event.kind`: a version retired (overlap window over, or expired).
pub const XPS_KEYRING_EVENT_RETIRED: u32 = 5;
/// `xps_keyring_event.kind`: a version was revoked.
pub const XPS_KEYRING_EVENT_REVOKED: u32 = 6;
/// `xps_keyring_event.kind`: a version's material was wiped.
pub const XPS_KEYRING_EVENT_DESTROYED: u32 = 7;
/// `xps_keyring_event.kind`: `min_decryption_version` changed.
pub const XPS_KEYRING_EVENT_MIN_DECRYPTION_VERSION: u32 = 8;
/// `xps_keyring_event.kind`: an automatic rotation or retirement failed (`reason` says why).
pub const XPS_KEYRING_EVENT_FAILED: u32 = 9;

/// Options of `xps_keyring_new_memory` / `_create` / `_open` / `_save_as` (NULL: defaults).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct xps_keyring_options {
    /// `XPS_KEYRING_OPTIONS_VERSION`.
    pub version: u32,
    /// 0 or `XPS_KEYRING_MANUAL_CLOCK`.
    pub flags: u32,
    /// Start of the manual clock (Unix seconds) when `XPS_KEYRING_MANUAL_CLOCK` is set.
    pub manual_clock_start: u64,
    /// Argon2id parameters for a new passphrase-protected file (`_create`, `_save_as`); all three
    /// 0 = the defaults (t = 3, m = 64 MiB, p = 1). Opening uses the file's own parameters.
    pub argon2id_t_cost: u32,
    pub argon2id_m_cost_kib: u32,
    pub argon2id_parallelism: u32,
}

/// A key's rotation policy. 0 in `max_age` / `max_uses` = no limit.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct xps_rotation_policy {
    /// Rotate when the primary is this old (seconds).
    pub max_age: u64,
    /// Rotate before the primary has served this many encryptions / signatures.
    pub max_uses: u64,
    /// How long a replaced primary stays decrypt-only before it retires (seconds).
    pub overlap: u64,
}

/// A lifecycle event passed to an `xps_keyring_event_fn`. The strings live only during the call.
#[repr(C)]
pub struct xps_keyring_event {
    /// `XPS_KEYRING_EVENT_*`.
    pub kind: u32,
    /// Version before / after (0 = none).
    pub old_version: u32,
    pub new_version: u32,
    /// Keyring clock, Unix seconds.
    pub time: u64,
    /// "rotated", "retired", … (the `kind` as in the JSON form).
    pub kind_name: *const c_char,
    /// Key name ("" for a failure not tied to one key).
    pub key: *const c_char,
    /// "api" or "auto-rotation".
    pub actor: *const c_char,
    pub reason: *const c_char,
}

/// Event callback: called after the change is durable, possibly from the auto-rotation thread;
/// must not call back into the same keyring's changing functions.
pub type xps_keyring_event_fn = Option<unsafe extern "C" fn(event: *const xps_keyring_event, user: *mut c_void)>;

/// Opaque keyring handle. Thread-safe: every function may be called concurrently on one handle.
/// Free with `xps_keyring_free`.
pub struct xps_keyring {
    kr: Keyring,
    clock: Option<Arc<ManualClock>>,
    /// Events taken from the keyring's queue but not yet returned (buffer too small).
    pending: Mutex<VecDeque<Event>>,
}

fn kind_code(k: EventKind) -> u32 {
    match k {
        EventKind::Generated => XPS_KEYRING_EVENT_GENERATED,
        EventKind::Imported => XPS_KEYRING_EVENT_IMPORTED,
        EventKind::Planned => XPS_KEYRING_EVENT_PLANNED,
        EventKind::Rotated => XPS_KEYRING_EVENT_ROTATED,
        EventKind::Retired => XPS_KEYRING_EVENT_RETIRED,
        EventKind::Revoked => XPS_KEYRING_EVENT_REVOKED,
        EventKind::Destroyed => XPS_KEYRING_EVENT_DESTROYED,
        EventKind::MinDecryptionVersion => XPS_KEYRING_EVENT_MIN_DECRYPTION_VERSION,
        EventKind::Failed => XPS_KEYRING_EVENT_FAILED,
    }
}

// ------------------------------------------------------------------------------ helpers

/// Reads options (NULL = defaults): (core options, manual clock, Argon2id parameters).
unsafe fn options(opts: *const xps_keyring_options) -> Result<(Options, Option<Arc<ManualClock>>, Argon2idParams), Error> {
    if opts.is_null() {
        return Ok((Options::default(), None, DEFAULT_ARGON2));
    }
    // SAFETY: non-NULL and points to an xps_keyring_options (caller contract).
    let o = unsafe { *opts };
    if o.version != XPS_KEYRING_OPTIONS_VERSION {
        return Err(e(Status::InvalidParameter, format!("xps_keyring_options.version {} (this library reads {XPS_KEYRING_OPTIONS_VERSION})", o.version)));
    }
    if o.flags & !XPS_KEYRING_MANUAL_CLOCK != 0 {
        return Err(e(Status::InvalidParameter, format!("unknown xps_keyring_options.flags {:#x}", o.flags)));
    }
    let params = match (o.argon2id_t_cost, o.argon2id_m_cost_kib, o.argon2id_parallelism) {
        (0, 0, 0) => DEFAULT_ARGON2,
        (t_cost, m_cost_kib, parallelism) => Argon2idParams { t_cost, m_cost_kib, parallelism },
    };
    if o.flags & XPS_KEYRING_MANUAL_CLOCK != 0 {
        let c = Arc::new(ManualClock::new(o.manual_clock_start));
        Ok((Options { clock: Some(c.clone()) }, Some(c), params))
    } else {
        Ok((Options::default(), None, params))
    }
}

/// The key-encryption key of `kek_kind`.
unsafe fn kek<'a>(kind: u32, p: *const u8, len: usize, params: Argon2idParams) -> Result<Kek<'a>, Error> {
    // SAFETY: (pointer, length) pair per the C conventions.
    let k = unsafe { input(p, len, "kek") }?;
    match kind {
        XPS_KEK_PASSPHRASE => Ok(Kek::Passphrase { passphrase: k, params }),
        XPS_KEK_RAW => Ok(Kek::Raw(k)),
        _ => Err(e(Status::InvalidParameter, format!("unknown kek_kind {kind} (XPS_KEK_PASSPHRASE or XPS_KEK_RAW)"))),
    }
}

unsafe fn path<'a>(p: *const c_char) -> Result<&'a Path, Error> {
    // SAFETY: NUL-terminated string (caller contract).
    let s = unsafe { cstr(p, "path") }?;
    if s.is_empty() {
        return Err(e(Status::InvalidParameter, "empty path"));
    }
    Ok(Path::new(s))
}

unsafe fn name<'a>(p: *const c_char) -> Result<&'a str, Error> {
    // SAFETY: NUL-terminated string (caller contract).
    unsafe { cstr(p, "name") }
}

unsafe fn kr<'a>(p: *const xps_keyring) -> Result<&'a xps_keyring, Error> {
    // SAFETY: NULL or a live handle (caller contract).
    unsafe { handle(p, "keyring") }
}

unsafe fn rotation_policy(p: *const xps_rotation_policy) -> Option<RotationPolicy> {
    if p.is_null() {
        return None;
    }
    // SAFETY: non-NULL and points to an xps_rotation_policy (caller contract).
    let p = unsafe { *p };
    Some(RotationPolicy { max_age: (p.max_age != 0).then_some(p.max_age), max_uses: (p.max_uses != 0).then_some(p.max_uses), overlap: p.overlap })
}

fn put_u32(out: *mut u32, v: u32) {
    if !out.is_null() {
        // SAFETY: non-NULL, writable (caller contract).
        unsafe { *out = v };
    }
}

/// Refuses any overlap of `out` with the inputs, then checks `out_len`.
fn check_out(out: *mut u8, cap: usize, out_len: *mut usize, inputs: &[(*const u8, usize, &str)]) -> Result<(), Error> {
    need_len_ptr(out_len)?;
    if out.is_null() && cap > 0 {
        return Err(e(Status::NullPointer, format!("out is NULL but its capacity is {cap}")));
    }
    for &(p, n, what) in inputs {
        check_overlap(p, n, out, cap, false, what)?;
    }
    Ok(())
}

/// Fails with `XPS_E_BUFFER_TOO_SMALL` (writing the needed size) unless `need <= cap`.
fn fits(need: usize, cap: usize, out_len: *mut usize) -> Result<(), Error> {
    if need > cap {
        set_len(out_len, need);
        return Err(e(Status::BufferTooSmall, format!("output needs {need} bytes, capacity {cap}")));
    }
    Ok(())
}

/// Copies a finished result to `out` (`out_len` checked by `check_out`).
unsafe fn deliver(v: &[u8], out: *mut u8, cap: usize, out_len: *mut usize) -> Result<(), Error> {
    fits(v.len(), cap, out_len)?;
    // SAFETY: (pointer, capacity) pair per the C conventions.
    let o = unsafe { output(out, cap, "out") }?;
    o[..v.len()].copy_from_slice(v);
    set_len(out_len, v.len());
    Ok(())
}

/// The algorithm of `name`'s version `version` (None: the primary), for sizing outputs before any
/// use is spent.
fn version_alg(h: &xps_keyring, name: &str, version: Option<u32>) -> Result<xpscrypto_core::Alg, Error> {
    let k = h.kr.describe(name)?;
    let v = version.or(k.primary).ok_or_else(|| e(Status::InvalidState, format!("key {name:?} has no primary version")))?;
    k.versions.iter().find(|x| x.version == v).map(|x| x.alg).ok_or_else(|| e(Status::UnknownKey, format!("key {name:?} has no version {v}")))
}

fn event_json(ev: &Event) -> serde_json::Value {
    serde_json::json!({
        "kind": ev.kind.name(),
        "key": ev.key,
        "old_version": ev.old_version,
        "new_version": ev.new_version,
        "time": ev.time,
        "actor": ev.actor,
        "reason": ev.reason,
    })
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn key_json(k: &KeyInfo) -> serde_json::Value {
    serde_json::json!({
        "name": k.name,
        "policy": {"max_age": k.policy.max_age, "max_uses": k.policy.max_uses, "overlap": k.policy.overlap},
        "min_decryption_version": k.min_decryption_version,
        "created": k.created,
        "primary": k.primary,
        "versions": k.versions.iter().map(|v| serde_json::json!({
            "version": v.version,
            "alg": v.alg.name(),
            "state": v.state.name(),
            "created": v.created,
            "state_since": v.state_since,
            "expires": v.expires,
            "uses": v.uses,
            "public_key": hex(&v.public_key),
        })).collect::<Vec<_>>(),
    })
}

// ------------------------------------------------------------------------------ lifetime

/// A keyring that lives only in this process (`opts` may be NULL).
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_new_memory(opts: *const xps_keyring_options, out: *mut *mut xps_keyring) -> xps_status {
    guard(|| {
        // SAFETY: NULL or a valid options struct (caller contract).
        let (o, clock, _) = unsafe { options(opts) }?;
        put_handle(out, xps_keyring { kr: Keyring::in_memory_with(&o), clock, pending: Mutex::new(VecDeque::new()) })
    })
}

/// The body of `xps_keyring_create` / `xps_keyring_open`.
unsafe fn file_handle(
    path: *const c_char,
    kek_kind: u32,
    kek: *const u8,
    kek_len: usize,
    opts: *const xps_keyring_options,
    out: *mut *mut xps_keyring,
    make: fn(&Path, &Kek<'_>, &Options) -> Result<Keyring, Error>,
) -> Result<(), Error> {
    if out.is_null() {
        return Err(e(Status::NullPointer, "handle output pointer is NULL"));
    }
    // SAFETY: arguments per the C conventions (see the module's helpers).
    let (p, (o, clock, params)) = unsafe { (self::path(path)?, options(opts)?) };
    // SAFETY: as above.
    let k = unsafe { self::kek(kek_kind, kek, kek_len, params) }?;
    let kr = make(p, &k, &o)?;
    put_handle(out, xps_keyring { kr, clock, pending: Mutex::new(VecDeque::new()) })
}

/// Creates a new, empty keyring file at `path` (never overwrites: `XPS_E_KEY_EXISTS`), protected
/// by `kek` of `kek_kind` (`XPS_KEK_PASSPHRASE`: Argon2id with `opts`' parameters, stored in the
/// file; `XPS_KEK_RAW`: 32 bytes). The file is created 0600 and saved atomically.
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_create(
    path: *const c_char,
    kek_kind: u32,
    kek: *const u8,
    kek_len: usize,
    opts: *const xps_keyring_options,
    out: *mut *mut xps_keyring,
) -> xps_status {
    // SAFETY: arguments per the C conventions.
    guard(|| unsafe { file_handle(path, kek_kind, kek, kek_len, opts, out, Keyring::create) })
}

/// Opens a keyring file (Argon2id runs here for passphrase-protected files, with the file's
/// parameters). Wrong key: `XPS_E_AUTHENTICATION_FAILED`; damaged or foreign file:
/// `XPS_E_MALFORMED_KEYRING`; newer format: `XPS_E_UNSUPPORTED_FORMAT`; I/O: `XPS_E_KEYRING_IO`.
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_open(
    path: *const c_char,
    kek_kind: u32,
    kek: *const u8,
    kek_len: usize,
    opts: *const xps_keyring_options,
    out: *mut *mut xps_keyring,
) -> xps_status {
    // SAFETY: arguments per the C conventions.
    guard(|| unsafe { file_handle(path, kek_kind, kek, kek_len, opts, out, Keyring::open) })
}

/// Writes a copy of the keyring to a new file `path` under another key (never overwrites). The
/// handle stays backed by what it was. File-backed keyrings need no explicit save: every change
/// is durable when its function returns.
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_save_as(
    keyring: *const xps_keyring,
    path: *const c_char,
    kek_kind: u32,
    kek: *const u8,
    kek_len: usize,
    opts: *const xps_keyring_options,
) -> xps_status {
    guard(|| {
        // SAFETY: arguments per the C conventions.
        let (h, p, (_, _, params)) = unsafe { (kr(keyring)?, self::path(path)?, options(opts)?) };
        // SAFETY: as above.
        let k = unsafe { self::kek(kek_kind, kek, kek_len, params) }?;
        h.kr.save_as(p, &k)
    })
}

/// Stops auto-rotation and releases the handle (secrets wiped; the unused part of this process's
/// use leases is given back to the file). NULL is accepted. Never call it from an event callback
/// or while another thread uses the handle.
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_free(keyring: *mut xps_keyring) {
    guard_value((), || {
        if !keyring.is_null() {
            // SAFETY: a live handle from this library, not used again (caller contract).
            let h = unsafe { Box::from_raw(keyring) };
            h.kr.stop_auto_rotation();
            drop(h);
        }
    })
}

// ------------------------------------------------------------------------------ clock

/// The keyring clock, Unix seconds (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_now(keyring: *const xps_keyring) -> u64 {
    // SAFETY: NULL or a live handle.
    guard_value(0, || unsafe { kr(keyring) }.map_or(0, |h| h.kr.now()))
}

fn manual(h: &xps_keyring) -> Result<&ManualClock, Error> {
    h.clock.as_deref().ok_or_else(|| e(Status::InvalidState, "this keyring uses the system clock (XPS_KEYRING_MANUAL_CLOCK was not set)"))
}

/// Sets a manual clock (`XPS_E_INVALID_STATE` for a keyring on the system clock).
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_clock_set(keyring: *const xps_keyring, unix_seconds: u64) -> xps_status {
    guard(|| {
        // SAFETY: NULL or a live handle.
        manual(unsafe { kr(keyring) }?)?.set(unix_seconds);
        Ok(())
    })
}

/// Moves a manual clock forward by `seconds`; `*now` (may be NULL) gets the new time.
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_clock_advance(keyring: *const xps_keyring, seconds: u64, now: *mut u64) -> xps_status {
    guard(|| {
        // SAFETY: NULL or a live handle.
        let c = manual(unsafe { kr(keyring) }?)?;
        let t = c.advance(seconds);
        if !now.is_null() {
            // SAFETY: non-NULL, writable (caller contract).
            unsafe { *now = t };
        }
        Ok(())
    })
}

// ------------------------------------------------------------------------------ changes

/// Generates key `name` (version 1, primary) of algorithm `alg` (any AEAD, MAC except poly1305,
/// signature or KEM). `policy` NULL: the default (rotate every 90 days, 30 days decrypt-only,
/// AES-GCM at most 2^32 encryptions per version). `*version` (may be NULL) gets 1.
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_generate(keyring: *const xps_keyring, name: *const c_char, alg: u32, policy: *const xps_rotation_policy, version: *mut u32) -> xps_status {
    guard(|| {
        // SAFETY: arguments per the C conventions.
        let (h, n, p) = unsafe { (kr(keyring)?, self::name(name)?, rotation_policy(policy)) };
        let v = h.kr.generate(n, crate::boundary::alg(alg)?, p)?;
        put_u32(version, v);
        Ok(())
    })
}

/// Imports key material: a new key `name`, or a new version of an existing one (primary with
/// `XPS_KEYRING_IMPORT_PRIMARY`). Raw keys for AEAD/MAC/signature keys; seeds (flag
/// `XPS_KEYRING_IMPORT_SEED`) for signature and KEM keys. `policy` applies to a new key.
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_import(
    keyring: *const xps_keyring,
    name: *const c_char,
    alg: u32,
    material: *const u8,
    material_len: usize,
    flags: u32,
    policy: *const xps_rotation_policy,
    version: *mut u32,
) -> xps_status {
    guard(|| {
        if flags & !(XPS_KEYRING_IMPORT_SEED | XPS_KEYRING_IMPORT_PRIMARY) != 0 {
            return Err(e(Status::InvalidParameter, format!("unknown xps_keyring_import flags {flags:#x}")));
        }
        // SAFETY: arguments per the C conventions.
        let (h, n, m, p) = unsafe { (kr(keyring)?, self::name(name)?, input(material, material_len, "material")?, rotation_policy(policy)) };
        let v = h.kr.import(n, crate::boundary::alg(alg)?, m, flags & XPS_KEYRING_IMPORT_SEED != 0, flags & XPS_KEYRING_IMPORT_PRIMARY != 0, p)?;
        put_u32(version, v);
        Ok(())
    })
}

/// Rotates `name`: a new primary version (of `alg`, or the current algorithm when `alg` is 0);
/// the previous primary becomes decrypt-only for the key's overlap window. Returns after the
/// change is durable; `*version` (may be NULL) gets the new version.
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_rotate(keyring: *const xps_keyring, name: *const c_char, alg: u32, version: *mut u32) -> xps_status {
    guard(|| {
        // SAFETY: arguments per the C conventions.
        let (h, n) = unsafe { (kr(keyring)?, self::name(name)?) };
        let a = if alg == 0 { None } else { Some(crate::boundary::alg(alg)?) };
        put_u32(version, h.kr.rotate(n, a)?);
        Ok(())
    })
}

/// Revokes a version: unusable for everything from now on (`XPS_E_KEY_REVOKED`).
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_revoke(keyring: *const xps_keyring, name: *const c_char, version: u32) -> xps_status {
    // SAFETY: arguments per the C conventions.
    guard(|| unsafe { kr(keyring)?.kr.revoke(self::name(name)?, version) })
}

/// Destroys a version: its material is wiped, a tombstone stays (`XPS_E_KEY_DESTROYED`).
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_destroy(keyring: *const xps_keyring, name: *const c_char, version: u32) -> xps_status {
    // SAFETY: arguments per the C conventions.
    guard(|| unsafe { kr(keyring)?.kr.destroy(self::name(name)?, version) })
}

/// Envelopes of versions below `min_version` are refused (`XPS_E_BELOW_MIN_DECRYPTION_VERSION`).
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_set_min_decryption_version(keyring: *const xps_keyring, name: *const c_char, min_version: u32) -> xps_status {
    // SAFETY: arguments per the C conventions.
    guard(|| unsafe { kr(keyring)?.kr.set_min_decryption_version(self::name(name)?, min_version) })
}

/// Replaces a key's rotation policy (`policy` non-NULL).
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_set_rotation_policy(keyring: *const xps_keyring, name: *const c_char, policy: *const xps_rotation_policy) -> xps_status {
    guard(|| {
        // SAFETY: arguments per the C conventions.
        let (h, n, p) = unsafe { (kr(keyring)?, self::name(name)?, rotation_policy(policy)) };
        h.kr.set_policy(n, p.ok_or_else(|| e(Status::NullPointer, "policy is NULL"))?)
    })
}

/// Sets a version's expiry (Unix seconds; 0 clears it). At that time it retires.
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_set_expiry(keyring: *const xps_keyring, name: *const c_char, version: u32, expires: u64) -> xps_status {
    // SAFETY: arguments per the C conventions.
    guard(|| unsafe { kr(keyring)?.kr.set_expiry(self::name(name)?, version, (expires != 0).then_some(expires)) })
}

// ------------------------------------------------------------------------------ rotation service

/// One pass of the rotation policies at the keyring clock's now: retires, rotates, announces.
/// `*event_count` (may be NULL) gets the number of events it produced (they go to subscribers and
/// to the queue read by `xps_keyring_events_json`).
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_tick(keyring: *const xps_keyring, event_count: *mut usize) -> xps_status {
    guard(|| {
        // SAFETY: NULL or a live handle.
        let n = unsafe { kr(keyring) }?.kr.tick()?.len();
        if !event_count.is_null() {
            set_len(event_count, n);
        }
        Ok(())
    })
}

/// Starts a background thread running `xps_keyring_tick` every `interval_ms` (≥ 1), replacing a
/// running one. Stopped by `xps_keyring_stop_auto_rotation` or `xps_keyring_free`.
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_start_auto_rotation(keyring: *const xps_keyring, interval_ms: u64) -> xps_status {
    guard(|| {
        // SAFETY: NULL or a live handle.
        let h = unsafe { kr(keyring) }?;
        if interval_ms == 0 {
            return Err(e(Status::InvalidParameter, "interval_ms must be at least 1"));
        }
        h.kr.start_auto_rotation(Duration::from_millis(interval_ms));
        Ok(())
    })
}

/// Stops the background rotation thread (waits for a tick in progress).
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_stop_auto_rotation(keyring: *const xps_keyring) -> xps_status {
    guard(|| {
        // SAFETY: NULL or a live handle.
        unsafe { kr(keyring) }?.kr.stop_auto_rotation();
        Ok(())
    })
}

/// 1 while the rotation thread runs, 0 otherwise (or for NULL).
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_auto_rotation_running(keyring: *const xps_keyring) -> i32 {
    // SAFETY: NULL or a live handle.
    guard_value(0, || unsafe { kr(keyring) }.map_or(0, |h| i32::from(h.kr.auto_rotation_running())))
}

struct Callback {
    f: unsafe extern "C" fn(*const xps_keyring_event, *mut c_void),
    user: *mut c_void,
}
// SAFETY: the caller of xps_keyring_subscribe promises the callback and its user pointer may be
// used from any thread (documented).
unsafe impl Send for Callback {}
// SAFETY: as above.
unsafe impl Sync for Callback {}

impl Callback {
    fn call(&self, ev: &Event) {
        let c = |s: &str| CString::new(s.replace('\0', " ")).unwrap_or_default();
        let (kind, key, actor, reason) = (c(ev.kind.name()), c(&ev.key), c(ev.actor), c(&ev.reason));
        let x = xps_keyring_event {
            kind: kind_code(ev.kind),
            old_version: ev.old_version.unwrap_or(0),
            new_version: ev.new_version.unwrap_or(0),
            time: ev.time,
            kind_name: kind.as_ptr(),
            key: key.as_ptr(),
            actor: actor.as_ptr(),
            reason: reason.as_ptr(),
        };
        // SAFETY: a valid function pointer and user data given to xps_keyring_subscribe; `x` and
        // its strings outlive the call.
        unsafe { (self.f)(&x, self.user) };
    }
}

/// Calls `callback(event, user)` for every later event, after the change is durable, from the
/// thread that made it (the auto-rotation thread included): `callback` and `user` must be
/// usable from any thread. The callback may call the keyring's functions (even unsubscribe
/// itself) but must never call `xps_keyring_free` on it. `*id` gets an id for
/// `xps_keyring_unsubscribe`.
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_subscribe(keyring: *const xps_keyring, callback: xps_keyring_event_fn, user: *mut c_void, id: *mut u64) -> xps_status {
    guard(|| {
        // SAFETY: NULL or a live handle.
        let h = unsafe { kr(keyring) }?;
        let f = callback.ok_or_else(|| e(Status::NullPointer, "callback is NULL"))?;
        if id.is_null() {
            return Err(e(Status::NullPointer, "id is NULL"));
        }
        let cb = Callback { f, user };
        let n = h.kr.subscribe(move |ev| cb.call(ev));
        // SAFETY: non-NULL, writable (caller contract).
        unsafe { *id = n };
        Ok(())
    })
}

/// Removes a subscription (`XPS_E_INVALID_PARAMETER` for an unknown id). When it returns, no call
/// of that callback is running or will start (so its `user` data may be freed) — except when
/// called from inside that callback, whose own call then finishes normally.
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_unsubscribe(keyring: *const xps_keyring, id: u64) -> xps_status {
    guard(|| {
        // SAFETY: NULL or a live handle.
        if unsafe { kr(keyring) }?.kr.unsubscribe(id) {
            Ok(())
        } else {
            Err(e(Status::InvalidParameter, format!("no subscription {id}")))
        }
    })
}

/// Takes the queued events (the last 4096, oldest first) as a JSON array of objects
/// `{"kind","key","old_version","new_version","time","actor","reason"}`. If `out_cap` is too
/// small the events stay queued (`XPS_E_BUFFER_TOO_SMALL`, `*out_len` = needed size; later
/// events may make it grow).
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_events_json(keyring: *const xps_keyring, out: *mut u8, out_cap: usize, out_len: *mut usize) -> xps_status {
    guard(|| {
        // SAFETY: NULL or a live handle.
        let h = unsafe { kr(keyring) }?;
        need_len_ptr(out_len)?;
        let mut pending = h.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending.extend(h.kr.drain_events());
        // Like the keyring's own queue: the last 4096.
        while pending.len() > 4096 {
            pending.pop_front();
        }
        let json = serde_json::Value::Array(pending.iter().map(event_json).collect()).to_string();
        // SAFETY: (pointer, capacity) pair per the C conventions.
        unsafe { deliver(json.as_bytes(), out, out_cap, out_len) }?;
        pending.clear();
        Ok(())
    })
}

/// Appends key lifecycle records (JSON lines: who, what, when, why, key, versions, decision;
/// never material) to `path`; NULL stops.
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_set_audit_log(keyring: *const xps_keyring, path: *const c_char) -> xps_status {
    guard(|| {
        // SAFETY: NULL or a live handle.
        let h = unsafe { kr(keyring) }?;
        if path.is_null() {
            h.kr.set_audit_log(None);
        } else {
            // SAFETY: NUL-terminated string (caller contract).
            h.kr.set_audit_log(Some(unsafe { self::path(path) }?.to_path_buf()));
        }
        Ok(())
    })
}

/// Reloads the file if another process changed it (reads also check about once a second).
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_refresh(keyring: *const xps_keyring) -> xps_status {
    // SAFETY: NULL or a live handle.
    guard(|| unsafe { kr(keyring) }?.kr.refresh())
}

// ------------------------------------------------------------------------------ envelopes

/// The size of the envelope `xps_keyring_encrypt(name, …)` makes now for `plaintext_len` bytes:
/// header (15 + strlen(name) + 1 + nonce) + plaintext + 16.
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_envelope_len(keyring: *const xps_keyring, name: *const c_char, plaintext_len: usize, out_len: *mut usize) -> xps_status {
    guard(|| {
        need_len_ptr(out_len)?;
        // SAFETY: arguments per the C conventions.
        let n = unsafe { kr(keyring)?.kr.envelope_len(self::name(name)?, plaintext_len) }?;
        set_len(out_len, n);
        Ok(())
    })
}

/// The AEAD `xps_keyring_seal` uses for new keys: `XPS_ALG_AES_256_GCM` where AES hardware exists
/// (or policy forbids the alternative), `XPS_ALG_XCHACHA20_POLY1305` otherwise.
#[no_mangle]
pub extern "C" fn xps_keyring_default_aead() -> u32 {
    guard_value(0, || Keyring::default_aead().id())
}

/// Encrypts under the primary version of AEAD key `name`: writes a self-describing envelope
/// (magic, format, key name and version, algorithm, nonce, ciphertext‖tag; header bound as AAD)
/// of `xps_keyring_envelope_len` bytes. Counts one use (rotating first if the maximum is reached).
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_encrypt(
    keyring: *const xps_keyring,
    name: *const c_char,
    plaintext: *const u8,
    plaintext_len: usize,
    aad: *const u8,
    aad_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> xps_status {
    // SAFETY: arguments per the C conventions.
    guard(|| unsafe { encrypt_with(keyring, name, plaintext, plaintext_len, aad, aad_len, out, out_cap, out_len, false) })
}

unsafe fn encrypt_with(
    keyring: *const xps_keyring,
    name: *const c_char,
    plaintext: *const u8,
    plaintext_len: usize,
    aad: *const u8,
    aad_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    seal: bool,
) -> Result<(), Error> {
    check_out(out, out_cap, out_len, &[(plaintext, plaintext_len, "plaintext"), (aad, aad_len, "aad")])?;
    // SAFETY: arguments per the C conventions.
    let (h, n, pt, ad) = unsafe { (kr(keyring)?, self::name(name)?, input(plaintext, plaintext_len, "plaintext")?, input(aad, aad_len, "aad")?) };
    // Size first, so a too-small buffer costs no use (a key seal() creates has the default AEAD).
    let need = match h.kr.envelope_len(n, pt.len()) {
        Ok(x) => x,
        Err(err) if seal && err.status == Status::UnknownKey => {
            let alg = Keyring::default_aead();
            let nonce = vec![0u8; xpscrypto_core::aead::nonce_len(alg)?];
            envelope::header(envelope::KIND_AEAD, alg, n, 1, &nonce).len().saturating_add(pt.len()).saturating_add(TAG_LEN)
        }
        Err(err) => return Err(err),
    };
    fits(need, out_cap, out_len)?;
    let env = if seal { h.kr.seal(n, pt, ad)? } else { h.kr.encrypt(n, pt, ad)? };
    // SAFETY: (pointer, capacity) pair per the C conventions.
    unsafe { deliver(&env, out, out_cap, out_len) }
}

/// Decrypts an envelope from `xps_keyring_encrypt` / `_seal` with the same `aad`. Refuses
/// revoked (`XPS_E_KEY_REVOKED`), retired or expired (`XPS_E_KEY_RETIRED`), destroyed
/// (`XPS_E_KEY_DESTROYED`) versions and versions below `min_decryption_version`
/// (`XPS_E_BELOW_MIN_DECRYPTION_VERSION`); a damaged envelope is `XPS_E_MALFORMED_ENVELOPE` or
/// `XPS_E_AUTHENTICATION_FAILED`. Plaintext length = envelope body − 16.
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_decrypt(
    keyring: *const xps_keyring,
    envelope: *const u8,
    envelope_len: usize,
    aad: *const u8,
    aad_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> xps_status {
    guard(|| {
        check_out(out, out_cap, out_len, &[(envelope, envelope_len, "envelope"), (aad, aad_len, "aad")])?;
        // SAFETY: arguments per the C conventions.
        let (h, env, ad) = unsafe { (kr(keyring)?, input(envelope, envelope_len, "envelope")?, input(aad, aad_len, "aad")?) };
        let parsed = envelope::parse(env)?;
        fits(parsed.body.len().saturating_sub(TAG_LEN), out_cap, out_len)?;
        let pt = h.kr.decrypt(env, ad)?;
        // SAFETY: (pointer, capacity) pair per the C conventions.
        unsafe { deliver(&pt, out, out_cap, out_len) }
    })
}

/// Re-encrypts an envelope under the current primary of its key, without the plaintext leaving
/// the library (same checks as `xps_keyring_decrypt`).
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_rewrap(
    keyring: *const xps_keyring,
    envelope: *const u8,
    envelope_len: usize,
    aad: *const u8,
    aad_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> xps_status {
    guard(|| {
        check_out(out, out_cap, out_len, &[(envelope, envelope_len, "envelope"), (aad, aad_len, "aad")])?;
        // SAFETY: arguments per the C conventions.
        let (h, env, ad) = unsafe { (kr(keyring)?, input(envelope, envelope_len, "envelope")?, input(aad, aad_len, "aad")?) };
        let parsed = envelope::parse(env)?;
        fits(h.kr.envelope_len(parsed.key, parsed.body.len().saturating_sub(TAG_LEN))?, out_cap, out_len)?;
        let new = h.kr.rewrap(env, ad)?;
        // SAFETY: (pointer, capacity) pair per the C conventions.
        unsafe { deliver(&new, out, out_cap, out_len) }
    })
}

/// `xps_keyring_encrypt`, creating key `name` on first use with `xps_keyring_default_aead()`.
/// Any node can open the envelope: it names its algorithm.
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_seal(
    keyring: *const xps_keyring,
    name: *const c_char,
    plaintext: *const u8,
    plaintext_len: usize,
    aad: *const u8,
    aad_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> xps_status {
    // SAFETY: arguments per the C conventions.
    guard(|| unsafe { encrypt_with(keyring, name, plaintext, plaintext_len, aad, aad_len, out, out_cap, out_len, true) })
}

/// Opens an envelope from `xps_keyring_seal` (same as `xps_keyring_decrypt`).
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_open_sealed(
    keyring: *const xps_keyring,
    envelope: *const u8,
    envelope_len: usize,
    aad: *const u8,
    aad_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> xps_status {
    // SAFETY: arguments per the C conventions.
    unsafe { xps_keyring_decrypt(keyring, envelope, envelope_len, aad, aad_len, out, out_cap, out_len) }
}

/// Signs `msg` with the primary of signature key `name`: a detached signature envelope naming the
/// key and version. `out_cap` must hold 15 + strlen(name) + `xps_sign_bytes(alg)` (the largest
/// signature; `*out_len` gets the actual length); a smaller buffer fails with
/// `XPS_E_BUFFER_TOO_SMALL` and that bound, before any use is counted. Counts one use.
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_sign(
    keyring: *const xps_keyring,
    name: *const c_char,
    msg: *const u8,
    msg_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> xps_status {
    guard(|| {
        check_out(out, out_cap, out_len, &[(msg, msg_len, "msg")])?;
        // SAFETY: arguments per the C conventions.
        let (h, n, m) = unsafe { (kr(keyring)?, self::name(name)?, input(msg, msg_len, "msg")?) };
        // The bound first (a too-small buffer spends no use): header + the largest signature.
        let alg = version_alg(h, n, None)?;
        let bound = envelope::header(envelope::KIND_SIGNATURE, alg, n, 0, &[]).len() + xpscrypto_core::sign::sizes(alg)?.signature;
        fits(bound, out_cap, out_len)?;
        let sig = h.kr.sign(n, m)?;
        // SAFETY: (pointer, capacity) pair per the C conventions.
        unsafe { deliver(&sig, out, out_cap, out_len) }
    })
}

/// Verifies a signature envelope over `msg` with the version it names (`XPS_E_BAD_SIGNATURE` if
/// it does not verify; lifecycle refusals as for decryption).
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_verify(keyring: *const xps_keyring, signature: *const u8, signature_len: usize, msg: *const u8, msg_len: usize) -> xps_status {
    guard(|| {
        // SAFETY: arguments per the C conventions.
        let (h, s, m) = unsafe { (kr(keyring)?, input(signature, signature_len, "signature")?, input(msg, msg_len, "msg")?) };
        h.kr.verify(s, m)
    })
}

/// MAC of `data` under the primary of MAC key `name`; `*version` (may be NULL) gets the version
/// (needed by `xps_keyring_verify_mac`). The size is checked before the use is counted.
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_mac(
    keyring: *const xps_keyring,
    name: *const c_char,
    data: *const u8,
    data_len: usize,
    version: *mut u32,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> xps_status {
    guard(|| {
        check_out(out, out_cap, out_len, &[(data, data_len, "data")])?;
        // SAFETY: arguments per the C conventions.
        let (h, n, d) = unsafe { (kr(keyring)?, self::name(name)?, input(data, data_len, "data")?) };
        fits(xpscrypto_core::mac::tag_len(version_alg(h, n, None)?)?, out_cap, out_len)?;
        let (v, tag) = h.kr.mac(n, d)?;
        // SAFETY: (pointer, capacity) pair per the C conventions.
        unsafe { deliver(&tag, out, out_cap, out_len) }?;
        put_u32(version, v);
        Ok(())
    })
}

/// Verifies a tag from `xps_keyring_mac` in constant time (`XPS_E_AUTHENTICATION_FAILED`).
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_verify_mac(
    keyring: *const xps_keyring,
    name: *const c_char,
    version: u32,
    data: *const u8,
    data_len: usize,
    tag: *const u8,
    tag_len: usize,
) -> xps_status {
    guard(|| {
        // SAFETY: arguments per the C conventions.
        let (h, n, d, t) = unsafe { (kr(keyring)?, self::name(name)?, input(data, data_len, "data")?, input(tag, tag_len, "tag")?) };
        h.kr.verify_mac(n, version, d, t)
    })
}

/// Decapsulates `ct` with KEM key `name`, version `version` (0 = the primary); writes the shared
/// secret.
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_decapsulate(
    keyring: *const xps_keyring,
    name: *const c_char,
    version: u32,
    ct: *const u8,
    ct_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> xps_status {
    guard(|| {
        check_out(out, out_cap, out_len, &[(ct, ct_len, "ct")])?;
        // SAFETY: arguments per the C conventions.
        let (h, n, c) = unsafe { (kr(keyring)?, self::name(name)?, input(ct, ct_len, "ct")?) };
        let alg = version_alg(h, n, (version != 0).then_some(version))?;
        if alg.family() == xpscrypto_core::Family::Kem {
            fits(xpscrypto_core::kem::sizes(alg)?.shared_secret, out_cap, out_len)?;
        }
        let ss = h.kr.decapsulate(n, (version != 0).then_some(version), c)?;
        // SAFETY: (pointer, capacity) pair per the C conventions.
        unsafe { deliver(&ss, out, out_cap, out_len) }
    })
}

/// The public key of a signature or KEM version (`version` 0 = the primary): `*out_version` and
/// `*out_alg` (either may be NULL) get its version and algorithm.
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_public_key(
    keyring: *const xps_keyring,
    name: *const c_char,
    version: u32,
    out_version: *mut u32,
    out_alg: *mut u32,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> xps_status {
    guard(|| {
        need_len_ptr(out_len)?;
        // SAFETY: arguments per the C conventions.
        let (h, n) = unsafe { (kr(keyring)?, self::name(name)?) };
        let (v, a, pk) = h.kr.public_key(n, (version != 0).then_some(version))?;
        // SAFETY: (pointer, capacity) pair per the C conventions.
        unsafe { deliver(&pk, out, out_cap, out_len) }?;
        put_u32(out_version, v);
        put_u32(out_alg, a.id());
        Ok(())
    })
}

// ------------------------------------------------------------------------------ descriptions

/// Every key as a JSON array of descriptions (never material): `{"name", "policy": {"max_age",
/// "max_uses", "overlap"}, "min_decryption_version", "created", "primary", "versions": [{"version",
/// "alg", "state", "created", "state_since", "expires", "uses", "public_key" (hex)}]}`.
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_list_json(keyring: *const xps_keyring, out: *mut u8, out_cap: usize, out_len: *mut usize) -> xps_status {
    guard(|| {
        need_len_ptr(out_len)?;
        // SAFETY: NULL or a live handle.
        let h = unsafe { kr(keyring) }?;
        let json = serde_json::Value::Array(h.kr.list().iter().map(key_json).collect()).to_string();
        // SAFETY: (pointer, capacity) pair per the C conventions.
        unsafe { deliver(json.as_bytes(), out, out_cap, out_len) }
    })
}

/// One key's description as a JSON object (the elements of `xps_keyring_list_json`).
#[no_mangle]
pub unsafe extern "C" fn xps_keyring_describe_json(keyring: *const xps_keyring, name: *const c_char, out: *mut u8, out_cap: usize, out_len: *mut usize) -> xps_status {
    guard(|| {
        need_len_ptr(out_len)?;
        // SAFETY: arguments per the C conventions.
        let (h, n) = unsafe { (kr(keyring)?, self::name(name)?) };
        let json = key_json(&h.kr.describe(n)?).to_string();
        // SAFETY: (pointer, capacity) pair per the C conventions.
        unsafe { deliver(json.as_bytes(), out, out_cap, out_len) }
    })
}
