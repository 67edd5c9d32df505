//! AEADs: aes-128-gcm, aes-256-gcm, chacha20-poly1305, xchacha20-poly1305 over the dispatch
//! table. Attached (`ciphertext ‖ tag`) and detached tags, out-of-place or in place. Open verifies
//! the tag (constant time) before any plaintext is written; on failure the output is untouched.

use crate::alg::{Alg, Family};
use crate::dispatch::{self, AeadKernel, AeadSchedule, KernelDesc};
use crate::error::{err, Result, Status};
use crate::metrics::{self, OpKind};
use crate::secure::SecureBuffer;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::Mutex;

/// Every AEAD of this library has a 16-byte tag.
pub const TAG_LEN: usize = 16;

pub fn key_len(alg: Alg) -> Result<usize> {
    Ok(match alg.expect(Family::Aead)? {
        Alg::Aes128Gcm => 16,
        _ => 32,
    })
}

pub fn nonce_len(alg: Alg) -> Result<usize> {
    Ok(match alg.expect(Family::Aead)? {
        Alg::XChaCha20Poly1305 => 24,
        _ => 12,
    })
}

pub fn tag_len(alg: Alg) -> Result<usize> {
    alg.expect(Family::Aead)?;
    Ok(TAG_LEN)
}

const GCM_MAX: u64 = (1u64 << 36) - 32;

/// Largest plaintext per (key, nonce): GCM 2^36 − 32 bytes, ChaCha20 (2^32 − 1)·64 bytes.
pub fn max_plaintext(alg: Alg) -> Result<u64> {
    Ok(match alg.expect(Family::Aead)? {
        Alg::Aes128Gcm | Alg::Aes256Gcm => GCM_MAX,
        _ => crate::kernels::chacha20::MAX_MESSAGE,
    })
}

fn check_key(alg: Alg, key: &[u8]) -> Result<()> {
    let n = key_len(alg)?;
    if key.len() != n {
        return Err(err(Status::BadKeyLength, format!("{} needs a {n}-byte key, got {}", alg.name(), key.len())));
    }
    Ok(())
}

#[inline]
fn check_call(alg: Alg, nonce: &[u8], len: usize) -> Result<()> {
    let (n, max) = match alg {
        Alg::Aes128Gcm | Alg::Aes256Gcm => (12, GCM_MAX),
        Alg::ChaCha20Poly1305 => (12, crate::kernels::chacha20::MAX_MESSAGE),
        Alg::XChaCha20Poly1305 => (24, crate::kernels::chacha20::MAX_MESSAGE),
        _ => return nonce_len(alg).map(|_| ()),
    };
    if nonce.len() != n || len as u64 > max {
        return Err(bad_call(alg, n, nonce.len(), len));
    }
    Ok(())
}

#[cold]
#[inline(never)]
fn bad_call(alg: Alg, n: usize, nonce_len: usize, len: usize) -> crate::Error {
    if nonce_len != n {
        err(Status::BadNonceLength, format!("{} needs a {n}-byte nonce, got {nonce_len}", alg.name()))
    } else {
        err(Status::InvalidLength, format!("message too long for {} ({len} bytes)", alg.name()))
    }
}

/// An expanded key for one kernel, in secure memory.
struct Schedule {
    kernel: AeadKernel,
    mem: SecureBuffer,
}

impl Schedule {
    fn new(kernel: AeadKernel, key: &[u8]) -> Result<Self> {
        let mut mem = SecureBuffer::new(std::mem::size_of::<AeadSchedule>())?;
        // SAFETY: `mem` is page-aligned (≥ 64) and holds a whole AeadSchedule; `key` is a valid
        // slice whose length was validated for this algorithm.
        let rc = unsafe { (kernel.setup)(mem.as_mut_ptr().cast(), key.as_ptr(), key.len()) };
        if rc != 0 {
            return Err(err(Status::Internal, format!("kernel {} rejected a validated key", kernel.desc.name())));
        }
        Ok(Schedule { kernel, mem })
    }

    fn sched(&self) -> *const AeadSchedule {
        self.mem.as_ptr().cast()
    }

    fn desc(&self) -> &'static KernelDesc {
        self.kernel.desc
    }
}

/// The kernel of an AEAD op for a message of `len` bytes (its size bucket's slot), by reference
/// into the (never freed) active table.
#[inline]
fn kernel_for(alg: Alg, len: usize) -> Result<&'static AeadKernel> {
    match dispatch::table()?.aead_kernel_for(alg, len) {
        Some(k) => Ok(k),
        None => Err(not_an_aead(alg)),
    }
}

