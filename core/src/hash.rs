//! Hashes and XOFs (sha2, sha3, shake, blake2, blake3) over the dispatch table, one-shot and
//! streaming. A stream keeps the kernel it started with (I-6: in-flight work finishes on its table).

use crate::alg::{Alg, Family};
use crate::dispatch::{self, HashKernel, HashState, HASH_MODE_DERIVE_KEY, HASH_MODE_KEYED, HASH_MODE_PLAIN};
use crate::secure::ct::wipe_raw;
use std::mem::MaybeUninit;
use crate::error::{err, Result, Status};
use crate::metrics::{self, OpKind};

/// Fixed digest length of a hash, or `None` for the pure XOFs (shake128/256).
/// BLAKE3 reports 32 (its default) and also works as an XOF through [`xof`].
pub fn digest_len(alg: Alg) -> Result<Option<usize>> {
    Ok(fixed_len(alg.expect(Family::Hash)?))
}

/// Output length of [`hash`] for an algorithm: the digest length, or for XOFs their
/// full-security default (shake128: 32, shake256: 64).
pub fn default_len(alg: Alg) -> Result<usize> {
    Ok(match digest_len(alg)? {
        Some(n) => n,
        None if alg == Alg::Shake128 => 32,
        None => 64,
    })
}

fn is_xof(alg: Alg) -> bool {
    matches!(alg, Alg::Shake128 | Alg::Shake256 | Alg::Blake3)
}

/// Internal block size in bytes (HMAC needs it).
pub(crate) fn block_len(alg: Alg) -> usize {
    match alg {
        Alg::Sha384 | Alg::Sha512 | Alg::Blake2b512 => 128,
        Alg::Sha3_256 => 136,
        Alg::Sha3_512 => 72,
        _ => 64,
    }
}

/// A streaming hash/XOF/one-time-MAC state bound to one kernel.
///
/// One pointer to one allocation: the stream's fields ([`Head`]), then the kernel's state. So a
/// `Result<Hasher>` comes back in registers: as a 120-byte value, a `Hasher` moved out of its
/// `Result` right after it was built was read back while its bytes were still in flight (a
/// store-forwarding stall: ~8 ns of a 64-byte SHA-256 stream, and again in `xps_hash_new`).
pub struct Hasher {
    base: std::ptr::NonNull<Head>,
}

/// A stream's fields, at the start of its allocation; the kernel's `state_size` bytes follow at
/// the next 64-byte boundary ([`Hasher::state`]), as the kernel ABI promises.
#[derive(Clone, Copy)]
struct Head {
    alg: Alg,
    kernel: HashKernel,
    out_len: Option<usize>,
    /// The op this stream is counted as when finalized (`None`: an internal stream).
    meter: Option<(OpKind, Alg)>,
    /// Bytes fed so far (for metrics).
    fed: u64,
    /// Finalized in place through a C handle ([`Hasher::finalize_handle`]): the state is wiped
    /// and no kernel entry may run on it again.
    finished: bool,
}

// SAFETY: a uniquely owned heap allocation of plain data (like a `Box<Head>` with bytes after
// it); the kernel's functions may be called from any thread (kernel ABI).
unsafe impl Send for Hasher {}
// SAFETY: through `&Hasher` the allocation is only read (`clone`, `copy_state_from`'s source,
// the accessors); every write goes through `&mut Hasher`.
unsafe impl Sync for Hasher {}

impl Hasher {
    /// A plain hash or XOF stream (checked against the policy; counted in the metrics as one
    /// call of `hash.<alg>` when finalized).
    pub fn new(alg: Alg) -> Result<Self> {
        // (`digest_len` checks the policy. The stream is built once, in the result: passed along
        // a chain of `Result`s it was copied, and read back right after being written, ~10 ns of
        // a 64-byte SHA-256 stream.)
        let k = match digest_len(alg).and_then(|_| kernel_for(alg)) {
            Ok(k) => k,
            Err(e) => return Err(metrics::failed(OpKind::Hash, alg, 0, e)),
        };
        Ok(Self::begin(alg, k, &[], HASH_MODE_PLAIN, fixed_len(alg), Some((OpKind::Hash, alg))))
    }

    /// [`Hasher::new`] for streams inside constructions (HMAC, HPKE's SHAKE256 derivation): not
    /// counted on their own, and no policy check of their own (the construction's algorithm was
    /// checked).
    pub(crate) fn unmetered(alg: Alg) -> Result<Self> {
        // `kernel_for` refuses an algorithm that is not a hash; XOFs have no fixed length.
        Self::start(alg, kernel_for(alg)?, &[], HASH_MODE_PLAIN, fixed_len(alg))
    }

    fn metered(mut self, kind: OpKind, alg: Alg) -> Self {
        self.head_mut().meter = Some((kind, alg));
        self
    }

    /// BLAKE3 keyed mode (the `blake3-keyed` MAC). `key` must be 32 bytes.
    pub fn new_blake3_keyed(key: &[u8]) -> Result<Self> {
        crate::policy::check(Alg::Blake3Keyed)
            .and_then(|()| Self::blake3_keyed_unmetered(key))
            .map(|h| h.metered(OpKind::Mac, Alg::Blake3Keyed))
            .map_err(|e| metrics::failed(OpKind::Mac, Alg::Blake3Keyed, 0, e))
    }

    pub(crate) fn blake3_keyed_unmetered(key: &[u8]) -> Result<Self> {
        if key.len() != 32 {
            return Err(err(Status::BadKeyLength, format!("blake3 keyed mode needs a 32-byte key, got {}", key.len())));
        }
        Self::start(Alg::Blake3, kernel_for(Alg::Blake3)?, key, HASH_MODE_KEYED, Some(32))
    }

    /// BLAKE3 derive-key mode. The context must be a UTF-8 string (the BLAKE3 spec's requirement:
    /// hard-coded, globally unique, application-specific).
    pub fn new_blake3_derive_key(context: &[u8]) -> Result<Self> {
        let make = || {
            crate::policy::check(Alg::Blake3)?;
            if std::str::from_utf8(context).is_err() {
                return Err(err(Status::InvalidParameter, "blake3 derive_key context must be valid UTF-8"));
            }
            Self::start(Alg::Blake3, kernel_for(Alg::Blake3)?, context, HASH_MODE_DERIVE_KEY, Some(32))
        };
        make().map(|h| h.metered(OpKind::Hash, Alg::Blake3)).map_err(|e| metrics::failed(OpKind::Hash, Alg::Blake3, 0, e))
    }

    pub(crate) fn start(alg: Alg, kernel: HashKernel, key: &[u8], mode: u32, out_len: Option<usize>) -> Result<Self> {
        Ok(Self::begin(alg, kernel, key, mode, out_len, None))
    }

    #[inline]
    fn begin(alg: Alg, kernel: HashKernel, key: &[u8], mode: u32, out_len: Option<usize>, meter: Option<(OpKind, Alg)>) -> Self {
        let h = Self::with_head(Head { alg, kernel, out_len, meter, fed: 0, finished: false });
        // SAFETY: the kernel initializes its own state in the blob (`state_size` bytes, 64-byte
        // aligned); `key` is valid and validated.
        unsafe { (kernel.init)(h.state(), key.as_ptr(), key.len(), mode) };
        h
    }

    /// A stream with `head` written and its state bytes uninitialized. (Written here, in the
    /// caller's frame, from the values it has: passed as one 112-byte value to an out-of-line
    /// allocator, it was built with 8-byte stores and read back with 16-byte loads, a
    /// store-forwarding stall of ~8% of a 64-byte BLAKE3 stream.)
    #[inline(always)]
    fn with_head(head: Head) -> Self {
        let base = Self::alloc(head.kernel.state_size).cast::<Head>();
        // SAFETY: the allocation starts 16-byte aligned (>= `Head`'s alignment) and holds `HEAD`
        // bytes for it.
        unsafe { base.as_ptr().write(head) };
        Hasher { base }
    }

    /// An allocation for a stream with a `size`-byte state: the thread's spare blob of that
    /// size (wiped: all zero), or a new one, uninitialized, or all zero over [`SPARE_OVER`].
    fn alloc(size: usize) -> std::ptr::NonNull<u8> {
        assert!(size > 0 && size <= crate::dispatch::HASH_STATE_BYTES, "kernel state_size out of range");
        let mut base = None;
        if let Ok(Some((b, spare))) = SPARE.try_with(|s| s.0[spare_slot(size)].take()) {
            if spare == size {
                base = Some(b);
            } else {
                // SAFETY: a blob for a `spare`-byte state allocated here, owned by nobody else.
                unsafe { std::alloc::dealloc(b.as_ptr(), blob_layout(spare)) }
            }
        }
        base.unwrap_or_else(|| {
            let layout = blob_layout(size);
            // Large blobs start zeroed: their wipe may cover only what the kernel wrote
            // (`wipe_state`), so a parked spare is all zeros only if the rest was zero already.
            // (Small states are wiped whole.)
            // SAFETY: a layout of non-zero size.
            let p = unsafe { if size > SPARE_OVER { std::alloc::alloc_zeroed(layout) } else { std::alloc::alloc(layout) } };
            std::ptr::NonNull::new(p).unwrap_or_else(|| std::alloc::handle_alloc_error(layout))
        })
    }

    fn head(&self) -> &Head {
        // SAFETY: written in `with_head`, owned by `self`.
        unsafe { self.base.as_ref() }
    }

    fn head_mut(&mut self) -> &mut Head {
        // SAFETY: written in `with_head`, owned by `self`, borrowed mutably through `&mut self`.
        unsafe { self.base.as_mut() }
    }

    /// The 64-byte-aligned start of the kernel's state.
    fn state(&self) -> *mut HashState {
        let start = self.base.as_ptr() as usize + HEAD;
        let off = HEAD + (start.wrapping_neg() & 63);
        // SAFETY: the allocation is 16-byte aligned, so `off <= HEAD + SLACK` and `off +
        // state_size` bytes are inside it (`blob_layout`).
        unsafe { self.base.as_ptr().cast::<u8>().add(off).cast::<HashState>() }
    }