#[cold]
#[inline(never)]
fn not_an_aead(alg: Alg) -> crate::Error {
    err(Status::WrongAlgorithmFamily, format!("{} is not an AEAD", alg.name()))
}

/// Runs `f` with a one-shot schedule on the stack, wiped afterwards; records the kernel in `ran`.
fn with_stack_schedule<T>(alg: Alg, key: &[u8], len: usize, ran: &mut metrics::Ran, f: impl FnOnce(&AeadKernel, *const AeadSchedule) -> T) -> Result<T> {
    check_key(alg, key)?;
    let k = kernel_for(alg, len)?;
    *ran = Some(k.desc);
    let mut sched = std::mem::MaybeUninit::<AeadSchedule>::uninit();
    // SAFETY: an aligned blob the kernel initializes itself; `key` validated above.
    if unsafe { (k.setup)(sched.as_mut_ptr(), key.as_ptr(), key.len()) } != 0 {
        return Err(err(Status::Internal, format!("kernel {} rejected a validated key", k.desc.name())));
    }
    let r = f(k, sched.as_ptr());
    // SAFETY: the first `sched_size` bytes (the kernel's schedule) of our own blob are writable.
    unsafe { crate::secure::ct::wipe_raw(sched.as_mut_ptr().cast::<u8>(), k.sched_size) };
    Ok(r)
}

/// A reusable AEAD key. Holds the raw key in secure memory and, per size bucket, a cached
/// schedule for the kernel that bucket ran on; when the dispatch table switches a bucket to another
/// kernel (force/reset/policy/hot-patch/autotune), the next call of that size re-derives the
/// schedule (invariant I-6). Cheap to share across threads (`&AeadKey` is enough to seal/open; no
/// lock on the hot path).
///
/// Schedules live in `derived` until the key is dropped (at most one per kernel this key has run
/// on, re-used if that kernel becomes active again), so the hot path is one `Acquire` load of
/// `current[bucket]` with no reference counting: a reader can never hold a freed schedule. Every
/// schedule is wiped when the key drops.
pub struct AeadKey {
    alg: Alg,
    raw: SecureBuffer,
    /// Per size bucket: NULL or a schedule owned by `derived`.
    current: [AtomicPtr<Schedule>; dispatch::BUCKETS],
    /// Every schedule derived for this key; only pushed to (never removed) until drop. Boxed so
    /// a schedule keeps its address when the vector grows.
    #[allow(clippy::vec_box)]
    derived: Mutex<Vec<Box<Schedule>>>,
}

impl AeadKey {
    pub fn new(alg: Alg, key: &[u8]) -> Result<Self> {
        check_key(alg, key)?;
        let k = AeadKey { alg, raw: SecureBuffer::from_slice(key)?, current: std::array::from_fn(|_| AtomicPtr::new(std::ptr::null_mut())), derived: Mutex::new(Vec::new()) };
        // The largest bucket's kernel is the op's kernel: derive its schedule now.
        k.schedule(usize::MAX)?;
        Ok(k)
    }

    pub fn alg(&self) -> Alg {
        self.alg
    }

    /// Whether the key material is locked in RAM.
    pub fn is_locked(&self) -> bool {
        self.raw.is_locked()
    }

    /// The schedule of the kernel this key's op runs for `len` bytes, deriving (and keeping) it
    /// if that kernel changed (I-6). The common case is two `Acquire` loads (table, cache).
    #[inline]
    fn schedule(&self, len: usize) -> Result<&Schedule> {
        let b = dispatch::bucket_of(len);
        let k = kernel_for(self.alg, len)?;
        let p = self.current[b].load(Ordering::Acquire);
        if !p.is_null() {
            // SAFETY: non-NULL values of `current` point to boxes owned by `derived`, which are
            // neither moved nor dropped before `self` is.
            let s = unsafe { &*p };
            if std::ptr::eq(s.desc(), k.desc) {
                return Ok(s);
            }
        }
        self.switch_to(k, b)
    }