    /// The kernel's descriptor (for metrics of constructions over this stream).
    pub(crate) fn desc(&self) -> &'static crate::dispatch::KernelDesc {
        self.head().kernel.desc
    }

    /// Counts this stream's call (once, when it ends), if it is a metered one.
    fn count(&self, failed: bool) {
        let h = self.head();
        if let Some((kind, alg)) = h.meter {
            metrics::record(kind, alg, Some(h.kernel.desc), h.fed as usize, failed);
        }
    }

    pub fn alg(&self) -> Alg {
        self.head().alg
    }

    /// The kernel this stream runs on.
    pub fn kernel_name(&self) -> &'static str {
        self.head().kernel.desc.name()
    }

    pub fn update(&mut self, data: &[u8]) -> &mut Self {
        // SAFETY: the state was initialized by this kernel; `data` is a valid slice.
        unsafe { (self.head().kernel.update)(self.state(), data.as_ptr(), data.len()) };
        let h = self.head_mut();
        h.fed = h.fed.wrapping_add(data.len() as u64);
        self
    }

    /// Fixed-length digest into `out` (needs `out.len() >= digest_len`); XOFs fill all of `out`.
    /// Returns the number of bytes written.
    pub fn finalize_into(mut self, out: &mut [u8]) -> Result<usize> {
        let n = self.output_len(out.len(), false).inspect_err(|_| self.count(true))?;
        self.finish_scratch(&mut out[..n]); // (wiped on drop, once)
        self.count(false);
        Ok(n)
    }

    /// How many bytes a finalizer writes into a `cap`-byte output: the digest length, or `cap`
    /// for XOFs and for `xof` (which refuses a fixed-output hash).
    fn output_len(&self, cap: usize, xof: bool) -> Result<usize> {
        let n = match (xof, self.head().out_len) {
            (true, _) if !is_xof(self.alg()) => {
                return Err(err(Status::WrongAlgorithmFamily, format!("{} is not an XOF", self.alg().name())));
            }
            (false, Some(d)) => d,
            _ => cap,
        };
        if cap < n {
            return Err(err(Status::BufferTooSmall, format!("{} digest needs {n} bytes, buffer has {cap}", self.alg().name())));
        }
        Ok(n)
    }

    /// The digest (or for XOFs their default length) as a vector.
    pub fn finalize(mut self) -> Vec<u8> {
        let n = self.head().out_len.unwrap_or(if self.alg() == Alg::Shake128 { 32 } else { 64 });
        let mut v = vec![0u8; n];
        self.finish_scratch(&mut v); // (wiped on drop, once)
        self.count(false);
        v
    }

    /// XOF output of any length (shake128, shake256, and BLAKE3 in every mode).
    pub fn finalize_xof(mut self, out: &mut [u8]) -> Result<()> {
        self.output_len(out.len(), true).inspect_err(|_| self.count(true))?;
        self.finish_scratch(out); // (wiped on drop, once)
        self.count(false);
        Ok(())
    }

    /// Finalizes into `out` (length already decided by the caller) without wiping: the state is
    /// wiped once, when the `Hasher` drops (the consuming finalizers), or re-copied before reuse
    /// and wiped on drop (PBKDF2/HKDF scratch states). (The finalizers wiped here and again on
    /// drop: twice 1.9 KiB for a BLAKE3 stream.)
    pub(crate) fn finish_scratch(&mut self, out: &mut [u8]) {
        // SAFETY: initialized state; `out` is a valid writable slice.
        unsafe { (self.head().kernel.finalize)(self.state(), out.as_mut_ptr(), out.len()) };
    }

    /// Overwrites this stream's state with a copy of `src`'s (same kernel), without allocating.
    pub(crate) fn copy_state_from(&mut self, src: &Hasher) {
        // (A real check: each blob is exactly its kernel's `state_size` bytes.)
        let (k, sk) = (self.head().kernel, src.head().kernel);
        assert!(std::ptr::eq(k.desc, sk.desc) && k.state_size == sk.state_size, "copy_state_from across kernels");
        let n = k.state_size;
        // SAFETY: both blobs hold `state_size` bytes; kernel states are plain data (kernel ABI
        // contract), so a bytewise copy is a valid clone; the blobs are distinct allocations.
        unsafe { std::ptr::copy_nonoverlapping(src.state().cast::<u8>(), self.state().cast::<u8>(), n) };
    }

    /// The stream as the C ABI's handle: the pointer to its allocation ([`Hasher::from_handle`]
    /// takes it back). One allocation per C stream: the handle was a box around the `Hasher`,
    /// a second `malloc`/`free` per stream (~4 ns of a 64-byte one).
    #[doc(hidden)]
    pub fn into_handle(self) -> std::ptr::NonNull<std::ffi::c_void> {
        std::mem::ManuallyDrop::new(self).base.cast()
    }

    /// The stream behind a handle from [`Hasher::into_handle`]; owned again (dropping it frees
    /// the handle). Wrap it in `ManuallyDrop` to use a handle without freeing it.
    ///
    /// # Safety
    /// `p` came from `into_handle` and is not freed; no other `Hasher` for it is dropped, or
    /// used mutably, while this one is in use.
    #[doc(hidden)]
    pub unsafe fn from_handle(p: std::ptr::NonNull<std::ffi::c_void>) -> Self {
        Hasher { base: p.cast() }
    }

    /// Whether the stream was finalized through its C handle ([`Hasher::finalize_handle`]);
    /// nothing but dropping it is allowed then.
    #[doc(hidden)]
    pub fn is_finished(&self) -> bool {
        self.head().finished
    }

    /// [`Hasher::finalize_into`] (`xof`: [`Hasher::finalize_xof`]) for a C handle: the
    /// allocation stays (the handle is freed separately) and the state is wiped. On an error
    /// nothing is written and the stream stays usable (the C ABI's contract); unlike the
    /// consuming finalizers, such an error is not counted as a failed call in the metrics (the
    /// C ABI's checks come first, as they did when it called those finalizers).
    ///
    /// # Safety
    /// After it succeeds, the stream may only be asked [`Hasher::is_finished`] and dropped: its
    /// kernel's state is gone, and `update`, the finalizers and `copy_state_from` would run the
    /// kernel on wiped bytes (no check on those hot paths; the C ABI checks `is_finished`).
    ///
    /// # Panics
    /// If the stream is finished already.
    #[doc(hidden)]
    pub unsafe fn finalize_handle(&mut self, out: &mut [u8], xof: bool) -> Result<usize> {
        assert!(!self.is_finished(), "finalize_handle on a finished stream");
        let n = self.output_len(out.len(), xof)?;
        self.finish_scratch(&mut out[..n]);
        self.count(false);
        self.wipe();
        self.head_mut().finished = true;
        Ok(n)
    }

    fn wipe(&mut self) {
        // SAFETY: the state was set up by its kernel's `init` (in `begin`, or copied); the first
        // `state_size >= wipe_len` bytes of our own blob are writable.
        unsafe { wipe_state(&self.head().kernel, self.state()) }
    }
}

impl Clone for Hasher {
    fn clone(&self) -> Self {
        assert!(!self.is_finished(), "clone of a finished stream");
        let mut h = Self::with_head(*self.head());
        h.copy_state_from(self);
        h
    }
}

impl Drop for Hasher {
    fn drop(&mut self) {
        if !self.is_finished() {
            self.wipe();
        }
        let (base, size) = (self.base.cast::<u8>(), self.head().kernel.state_size);
        // The blob becomes this thread's spare of its size class if it has none (wiped above).
        let parked = SPARE
            .try_with(|s| {
                let slot = &s.0[spare_slot(size)];
                let free = slot.get().is_none();
                if free {
                    slot.set(Some((base, size)));
                }
                free
            })
            .unwrap_or(false);
        if parked {
            return;
        }
        // SAFETY: allocated in `alloc` with this layout (`Head` needs no drop), freed once.
        unsafe { std::alloc::dealloc(base.as_ptr(), blob_layout(size)) }
    }
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher").field("alg", &self.alg().name()).field("kernel", &self.kernel_name()).finish_non_exhaustive()
    }
}

/// A stream's allocation: [`Head`], then the kernel's state at a 64-byte-aligned address, carved
/// out of a plain (16-byte-aligned) allocation. Not 64-byte-aligned allocations: a
/// `posix_memalign` per stream went through glibc's aligned path, which split and consolidated
/// heap chunks on every call (~60% of a 64-byte SHA-256 stream).
fn blob_layout(state_size: usize) -> std::alloc::Layout {
    std::alloc::Layout::from_size_align(HEAD + SLACK + state_size, 16).expect("state_size is at most HASH_STATE_BYTES")
}

/// Bytes for the [`Head`] (a multiple of 16, so the state region starts 16-byte aligned).
const HEAD: usize = std::mem::size_of::<Head>().next_multiple_of(16);

/// Slack for moving a 16-byte-aligned start up to 64-byte alignment.
const SLACK: usize = 48;

/// States whose allocation is larger than glibc's per-thread cache of small chunks (tcache: up to
/// 1032 bytes), such as BLAKE3's ~1.9 KiB: allocating and freeing one took ~20 ns of a 64-byte
/// BLAKE3 stream. Their blobs start zeroed (their wipe may cover only what a kernel wrote).
const SPARE_OVER: usize = 1032 - SLACK - HEAD;

// The kernel whose wipe covers only what it wrote (`blake3::state_in_use`) gets blobs that start
// zeroed, so its parked blobs are all zero; a small state with a partial wipe would park the
// bytes it never wrote as `malloc` left them.
#[cfg(target_arch = "x86_64")]
const _: () = assert!(crate::kernels::blake3::PARTIAL_WIPE_STATE > SPARE_OVER);

/// Each thread keeps one wiped blob of each size class (up to [`SPARE_OVER`], over it) for its
/// next stream. Even from glibc's cache, `malloc` and `free` took ~3 ns of a 64-byte SHA-256
/// stream; the spare takes ~1.
fn spare_slot(size: usize) -> usize {
    usize::from(size > SPARE_OVER)
}

/// A parked blob: its base and its state size.
type Parked = Option<(std::ptr::NonNull<u8>, usize)>;

/// A thread's spare blobs, by [`spare_slot`]; freed when the thread exits.
struct Spare([std::cell::Cell<Parked>; 2]);

impl Drop for Spare {
    fn drop(&mut self) {
        for slot in &self.0 {
            if let Some((base, size)) = slot.take() {
                // SAFETY: a blob allocated by `Hasher::alloc` for this state size, owned by this slot.
                unsafe { std::alloc::dealloc(base.as_ptr(), blob_layout(size)) }
            }
        }
    }
}

thread_local! {
    static SPARE: Spare = const { Spare([std::cell::Cell::new(None), std::cell::Cell::new(None)]) };
}

/// A stream in a blob on the caller's stack (no allocation), for internal one-shot constructions
/// such as HMAC. The caller owns the blob (`MaybeUninit::uninit()`, nothing written): built in a
/// constructor and returned, the 2.3 KiB state was copied on every call (a quarter of a 64-byte
/// Poly1305).
pub(crate) struct StackHasher<'a> {
    kernel: HashKernel,
    st: &'a mut MaybeUninit<HashState>,
}