    /// Slow path of [`AeadKey::schedule`]: the active kernel is not the cached one.
    #[cold]
    #[inline(never)]
    fn switch_to(&self, k: &AeadKernel, bucket: usize) -> Result<&Schedule> {
        let mut derived = self.derived.lock().unwrap_or_else(|e| e.into_inner());
        let s: *const Schedule = match derived.iter().find(|s| std::ptr::eq(s.desc(), k.desc)) {
            Some(s) => &**s,
            None => {
                let s = Box::new(Schedule::new(*k, self.raw.as_slice())?);
                let p: *const Schedule = &*s;
                derived.push(s);
                p
            }
        };
        self.current[bucket].store(s.cast_mut(), Ordering::Release);
        // SAFETY: `s` points into a box owned by `derived` (see `schedule`).
        Ok(unsafe { &*s })
    }

    /// Name of the op's kernel (the largest size bucket's), deriving its schedule if needed.
    pub fn kernel_name(&self) -> Result<&'static str> {
        self.kernel_name_for(usize::MAX)
    }

    /// Name of the kernel a message of `len` bytes runs on, deriving its schedule if needed.
    pub fn kernel_name_for(&self, len: usize) -> Result<&'static str> {
        Ok(self.schedule(len)?.desc().name())
    }

    /// Seal on raw buffers, for callers that validated the buffers themselves (the C ABI). Checks
    /// the nonce length and the message length, then runs the kernel; nothing is written on error.
    ///
    /// # Safety
    /// `input` must be valid for reads and `output` for writes of `len` bytes (non-NULL; dangling
    /// is fine when `len == 0`), either identical (in place) or disjoint; `tag` must be valid for
    /// writes of 16 bytes and disjoint from both.
    #[doc(hidden)]
    #[inline]
    pub unsafe fn seal_parts(&self, nonce: &[u8], aad: &[u8], input: *const u8, output: *mut u8, len: usize, tag: *mut u8) -> Result<()> {
        // The policy is checked at every use: a key made before a policy change is refused after it.
        let s = match crate::policy::check(self.alg).and_then(|()| check_call(self.alg, nonce, len)).and_then(|()| self.schedule(len)) {
            Ok(s) => s,
            Err(e) => return Err(metrics::failed(OpKind::AeadSeal, self.alg, len, e)),
        };
        // SAFETY: `s` was set up by its kernel; nonce/aad are valid slices; buffers per the
        // caller's contract.
        unsafe { (s.kernel.seal)(s.sched(), nonce.as_ptr(), nonce.len(), aad.as_ptr(), aad.len(), input, output, len, tag) };
        metrics::record(OpKind::AeadSeal, self.alg, Some(s.desc()), len, false);
        Ok(())
    }

    /// Open on raw buffers, for callers that validated the buffers themselves (the C ABI). The
    /// kernel verifies `tag` in constant time before writing anything to `output`.
    ///
    /// # Safety
    /// `ct` must be valid for reads and `output` for writes of `len` bytes (non-NULL; dangling is
    /// fine when `len == 0`), either identical (in place) or disjoint.
    #[doc(hidden)]
    #[inline]
    pub unsafe fn open_parts(&self, nonce: &[u8], aad: &[u8], ct: *const u8, output: *mut u8, len: usize, tag: &[u8; TAG_LEN]) -> Result<()> {
        let s = match crate::policy::check(self.alg).and_then(|()| check_call(self.alg, nonce, len)).and_then(|()| self.schedule(len)) {
            Ok(s) => s,
            Err(e) => return Err(metrics::failed(OpKind::AeadOpen, self.alg, len, e)),
        };
        // SAFETY: as in `seal_parts`; `tag` is 16 readable bytes.
        let rc = unsafe { (s.kernel.open)(s.sched(), nonce.as_ptr(), nonce.len(), aad.as_ptr(), aad.len(), ct, output, len, tag.as_ptr()) };
        metrics::record(OpKind::AeadOpen, self.alg, Some(s.desc()), len, rc != 0);
        if rc == 0 {
            Ok(())
        } else {
            Err(auth_failed())
        }
    }

    pub fn seal_detached(&self, nonce: &[u8], aad: &[u8], pt: &[u8], ct: &mut [u8]) -> Result<[u8; TAG_LEN]> {
        if ct.len() < pt.len() {
            let e = err(Status::BufferTooSmall, format!("ciphertext buffer needs {} bytes, has {}", pt.len(), ct.len()));
            return Err(metrics::failed(OpKind::AeadSeal, self.alg, pt.len(), e));
        }
        let mut tag = [0u8; TAG_LEN];
        // SAFETY: `pt` and `ct` are distinct borrows (disjoint), valid for `pt.len()` bytes;
        // `tag` is a local.
        unsafe { self.seal_parts(nonce, aad, pt.as_ptr(), ct.as_mut_ptr(), pt.len(), tag.as_mut_ptr())? };
        Ok(tag)
    }

    pub fn seal_in_place(&self, nonce: &[u8], aad: &[u8], buf: &mut [u8]) -> Result<[u8; TAG_LEN]> {
        let mut tag = [0u8; TAG_LEN];
        // SAFETY: one exclusive slice as input and output (in place); `tag` is a local.
        unsafe { self.seal_parts(nonce, aad, buf.as_ptr(), buf.as_mut_ptr(), buf.len(), tag.as_mut_ptr())? };
        Ok(tag)
    }

    /// `ciphertext ‖ tag` into `out` (needs `pt.len() + 16` bytes); returns bytes written.
    pub fn seal(&self, nonce: &[u8], aad: &[u8], pt: &[u8], out: &mut [u8]) -> Result<usize> {
        let need = sealed_len(pt.len()).map_err(|e| metrics::failed(OpKind::AeadSeal, self.alg, pt.len(), e))?;
        if out.len() < need {
            let e = err(Status::BufferTooSmall, format!("sealed output needs {need} bytes, buffer has {}", out.len()));
            return Err(metrics::failed(OpKind::AeadSeal, self.alg, pt.len(), e));
        }
        let (ct, rest) = out.split_at_mut(pt.len());
        let tag = self.seal_detached(nonce, aad, pt, ct)?;
        rest[..TAG_LEN].copy_from_slice(&tag);
        Ok(need)
    }

    pub fn seal_to_vec(&self, nonce: &[u8], aad: &[u8], pt: &[u8]) -> Result<Vec<u8>> {
        let mut out = vec![0u8; sealed_len(pt.len()).map_err(|e| metrics::failed(OpKind::AeadSeal, self.alg, pt.len(), e))?];
        self.seal(nonce, aad, pt, &mut out)?;
        Ok(out)
    }

    pub fn open_detached(&self, nonce: &[u8], aad: &[u8], ct: &[u8], tag: &[u8], pt: &mut [u8]) -> Result<()> {
        let tag = check_tag(tag).map_err(|e| metrics::failed(OpKind::AeadOpen, self.alg, ct.len(), e))?;
        if pt.len() < ct.len() {
            let e = err(Status::BufferTooSmall, format!("plaintext buffer needs {} bytes, has {}", ct.len(), pt.len()));
            return Err(metrics::failed(OpKind::AeadOpen, self.alg, ct.len(), e));
        }
        // SAFETY: `ct` and `pt` are distinct borrows (disjoint), valid for `ct.len()` bytes.
        unsafe { self.open_parts(nonce, aad, ct.as_ptr(), pt.as_mut_ptr(), ct.len(), tag) }
    }

    pub fn open_in_place(&self, nonce: &[u8], aad: &[u8], buf: &mut [u8], tag: &[u8]) -> Result<()> {
        let tag = check_tag(tag).map_err(|e| metrics::failed(OpKind::AeadOpen, self.alg, buf.len(), e))?;
        // SAFETY: one exclusive slice as input and output (in place).
        unsafe { self.open_parts(nonce, aad, buf.as_ptr(), buf.as_mut_ptr(), buf.len(), tag) }
    }

    /// Opens `ciphertext ‖ tag` into `out` (needs `len − 16` bytes); returns plaintext length.
    pub fn open(&self, nonce: &[u8], aad: &[u8], sealed: &[u8], out: &mut [u8]) -> Result<usize> {
        let n = opened_len(sealed.len()).map_err(|e| metrics::failed(OpKind::AeadOpen, self.alg, 0, e))?;
        if out.len() < n {
            let e = err(Status::BufferTooSmall, format!("plaintext needs {n} bytes, buffer has {}", out.len()));
            return Err(metrics::failed(OpKind::AeadOpen, self.alg, n, e));
        }
        let (ct, tag) = sealed.split_at(n);
        self.open_detached(nonce, aad, ct, tag, &mut out[..n])?;
        Ok(n)
    }

    pub fn open_to_vec(&self, nonce: &[u8], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>> {
        let mut out = vec![0u8; opened_len(sealed.len()).map_err(|e| metrics::failed(OpKind::AeadOpen, self.alg, 0, e))?];
        self.open(nonce, aad, sealed, &mut out)?;
        Ok(out)
    }
}