impl<'a> StackHasher<'a> {
    pub(crate) fn new(blob: &'a mut MaybeUninit<HashState>, kernel: HashKernel) -> Self {
        Self::with_key(blob, kernel, &[], HASH_MODE_PLAIN)
    }

    /// A stream in `mode` under `key` (validated by the caller for the kernel's op, as for
    /// [`Hasher::start`]).
    #[inline]
    pub(crate) fn with_key(blob: &'a mut MaybeUninit<HashState>, kernel: HashKernel, key: &[u8], mode: u32) -> Self {
        // SAFETY: the kernel initializes its own state in the full-size blob; `key` is a valid slice.
        unsafe { (kernel.init)(blob.as_mut_ptr(), key.as_ptr(), key.len(), mode) };
        StackHasher { kernel, st: blob }
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        // SAFETY: initialized state; valid slice.
        unsafe { (self.kernel.update)(self.st.as_mut_ptr(), data.as_ptr(), data.len()) }
    }

    /// Finalizes into `out` (the digest length); the state is wiped on drop.
    pub(crate) fn finish(self, out: &mut [u8]) {
        // SAFETY: initialized state; valid writable slice.
        unsafe { (self.kernel.finalize)(self.st.as_mut_ptr(), out.as_mut_ptr(), out.len()) }
    }
}

impl Drop for StackHasher<'_> {
    fn drop(&mut self) {
        // SAFETY: set up by `kernel.init` in `with_key`; the borrowed blob is a whole `HashState`.
        unsafe { wipe_state(&self.kernel, self.st.as_mut_ptr()) }
    }
}

/// Wipes the bytes of `kernel`'s state `st` that may hold data: all `state_size` of them, except
/// where a built-in kernel knows it wrote fewer (`blake3::state_in_use`: a short BLAKE3 stream
/// writes ~100 of its ~1.9 KiB). Streams over [`SPARE_OVER`] start in zeroed or wiped blobs, so
/// their blobs are all zeros again afterwards.
///
/// # Safety
/// `st` holds a state set up by `kernel.init`, in a blob of at least `kernel.state_size` bytes.
#[inline]
unsafe fn wipe_state(kernel: &HashKernel, st: *mut HashState) {
    // SAFETY: caller contract; `state_in_use` is at most `state_size`.
    unsafe { wipe_raw(st.cast::<u8>(), crate::kernels::blake3::state_in_use(kernel, st).min(kernel.state_size)) }
}

/// One-shot: the kernel's plain one-shot entry when it has one (no streaming state), otherwise
/// init → update → finalize on a stack blob.
#[inline]
fn oneshot(kernel: &HashKernel, key: &[u8], mode: u32, data: &[u8], out: &mut [u8]) {
    if let (HASH_MODE_PLAIN, Some(f)) = (mode, kernel.oneshot) {
        // SAFETY: valid slices; plain mode.
        return unsafe { f(data.as_ptr(), data.len(), out.as_mut_ptr(), out.len()) };
    }
    oneshot_streaming(kernel, key, mode, data, out)
}

/// The general one-shot on a 2.3 KiB stack blob, out of line so the fast path's frame stays small.
#[inline(never)]
fn oneshot_streaming(kernel: &HashKernel, key: &[u8], mode: u32, data: &[u8], out: &mut [u8]) {
    let mut st = MaybeUninit::<HashState>::uninit();
    // SAFETY: init → update → finalize on one blob, as the kernel ABI requires; slices are valid.
    unsafe {
        (kernel.init)(st.as_mut_ptr(), key.as_ptr(), key.len(), mode);
        (kernel.update)(st.as_mut_ptr(), data.as_ptr(), data.len());
        (kernel.finalize)(st.as_mut_ptr(), out.as_mut_ptr(), out.len());
        wipe_state(kernel, st.as_mut_ptr());
    }
}

pub(crate) fn kernel_for(alg: Alg) -> Result<HashKernel> {
    kernel_ref(alg).copied()
}

/// The active kernel of a hash op, by reference into the (never freed) active table.
#[inline]
fn kernel_ref(alg: Alg) -> Result<&'static HashKernel> {
    match dispatch::table()?.hash_kernel(alg) {
        Some(k) => Ok(k),
        None => Err(not_a_hash(alg)),
    }
}

/// The kernel a one-shot call on `len` bytes uses (its size bucket's slot).
#[inline]
fn kernel_ref_for(alg: Alg, len: usize) -> Result<&'static HashKernel> {
    match dispatch::table()?.hash_kernel_for(alg, len) {
        Some(k) => Ok(k),
        None => Err(not_a_hash(alg)),
    }
}

#[cold]
#[inline(never)]
fn not_a_hash(alg: Alg) -> crate::Error {
    err(Status::WrongAlgorithmFamily, format!("{} is not a hash", alg.name()))
}

#[cold]
#[inline(never)]
fn digest_too_small(alg: Alg, n: usize, have: usize) -> crate::Error {
    err(Status::BufferTooSmall, format!("{} digest needs {n} bytes, buffer has {have}", alg.name()))
}

/// Digest length of a fixed-output hash; `None` for XOFs and for algorithms that are not hashes
/// (see [`digest_len`] for the error-reporting variant).
#[inline]
pub fn fixed_len(alg: Alg) -> Option<usize> {
    match alg {
        Alg::Sha256 | Alg::Sha3_256 | Alg::Blake2s256 | Alg::Blake3 => Some(32),
        Alg::Sha384 => Some(48),
        Alg::Sha512 | Alg::Sha3_512 | Alg::Blake2b512 => Some(64),
        _ => None,
    }
}

/// One-shot hash into `out` (see [`Hasher::finalize_into`] for lengths). Returns bytes written.
#[inline(always)]
pub fn hash_into(alg: Alg, data: &[u8], out: &mut [u8]) -> Result<usize> {
    let Some(n) = fixed_len(alg) else { return hash_into_general(alg, data, out) };
    if out.len() < n {
        return Err(metrics::failed(OpKind::Hash, alg, data.len(), digest_too_small(alg, n, out.len())));
    }
    // SAFETY: `alg` is a fixed-output hash and `out[..n]` is exactly its digest.
    unsafe { hash_digest_into(alg, data, &mut out[..n]) }
}

/// [`hash_into`] for a caller that has itself decoded `alg` and sized `out` (the C ABI's fast
/// path, which looks both up in one table): no second look-up of the digest length.
///
/// # Safety
/// `alg` must be a fixed-output hash (`fixed_len(alg).is_some()`) and `out.len()` its digest
/// length (the kernel ABI lets a fixed-output kernel assume that length: `HashOneshotFn`,
/// `HashFinalFn`), or an XOF (shake128, shake256), which fills all of `out`.
#[doc(hidden)]
#[inline(always)]
pub unsafe fn hash_digest_into(alg: Alg, data: &[u8], out: &mut [u8]) -> Result<usize> {
    debug_assert!(match fixed_len(alg) {
        Some(n) => n == out.len(),
        None => matches!(alg, Alg::Shake128 | Alg::Shake256),
    });
    let n = out.len();
    if let Err(e) = crate::policy::check(alg) {
        return Err(metrics::failed(OpKind::Hash, alg, data.len(), e));
    }
    let k = match kernel_ref_for(alg, data.len()) {
        Ok(k) => k,
        Err(e) => return Err(metrics::failed(OpKind::Hash, alg, data.len(), e)),
    };
    // Counted before the kernel runs (it cannot fail from here): the counter stores retire
    // while the kernel works.
    metrics::record(OpKind::Hash, alg, Some(k.desc), data.len(), false);
    oneshot(k, &[], HASH_MODE_PLAIN, data, out);
    Ok(n)
}

/// [`hash_into`] for XOFs (all of `out`) and for ids that are not hashes (the error).
#[inline(never)]
fn hash_into_general(alg: Alg, data: &[u8], out: &mut [u8]) -> Result<usize> {
    metrics::metered(OpKind::Hash, alg, data.len(), |ran| {
        let need = digest_len(alg)?;
        if let Some(n) = need {
            if out.len() < n {
                return Err(digest_too_small(alg, n, out.len()));
            }
        }
        let k = kernel_ref_for(alg, data.len())?;
        let n = need.unwrap_or(out.len());
        oneshot(k, &[], HASH_MODE_PLAIN, data, &mut out[..n]);
        *ran = Some(k.desc);
        Ok(n)
    })
}

/// One-shot hash; XOFs give their default length (shake128: 32, shake256: 64 bytes).
pub fn hash(alg: Alg, data: &[u8]) -> Result<Vec<u8>> {
    metrics::metered(OpKind::Hash, alg, data.len(), |ran| {
        let mut v = vec![0u8; default_len(alg)?];
        let k = kernel_ref_for(alg, data.len())?;
        oneshot(k, &[], HASH_MODE_PLAIN, data, &mut v);
        *ran = Some(k.desc);
        Ok(v)
    })
}

/// One-shot XOF of `out.len()` bytes (shake128, shake256, blake3).
pub fn xof(alg: Alg, data: &[u8], out: &mut [u8]) -> Result<()> {
    metrics::metered(OpKind::Hash, alg, data.len(), |ran| {
        if !is_xof(alg.expect(Family::Hash)?) {
            return Err(err(Status::WrongAlgorithmFamily, format!("{} is not an XOF", alg.name())));
        }
        let k = kernel_ref_for(alg, data.len())?;
        oneshot(k, &[], HASH_MODE_PLAIN, data, out);
        *ran = Some(k.desc);
        Ok(())
    })
}

/// BLAKE3 keyed hash of `out.len()` bytes (32 is the standard MAC length). Counted as a call of
/// `mac.blake3-keyed`.
pub fn blake3_keyed(key: &[u8], data: &[u8], out: &mut [u8]) -> Result<()> {
    let mut h = Hasher::new_blake3_keyed(key)?;
    h.update(data);
    h.finalize_xof(out)
}