impl std::fmt::Debug for AeadKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AeadKey").field("alg", &self.alg.name()).field("key", &"<redacted>").finish()
    }
}

/// Length of `ciphertext ‖ tag` for a plaintext of `pt_len` bytes.
pub fn sealed_len(pt_len: usize) -> Result<usize> {
    pt_len.checked_add(TAG_LEN).ok_or_else(|| err(Status::LengthOverflow, "plaintext length + tag overflows"))
}

/// Plaintext length of a `ciphertext ‖ tag` input.
pub fn opened_len(sealed_len: usize) -> Result<usize> {
    sealed_len
        .checked_sub(TAG_LEN)
        .ok_or_else(|| err(Status::InvalidLength, format!("sealed input of {sealed_len} bytes is shorter than the {TAG_LEN}-byte tag")))
}

#[inline]
fn check_tag(tag: &[u8]) -> Result<&[u8; TAG_LEN]> {
    tag.try_into().map_err(|_| err(Status::BadTagLength, format!("AEAD tags are {TAG_LEN} bytes, got {}", tag.len())))
}

fn seal_raw(k: &AeadKernel, s: *const AeadSchedule, nonce: &[u8], aad: &[u8], input: *const u8, output: *mut u8, len: usize) -> [u8; TAG_LEN] {
    let mut tag = [0u8; TAG_LEN];
    // SAFETY: `s` was set up by this kernel; nonce/aad are valid slices; input/output are valid
    // for `len` bytes and either identical or disjoint (guaranteed by the callers' borrows).
    unsafe { (k.seal)(s, nonce.as_ptr(), nonce.len(), aad.as_ptr(), aad.len(), input, output, len, tag.as_mut_ptr()) };
    tag
}

#[allow(clippy::too_many_arguments)]
fn open_raw(k: &AeadKernel, s: *const AeadSchedule, nonce: &[u8], aad: &[u8], ct: *const u8, out: *mut u8, len: usize, tag: &[u8]) -> Result<()> {
    // SAFETY: as in `seal_raw`; `tag` is 16 bytes (checked).
    let rc = unsafe { (k.open)(s, nonce.as_ptr(), nonce.len(), aad.as_ptr(), aad.len(), ct, out, len, tag.as_ptr()) };
    if rc == 0 {
        Ok(())
    } else {
        Err(auth_failed())
    }
}

#[cold]
#[inline(never)]
fn auth_failed() -> crate::Error {
    err(Status::AuthenticationFailed, "authentication failed: ciphertext, tag, nonce or associated data were altered")
}

/// One-shot detached seal: ciphertext into `ct` (≥ `pt.len()` bytes), returns the tag.
pub fn seal_detached(alg: Alg, key: &[u8], nonce: &[u8], aad: &[u8], pt: &[u8], ct: &mut [u8]) -> Result<[u8; TAG_LEN]> {
    metrics::metered(OpKind::AeadSeal, alg, pt.len(), |ran| seal_detached_core(alg, key, nonce, aad, pt, ct, ran))
}

fn seal_detached_core(alg: Alg, key: &[u8], nonce: &[u8], aad: &[u8], pt: &[u8], ct: &mut [u8], ran: &mut metrics::Ran) -> Result<[u8; TAG_LEN]> {
    if ct.len() < pt.len() {
        return Err(err(Status::BufferTooSmall, format!("ciphertext buffer needs {} bytes, has {}", pt.len(), ct.len())));
    }
    check_key(alg, key)?;
    check_call(alg, nonce, pt.len())?;
    with_stack_schedule(alg, key, pt.len(), ran, |k, s| seal_raw(k, s, nonce, aad, pt.as_ptr(), ct.as_mut_ptr(), pt.len()))
}

/// One-shot in-place seal; returns the tag.
pub fn seal_in_place(alg: Alg, key: &[u8], nonce: &[u8], aad: &[u8], buf: &mut [u8]) -> Result<[u8; TAG_LEN]> {
    metrics::metered(OpKind::AeadSeal, alg, buf.len(), |ran| {
        check_key(alg, key)?;
        check_call(alg, nonce, buf.len())?;
        with_stack_schedule(alg, key, buf.len(), ran, |k, s| seal_raw(k, s, nonce, aad, buf.as_ptr(), buf.as_mut_ptr(), buf.len()))
    })
}

/// One-shot seal: `ciphertext ‖ tag` into `out` (≥ `pt.len() + 16`); returns bytes written.
pub fn seal(alg: Alg, key: &[u8], nonce: &[u8], aad: &[u8], pt: &[u8], out: &mut [u8]) -> Result<usize> {
    metrics::metered(OpKind::AeadSeal, alg, pt.len(), |ran| seal_core(alg, key, nonce, aad, pt, out, ran))
}