/// BLAKE3 derive_key: `out.len()` bytes of key derived from `material` under `context`. Counted
/// as a call of `hash.blake3`.
pub fn blake3_derive_key(context: &[u8], material: &[u8], out: &mut [u8]) -> Result<()> {
    let mut h = Hasher::new_blake3_derive_key(context)?;
    h.update(material);
    h.finalize_xof(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reused_spare_blobs_start_clean() {
        // BLAKE3 states are over `SPARE_OVER`: every stream after the first on a thread starts in
        // the blob its predecessor left (wiped), including streams of other modes, clones, and
        // streams dropped mid-way; each must equal the `blake3` crate. Then on a thread that
        // exits holding its spare (freed by the slot's destructor).
        let check = || {
            let key = [7u8; 32];
            for len in [0usize, 1, 64, 65, 1024, 1025, 5000] {
                let data: Vec<u8> = (0..len).map(|i| (i * 31 + len) as u8).collect();
                let mut abandoned = Hasher::new(Alg::Blake3).unwrap();
                abandoned.update(&data);
                drop(abandoned);
                let mut h = Hasher::new(Alg::Blake3).unwrap();
                h.update(&data);
                let c = h.clone();
                assert_eq!(h.finalize(), blake3::hash(&data).as_bytes().to_vec(), "len {len}");
                assert_eq!(c.finalize(), blake3::hash(&data).as_bytes().to_vec(), "clone, len {len}");
                let mut k = Hasher::new_blake3_keyed(&key).unwrap();
                k.update(&data);
                assert_eq!(k.finalize(), blake3::keyed_hash(&key, &data).as_bytes().to_vec(), "keyed, len {len}");
                let mut d = Hasher::new_blake3_derive_key(b"xpscrypto spare-blob test").unwrap();
                d.update(&data);
                let mut out = [0u8; 32];
                d.finalize_xof(&mut out).unwrap();
                assert_eq!(out, blake3::derive_key("xpscrypto spare-blob test", &data), "derive, len {len}");
            }
        };
        check();
        std::thread::spawn(check).join().unwrap();
    }

    /// The C ABI's handle life: errors before the end leave the stream usable and unwritten;
    /// the end writes the digest (XOF: any length), wipes the state and keeps the allocation
    /// until the handle is freed.
    #[test]
    fn handles_finalize_in_place() {
        use sha2::Digest;
        use std::mem::ManuallyDrop;
        let b3 = crate::kernels::blake3::CANDIDATES.iter().filter(|k| crate::cpu::satisfies(crate::cpu::features(), k.desc.requires));
        let cases = b3.flat_map(|k| [(Alg::Blake3, *k, true), (Alg::Blake3, *k, false)]).chain([(Alg::Sha256, kernel_for(Alg::Sha256).unwrap(), false)]);
        for (alg, k, xof) in cases {
            let mut h = Hasher::start(alg, k, &[], HASH_MODE_PLAIN, fixed_len(alg)).unwrap();
            h.update(b"abc");
            let p = h.into_handle();
            // SAFETY: `p` came from `into_handle`; this is its only owner (freed below).
            let mut h = ManuallyDrop::new(unsafe { Hasher::from_handle(p) });
            let mut out = [0xeeu8; 100];
            // SAFETY: after a success, only `is_finished`, the state's bytes and the drop.
            let e = unsafe { h.finalize_handle(&mut out[..31], false) }.unwrap_err();
            assert_eq!(e.status, Status::BufferTooSmall);
            if alg == Alg::Sha256 {
                // SAFETY: as above.
                let e = unsafe { h.finalize_handle(&mut out, true) }.unwrap_err();
                assert_eq!(e.status, Status::WrongAlgorithmFamily);
            }
            assert!(!h.is_finished() && out.iter().all(|&b| b == 0xee), "{}: an error wrote or ended the stream", k.desc.name());
            // SAFETY: as above.
            let n = unsafe { h.finalize_handle(&mut out[..40], xof) }.unwrap();
            let want = match alg {
                Alg::Sha256 => sha2::Sha256::digest(b"abc").to_vec(),
                _ => {
                    let mut v = vec![0; n];
                    blake3::Hasher::new().update(b"abc").finalize_xof().fill(&mut v);
                    v
                }
            };
            assert_eq!((n, &out[..n]), (if xof { 40 } else { 32 }, &want[..]), "{} xof {xof}", k.desc.name());
            assert!(out[n..].iter().all(|&b| b == 0xee));
            assert!(h.is_finished());
            // (All `state_size` bytes: blobs over `SPARE_OVER` start zeroed, smaller ones are
            // wiped whole.) SAFETY: the state's `state_size` bytes are inside the allocation.
            let st = unsafe { std::slice::from_raw_parts(h.state().cast::<u8>(), k.state_size) };
            assert!(st.iter().all(|&b| b == 0), "{} xof {xof}: state not wiped at the end", k.desc.name());
            drop(ManuallyDrop::into_inner(h));
        }
    }

    /// The state bytes of this thread's parked spare blob in `slot`, if it has one.
    fn spare_in(slot: usize) -> Option<Vec<u8>> {
        SPARE.with(|s| {
            let (base, size) = s.0[slot].get()?;
            let start = base.as_ptr() as usize + HEAD;
            let off = HEAD + (start.wrapping_neg() & 63);
            // SAFETY: a parked blob of this thread, for a `size`-byte state at `off` (as `Hasher::state`).
            Some(unsafe { std::slice::from_raw_parts(base.as_ptr().add(off), size) }.to_vec())
        })
    }

    /// This thread's parked BLAKE3-sized (large) spare.
    fn spare_state() -> Option<Vec<u8>> {
        spare_in(1)
    }

    /// Small states (SHA-2, SHA-3, BLAKE2) are parked too, in their own slot: every way a
    /// stream ends leaves it all zero, and streams of algorithms with other state sizes, taking
    /// turns, hash right, each in its size's parked blob (the stream) or a new one (its clone).
    #[test]
    fn small_spares_are_wiped_and_reused() {
        use sha2::Digest;
        let data = [0x3cu8; 300];
        type Reference = fn(&[u8]) -> Vec<u8>;
        let algs: [(Alg, Reference); 4] = [
            (Alg::Sha256, |d| sha2::Sha256::digest(d).to_vec()),
            (Alg::Sha512, |d| sha2::Sha512::digest(d).to_vec()),
            (Alg::Sha3_256, |d| sha3::Sha3_256::digest(d).to_vec()),
            (Alg::Blake2s256, |d| blake2::Blake2s256::digest(d).to_vec()),
        ];
        for round in 0..3 {
            for (alg, reference) in algs {
                assert!(kernel_for(alg).unwrap().state_size <= SPARE_OVER, "{}: a small state", alg.name());
                for len in [0usize, 1, 63, 64, 65, 128, 300] {
                    let want = reference(&data[..len]);
                    let mut h = Hasher::new(alg).unwrap();
                    h.update(&data[..len]);
                    let c = h.clone();
                    match round {
                        0 => assert_eq!(h.finalize(), want, "{} len {len}", alg.name()),
                        1 => {
                            let mut out = [0u8; 64];
                            // SAFETY: the handle's only owner is taken back at once; after
                            // `finalize_handle` only the drop.
                            let n = unsafe { Hasher::from_handle(h.into_handle()).finalize_handle(&mut out, false) }.unwrap();
                            assert_eq!(out[..n], want[..], "{} len {len}: handle", alg.name());
                        }
                        _ => drop(h),
                    }
                    let spare = spare_in(0).expect("a small blob is parked");
                    assert!(spare.iter().all(|&b| b == 0), "{} round {round} len {len}: parked blob not wiped", alg.name());
                    assert_eq!(c.finalize(), want, "{} len {len}: clone", alg.name());
                }
            }
        }
    }

    #[test]
    fn streams_are_wiped_once_and_spares_move_between_kernels_and_threads() {
        let usable: Vec<HashKernel> =
            crate::kernels::blake3::CANDIDATES.iter().copied().filter(|k| crate::cpu::satisfies(crate::cpu::features(), k.desc.requires)).collect();
        let data = [0x5au8; 3000];
        let want = blake3::hash(&data);
        let key = [0xc3u8; 32];
        // Every way a stream ends leaves its blob parked and all zero (the consuming finalizers no
        // longer wipe before `Drop` does), for long streams and for short ones, plain and keyed
        // (whose wipe covers only what the AVX-512 kernel's short stream wrote).
        type End = (&'static str, fn(Hasher));
        let ends: [End; 6] = [
            ("finalize", |h| drop(h.finalize())),
            // The C ABI's: finished in place (wiped there), then freed without a second wipe.
            ("handle", |h| {
                // SAFETY: the handle's only owner is taken back at once; after `finalize_handle`
                // only the drop.
                let mut h = unsafe { Hasher::from_handle(h.into_handle()) };
                // SAFETY: only the drop follows.
                assert_eq!(unsafe { h.finalize_handle(&mut [0u8; 32], false) }.unwrap(), 32);
            }),
            ("finalize_into", |h| assert_eq!(h.finalize_into(&mut [0u8; 32]).unwrap(), 32)),
            ("finalize_into, too small", |h| drop(h.finalize_into(&mut [0u8; 8]).unwrap_err())),
            ("finalize_xof", |h| h.finalize_xof(&mut [0u8; 100]).unwrap()),
            ("drop", drop),
        ];
        for _ in 0..2 {
            // Alternating kernels: when their state sizes differ, the spare of one is freed and
            // a new blob allocated for the other.
            for k in &usable {
                for (what, end) in ends {
                    for (len, keyed) in [(3000, false), (100, false), (0, false), (256, false), (257, false), (100, true), (256, true), (3000, true)] {
                        let mut h = match keyed {
                            true => Hasher::start(Alg::Blake3, *k, &key, crate::dispatch::HASH_MODE_KEYED, Some(32)).unwrap(),
                            false => Hasher::start(Alg::Blake3, *k, &[], HASH_MODE_PLAIN, Some(32)).unwrap(),
                        };
                        h.update(&data[..len]);
                        let c = h.clone();
                        end(h);
                        let spare = spare_state().expect("a BLAKE3 blob is parked");
                        let name = k.desc.name();
                        assert!(spare.iter().all(|&b| b == 0), "{name} {what} len {len} keyed {keyed}: parked blob not wiped");
                        let want = if keyed { blake3::keyed_hash(&key, &data[..len]) } else { blake3::hash(&data[..len]) };
                        assert_eq!(c.finalize(), want.as_bytes().to_vec(), "{name} {what} len {len} keyed {keyed}: clone");
                    }
                }
            }
        }
        // A stream made on one thread, dropped on another, which then starts its own.
        let mut h = Hasher::new(Alg::Blake3).unwrap();
        h.update(&data);
        std::thread::spawn(move || {
            assert_eq!(h.finalize(), want.as_bytes().to_vec());
            assert!(spare_state().unwrap().iter().all(|&b| b == 0));
            let mut g = Hasher::new(Alg::Blake3).unwrap();
            g.update(&data);
            assert_eq!(g.finalize(), want.as_bytes().to_vec());
        })
        .join()
        .unwrap();
    }
}