fn seal_core(alg: Alg, key: &[u8], nonce: &[u8], aad: &[u8], pt: &[u8], out: &mut [u8], ran: &mut metrics::Ran) -> Result<usize> {
    let need = sealed_len(pt.len())?;
    if out.len() < need {
        return Err(err(Status::BufferTooSmall, format!("sealed output needs {need} bytes, buffer has {}", out.len())));
    }
    let (ct, rest) = out.split_at_mut(pt.len());
    let tag = seal_detached_core(alg, key, nonce, aad, pt, ct, ran)?;
    rest[..TAG_LEN].copy_from_slice(&tag);
    Ok(need)
}

pub fn seal_to_vec(alg: Alg, key: &[u8], nonce: &[u8], aad: &[u8], pt: &[u8]) -> Result<Vec<u8>> {
    metrics::metered(OpKind::AeadSeal, alg, pt.len(), |ran| {
        let mut out = vec![0u8; sealed_len(pt.len())?];
        seal_core(alg, key, nonce, aad, pt, &mut out, ran)?;
        Ok(out)
    })
}

/// One-shot detached open into `pt` (≥ `ct.len()` bytes). Nothing is written on failure.
pub fn open_detached(alg: Alg, key: &[u8], nonce: &[u8], aad: &[u8], ct: &[u8], tag: &[u8], pt: &mut [u8]) -> Result<()> {
    metrics::metered(OpKind::AeadOpen, alg, ct.len(), |ran| open_detached_core(alg, key, nonce, aad, ct, tag, pt, ran))
}

#[allow(clippy::too_many_arguments)]
fn open_detached_core(alg: Alg, key: &[u8], nonce: &[u8], aad: &[u8], ct: &[u8], tag: &[u8], pt: &mut [u8], ran: &mut metrics::Ran) -> Result<()> {
    check_tag(tag)?;
    if pt.len() < ct.len() {
        return Err(err(Status::BufferTooSmall, format!("plaintext buffer needs {} bytes, has {}", ct.len(), pt.len())));
    }
    check_key(alg, key)?;
    check_call(alg, nonce, ct.len())?;
    with_stack_schedule(alg, key, ct.len(), ran, |k, s| open_raw(k, s, nonce, aad, ct.as_ptr(), pt.as_mut_ptr(), ct.len(), tag))?
}

/// One-shot in-place open. On failure `buf` is unchanged.
pub fn open_in_place(alg: Alg, key: &[u8], nonce: &[u8], aad: &[u8], buf: &mut [u8], tag: &[u8]) -> Result<()> {
    metrics::metered(OpKind::AeadOpen, alg, buf.len(), |ran| {
        check_tag(tag)?;
        check_key(alg, key)?;
        check_call(alg, nonce, buf.len())?;
        with_stack_schedule(alg, key, buf.len(), ran, |k, s| open_raw(k, s, nonce, aad, buf.as_ptr(), buf.as_mut_ptr(), buf.len(), tag))?
    })
}

/// One-shot open of `ciphertext ‖ tag` into `out`; returns the plaintext length.
pub fn open(alg: Alg, key: &[u8], nonce: &[u8], aad: &[u8], sealed: &[u8], out: &mut [u8]) -> Result<usize> {
    metrics::metered(OpKind::AeadOpen, alg, sealed.len().saturating_sub(TAG_LEN), |ran| open_core(alg, key, nonce, aad, sealed, out, ran))
}

fn open_core(alg: Alg, key: &[u8], nonce: &[u8], aad: &[u8], sealed: &[u8], out: &mut [u8], ran: &mut metrics::Ran) -> Result<usize> {
    let n = opened_len(sealed.len())?;
    if out.len() < n {
        return Err(err(Status::BufferTooSmall, format!("plaintext needs {n} bytes, buffer has {}", out.len())));
    }
    let (ct, tag) = sealed.split_at(n);
    open_detached_core(alg, key, nonce, aad, ct, tag, &mut out[..n], ran)?;
    Ok(n)
}

pub fn open_to_vec(alg: Alg, key: &[u8], nonce: &[u8], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>> {
    metrics::metered(OpKind::AeadOpen, alg, sealed.len().saturating_sub(TAG_LEN), |ran| {
        let mut out = vec![0u8; opened_len(sealed.len())?];
        open_core(alg, key, nonce, aad, sealed, &mut out, ran)?;
        Ok(out)
    })
}
