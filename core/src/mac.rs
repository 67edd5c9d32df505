//! MACs: HMAC (RFC 2104; our construction over the dispatched hash kernels), Poly1305 (one-time
//! key) and BLAKE3 keyed mode. Verification is constant-time; truncated HMAC tags (≥ 16 bytes) are
//! accepted only through [`verify_truncated`].

use crate::alg::{Alg, Family};
use crate::dispatch;
use crate::error::{err, Result, Status};
use crate::hash::{block_len, kernel_for, Hasher, StackHasher};
use crate::hmac_sha256::HmacSha256;
use crate::hmac_sha512::HmacSha512;
use crate::hmac_stream::CvStream;
use crate::metrics::{self, OpKind};
use crate::secure::ct::Wiped;
use std::mem::MaybeUninit;
use subtle::ConstantTimeEq;

/// Shortest tag [`verify_truncated`] accepts.
pub const MIN_TRUNCATED_TAG: usize = 16;

/// Full tag length of a MAC.
pub fn tag_len(alg: Alg) -> Result<usize> {
    Ok(match alg.expect(Family::Mac)? {
        Alg::HmacSha384 => 48,
        Alg::HmacSha512 => 64,
        Alg::Poly1305 => 16,
        _ => 32,
    })
}

/// Required key length (`None`: any length, as HMAC allows).
pub fn key_len(alg: Alg) -> Result<Option<usize>> {
    Ok(match alg.expect(Family::Mac)? {
        Alg::Poly1305 | Alg::Blake3Keyed => Some(32),
        _ => None,
    })
}

fn hmac_hash(alg: Alg) -> Option<Alg> {
    match alg {
        Alg::HmacSha256 => Some(Alg::Sha256),
        Alg::HmacSha384 => Some(Alg::Sha384),
        Alg::HmacSha512 => Some(Alg::Sha512),
        _ => None,
    }
}

/// Reusable HMAC working state (wiped on drop: the hashers wipe themselves, `digest` too).
/// Empty for a chaining-value MAC, which needs none.
pub(crate) struct Scratch {
    hashers: Option<(Hasher, Hasher)>,
    digest: Wiped<64>,
}

/// A streaming MAC. Cloning copies the keyed state (useful for PBKDF2-style reuse).
#[derive(Clone, Debug)]
pub struct Mac {
    alg: Alg,
    engine: Engine,
    /// Counted in the metrics when finalized or verified (streams of the public API only).
    metered: bool,
    /// Bytes fed so far (for metrics).
    fed: u64,
}

#[derive(Clone)]
enum Engine {
    /// HMAC-SHA256/384/512 on the active kernel's compression entry. Boxed: the state holds
    /// key-equivalent chaining values, and a `Mac` moved by value (out of a handle, into
    /// `finalize`) must not leave copies of them behind; the box is wiped where it lies.
    Cv(Box<CvStream>, &'static dispatch::KernelDesc),
    /// Over hash streams: HMAC on a kernel without a compression entry (a hot-patched one),
    /// Poly1305 and BLAKE3-keyed. Boxed as well, so that a `Mac` stays a few words to move.
    Hash(Box<Streams>),
}

#[derive(Clone)]
struct Streams {
    inner: Hasher,
    /// HMAC only: the hash state after absorbing `key ⊕ opad`.
    outer: Option<Hasher>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Engine::Cv(s, desc) => f.debug_tuple("Cv").field(s).field(&desc.name()).finish(),
            Engine::Hash(h) => f.debug_struct("Hash").field("inner", &h.inner).field("outer", &h.outer).finish(),
        }
    }
}

/// The policy checks of the MAC API: the algorithm, and for HMAC the key length.
fn check_policy(alg: Alg, key: &[u8]) -> Result<()> {
    alg.expect(Family::Mac)?;
    if hmac_hash(alg).is_some() {
        crate::policy::check_hmac_key(alg, key.len())?;
    }
    Ok(())
}

impl Mac {
    /// A MAC stream, checked against the policy (algorithm; HMAC key length) and counted in the
    /// metrics as one call of `mac.<alg>` (or `mac.<alg>.verify`) when it ends.
    pub fn new(alg: Alg, key: &[u8]) -> Result<Self> {
        // (Built straight into the result, which is passed on as it is: moving a `Mac` is a
        // ~400-byte copy.)
        if let Err(e) = check_policy(alg, key) {
            return Err(metrics::failed(OpKind::Mac, alg, 0, e));
        }
        let r = Self::build(alg, key, true);
        if r.is_err() {
            metrics::record(OpKind::Mac, alg, None, 0, true);
        }
        r
    }

    /// A MAC inside a construction (HKDF, PBKDF2, HPKE): no policy check of its own (the caller
    /// checked the construction's algorithm), not counted on its own.
    pub(crate) fn new_internal(alg: Alg, key: &[u8]) -> Result<Self> {
        Self::build(alg, key, false)
    }

    fn build(alg: Alg, key: &[u8], metered: bool) -> Result<Self> {
        if alg.family() != Family::Mac {
            return Err(err(Status::WrongAlgorithmFamily, format!("{} is not a MAC", alg.name())));
        }
        if let Some((f, desc)) = CvHmac::new(alg, key)? {
            let s = Box::new(match f {
                CvHmac::Sha256(k) => CvStream::sha256(k),
                CvHmac::Sha512(k) => CvStream::sha512(k),
            });
            return Ok(Mac { alg, engine: Engine::Cv(s, desc), metered, fed: 0 });
        }
        if let Some(h) = hmac_hash(alg) {
            let bl = block_len(h);
            let mut k = Wiped::<128>::new();
            if key.len() > bl {
                let mut blob = MaybeUninit::uninit();
                let mut s = StackHasher::new(&mut blob, kernel_for(h)?);
                s.update(key);
                let dl = crate::hash::fixed_len(h).unwrap_or(64);
                s.finish(&mut k[..dl]);
            } else {
                k[..key.len()].copy_from_slice(key);
            }
            let mut pad = Wiped::<128>::new();
            let mut inner = Hasher::unmetered(h)?;
            let mut outer = inner.clone();
            pad[..bl].iter_mut().zip(&k[..bl]).for_each(|(p, k)| *p = k ^ 0x36);
            inner.update(&pad[..bl]);
            pad[..bl].iter_mut().zip(&k[..bl]).for_each(|(p, k)| *p = k ^ 0x5c);
            outer.update(&pad[..bl]);
            return Ok(Mac { alg, engine: Engine::Hash(Box::new(Streams { inner, outer: Some(outer) })), metered, fed: 0 });
        }
        let want = match alg {
            Alg::Poly1305 | Alg::Blake3Keyed => 32,
            _ => key.len(),
        };
        if key.len() != want {
            return Err(err(Status::BadKeyLength, format!("{} needs a {want}-byte key, got {}", alg.name(), key.len())));
        }
        let inner = match alg {
            Alg::Poly1305 => {
                let k = dispatch::table()?.poly1305;
                Hasher::start(Alg::Poly1305, k, key, dispatch::HASH_MODE_KEYED, Some(16))?
            }
            _ => {
                let _ = kernel_for(Alg::Blake3)?;
                Hasher::blake3_keyed_unmetered(key)?
            }
        };
        Ok(Mac { alg, engine: Engine::Hash(Box::new(Streams { inner, outer: None })), metered, fed: 0 })
    }

    /// The kernel this MAC runs on (the hash kernel for HMAC), for metrics.
    pub(crate) fn desc(&self) -> &'static crate::dispatch::KernelDesc {
        match &self.engine {
            Engine::Cv(_, desc) => desc,
            Engine::Hash(h) => h.inner.desc(),
        }
    }

    /// Counts this stream's call once, if it is a metered one.
    fn count(&self, kind: OpKind, failed: bool) {
        if self.metered {
            metrics::record(kind, self.alg, Some(self.desc()), self.fed as usize, failed);
        }
    }

    pub fn alg(&self) -> Alg {
        self.alg
    }

    /// Working states for [`Mac::compute_with`] (allocated once per loop, not per MAC).
    pub(crate) fn scratch(&self) -> Scratch {
        let hashers = match &self.engine {
            Engine::Cv(..) => None,
            Engine::Hash(h) => Some((h.inner.clone(), h.outer.as_ref().unwrap_or(&h.inner).clone())),
        };
        Scratch { hashers, digest: Wiped::new() }
    }

    /// HMAC of the concatenation of `parts` under this key into `out` (the tag length), reusing
    /// `scratch` instead of allocating: for PBKDF2 and HKDF inner loops where the hash kernel has
    /// no compression entry (a hot-patched one; otherwise they run on [`CvHmac`]). HMAC only,
    /// on a freshly keyed `Mac`: nothing fed to it must count (a chaining-value stream, which a
    /// kernel swap between the caller's check and this `Mac` can give, ignores it).
    pub(crate) fn compute_with(&self, scratch: &mut Scratch, parts: &[&[u8]], out: &mut [u8]) {
        let (inner, outer) = match &self.engine {
            Engine::Cv(s, _) => return s.mac_fresh(parts, out),
            Engine::Hash(h) => (&h.inner, h.outer.as_ref().expect("compute_with is for HMAC")),
        };
        let (s_inner, s_outer) = scratch.hashers.as_mut().expect("scratch made by this Mac");
        let n = out.len();
        s_inner.copy_state_from(inner);
        for p in parts {
            s_inner.update(p);
        }
        s_inner.finish_scratch(&mut scratch.digest[..n]);
        s_outer.copy_state_from(outer);
        s_outer.update(&scratch.digest[..n]);
        s_outer.finish_scratch(out);
    }

    pub fn update(&mut self, data: &[u8]) -> &mut Self {
        match &mut self.engine {
            Engine::Cv(s, _) => s.update(data),
            Engine::Hash(h) => {
                h.inner.update(data);
            }
        }
        self.fed = self.fed.wrapping_add(data.len() as u64);
        self
    }

    /// The full tag length of this MAC's algorithm (no policy check: the stream passed it when
    /// it was created).
    pub fn full_len(&self) -> usize {
        match self.alg {
            Alg::HmacSha384 => 48,
            Alg::HmacSha512 => 64,
            Alg::Poly1305 => 16,
            _ => 32,
        }
    }

    /// The full-length tag.
    pub fn finalize(self) -> Vec<u8> {
        self.count(OpKind::Mac, false);
        let mut t = vec![0u8; self.full_len()];
        self.finish(&mut t);
        t
    }

    /// Writes the full tag into `out` (needs `out.len() >= tag_len`); returns the tag length.
    #[inline]
    pub fn finalize_into(self, out: &mut [u8]) -> Result<usize> {
        let n = self.full_len();
        if out.len() < n {
            self.count(OpKind::Mac, true);
            return Err(err(Status::BufferTooSmall, format!("{} tag needs {n} bytes, buffer has {}", self.alg.name(), out.len())));
        }
        self.count(OpKind::Mac, false);
        self.finish(&mut out[..n]);
        Ok(n)
    }

    #[inline]
    fn finish(self, out: &mut [u8]) {
        let (inner, outer) = match self.engine {
            Engine::Cv(ref s, _) => return s.finish(out),
            Engine::Hash(h) => {
                let Streams { inner, outer } = *h;
                (inner, outer)
            }
        };
        match outer {
            Some(mut outer) => {
                let mut d = Wiped::<64>::new();
                let n = inner.finalize_into(&mut d[..]).expect("64-byte buffer fits every HMAC hash");
                outer.update(&d[..n]);
                outer.finalize_into(out).expect("tag buffer sized by caller");
            }
            None => {
                // Poly1305 and BLAKE3-keyed have fixed output lengths matching `out`.
                match inner.alg() {
                    Alg::Blake3 => inner.finalize_xof(out).expect("blake3 is an XOF"),
                    _ => {
                        inner.finalize_into(out).expect("tag buffer sized by caller");
                    }
                }
            }
        }
    }

    /// Constant-time check of a full-length tag.
    pub fn verify(self, tag: &[u8]) -> Result<()> {
        let (metered, desc, fed, alg) = (self.metered, self.desc(), self.fed, self.alg);
        let r = self.verify_full_unmetered(tag);
        if metered {
            metrics::record(OpKind::MacVerify, alg, Some(desc), fed as usize, r.is_err());
        }
        r
    }

    fn verify_full_unmetered(self, tag: &[u8]) -> Result<()> {
        let n = self.full_len();
        if tag.len() != n {
            return Err(err(
                Status::BadTagLength,
                format!("{} tags are {n} bytes, got {} (use verify_truncated for truncated HMAC tags)", self.alg.name(), tag.len()),
            ));
        }
        self.verify_prefix(tag)
    }

    /// Constant-time check of a tag truncated to `tag.len()` bytes (HMAC only; 16 ≤ len ≤ full).
    pub fn verify_truncated(self, tag: &[u8]) -> Result<()> {
        let (metered, desc, fed, alg) = (self.metered, self.desc(), self.fed, self.alg);
        let r = self.verify_truncated_unmetered(tag);
        if metered {
            metrics::record(OpKind::MacVerify, alg, Some(desc), fed as usize, r.is_err());
        }
        r
    }

    fn verify_truncated_unmetered(self, tag: &[u8]) -> Result<()> {
        let n = self.full_len();
        if hmac_hash(self.alg).is_none() {
            return Err(err(Status::WrongAlgorithmFamily, format!("truncated tags are only defined for HMAC, not {}", self.alg.name())));
        }
        if tag.len() < MIN_TRUNCATED_TAG || tag.len() > n {
            return Err(err(Status::BadTagLength, format!("truncated {} tags must be {MIN_TRUNCATED_TAG}..={n} bytes, got {}", self.alg.name(), tag.len())));
        }
        self.verify_prefix(tag)
    }

    fn verify_prefix(self, tag: &[u8]) -> Result<()> {
        let mut full = zeroize::Zeroizing::new(vec![0u8; self.full_len()]);
        self.finish(&mut full);
        if bool::from(full[..tag.len()].ct_eq(tag)) {
            Ok(())
        } else {
            Err(err(Status::AuthenticationFailed, "MAC tag does not match"))
        }
    }
}

/// One-shot MAC into `out`; returns the tag length.
#[inline]
pub fn mac_into(alg: Alg, key: &[u8], data: &[u8], out: &mut [u8]) -> Result<usize> {
    if let Some(n) = blake3_keyed_slices(alg, key, data, out) {
        return Ok(n);
    }
    mac_into_general(alg, key, data, out)
}

/// [`mac_into`] past the blake3-keyed fast path, out of line so that path inlines into callers.
#[inline(never)]
fn mac_into_general(alg: Alg, key: &[u8], data: &[u8], out: &mut [u8]) -> Result<usize> {
    general_body(alg, key, data, out)
}

/// For the C export `xps_hmac` (crate `xpscrypto-ffi`), not a public API: [`mac_into`]'s general
/// path, inlined. The export tries [`blake3_keyed_fast`] itself first, and is itself an
/// out-of-line function, so its frame takes the place of `mac_into_general`'s instead of adding
/// a second call level on top (a 64-byte Poly1305 through C took 1.10× the Rust API's time with
/// it, 0.96–1.03× without).
#[doc(hidden)]
#[inline(always)]
pub fn mac_into_for_export(alg: Alg, key: &[u8], data: &[u8], out: &mut [u8]) -> Result<usize> {
    general_body(alg, key, data, out)
}

#[inline(always)]
fn general_body(alg: Alg, key: &[u8], data: &[u8], out: &mut [u8]) -> Result<usize> {
    metrics::metered(OpKind::Mac, alg, data.len(), |ran| {
        check_policy(alg, key)?;
        mac_core(alg, key, data, out, ran)
    })
}

/// [`blake3_keyed_fast`] when `alg` is blake3-keyed with a 32-byte key and room for the tag.
#[inline(always)]
fn blake3_keyed_slices(alg: Alg, key: &[u8], data: &[u8], out: &mut [u8]) -> Option<usize> {
    if alg != Alg::Blake3Keyed {
        return None;
    }
    let (Ok(k32), Some(o32)) = (<&[u8; 32]>::try_from(key), out.first_chunk_mut::<32>()) else { return None };
    blake3_keyed_fast(k32, data, o32)
}

/// A blake3-keyed MAC when nothing can fail: the algorithm allowed, a built-in BLAKE3 kernel
/// active (`kernels::blake3::keyed_oneshot`); counted in the metrics. `None` (nothing written)
/// sends the call down the general path, which reports whatever is wrong. A 64-byte MAC takes
/// ~43 ns, so the general path's fixed cost was 6% of it. Public (hidden) for `xps_hmac`, which
/// calls it with the key and tag lengths already checked.
#[doc(hidden)]
#[inline(always)]
pub fn blake3_keyed_fast(k32: &[u8; 32], data: &[u8], o32: &mut [u8; 32]) -> Option<usize> {
    crate::policy::check(Alg::Blake3Keyed).ok()?;
    let k = dispatch::table().ok()?.hash_kernel(Alg::Blake3)?;
    if !crate::kernels::blake3::keyed_oneshot(k, k32, data, o32) {
        return None;
    }
    metrics::record(OpKind::Mac, Alg::Blake3Keyed, Some(k.desc), data.len(), false);
    Some(32)
}

/// [`mac_into`] without metering (the self-tests; the policy still applies unless the caller
/// bypasses it).
pub(crate) fn mac_unmetered(alg: Alg, key: &[u8], data: &[u8], out: &mut [u8]) -> Result<usize> {
    check_policy(alg, key)?;
    mac_core(alg, key, data, out, &mut None)
}

fn mac_core(alg: Alg, key: &[u8], data: &[u8], out: &mut [u8], ran: &mut metrics::Ran) -> Result<usize> {
    let n = tag_len(alg)?;
    if out.len() < n {
        return Err(err(Status::BufferTooSmall, format!("{} tag needs {n} bytes, buffer has {}", alg.name(), out.len())));
    }
    if let (Alg::Blake3Keyed, Ok(k32), Ok(o32)) = (alg, <&[u8; 32]>::try_from(key), <&mut [u8; 32]>::try_from(&mut out[..n])) {
        let k = kernel_for(Alg::Blake3)?;
        if crate::kernels::blake3::keyed_oneshot(&k, k32, data, o32) {
            *ran = Some(k.desc);
            return Ok(32);
        }
    }
    if let Some((f, desc)) = CvHmac::new(alg, key)? {
        f.mac(&[data], &mut out[..n]);
        *ran = Some(desc);
        return Ok(n);
    }
    if let (Alg::Poly1305, Ok(k32)) = (alg, <&[u8; 32]>::try_from(key)) {
        // On the stack: a stream's two heap allocations were a third of a 64-byte MAC.
        let k = dispatch::table()?.poly1305;
        let mut blob = MaybeUninit::uninit();
        let mut s = StackHasher::with_key(&mut blob, k, k32, dispatch::HASH_MODE_KEYED);
        s.update(data);
        s.finish(&mut out[..16]);
        *ran = Some(k.desc);
        return Ok(16);
    }
    if let Some(h) = hmac_hash(alg) {
        *ran = Some(hmac_stack(h, key, data, &mut out[..n])?);
        return Ok(n);
    }
    let mut m = Mac::new_internal(alg, key)?;
    m.update(data);
    *ran = Some(m.desc());
    m.finalize_into(out)
}

/// Test builds only (feature `testing`): whether HMAC takes the generic path over hash streams,
/// as on a hot-patched SHA-2 kernel without a compression entry (no built-in kernel lacks one).
#[cfg(feature = "testing")]
static GENERIC_HMAC_FOR_TESTS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Test builds only (feature `testing`): makes every HMAC (one-shot, stream, HKDF, PBKDF2) take
/// the generic path over hash streams (`true`), or the chaining-value path again (`false`).
#[cfg(feature = "testing")]
pub fn generic_hmac_for_tests(on: bool) {
    GENERIC_HMAC_FOR_TESTS.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// HMAC-SHA256/384/512 on chaining values, through the dispatched SHA-2 kernel's compression
/// entry: no buffering layer, no hash-state blobs, nothing on the heap. For one-shot MACs, HKDF
/// and PBKDF2; `hmac_stream::CvStream` is the streaming form.
pub(crate) enum CvHmac {
    Sha256(HmacSha256),
    Sha512(HmacSha512),
}

impl CvHmac {
    /// The keyed MAC and the hash kernel it runs on; `None` for other MACs and where the active
    /// kernel has no compression entry (then the generic HMAC is used).
    #[inline(always)]
    pub(crate) fn new(alg: Alg, key: &[u8]) -> Result<Option<(CvHmac, &'static dispatch::KernelDesc)>> {
        use crate::kernels::sha512::{H384, H512};
        #[cfg(feature = "testing")]
        if GENERIC_HMAC_FOR_TESTS.load(std::sync::atomic::Ordering::Relaxed) {
            return Ok(None);
        }
        Ok(match alg {
            Alg::HmacSha256 => {
                let k = kernel_for(Alg::Sha256)?;
                HmacSha256::new(&k, key).map(|f| (CvHmac::Sha256(f), k.desc))
            }
            Alg::HmacSha384 | Alg::HmacSha512 => {
                let (h, iv, len) = if alg == Alg::HmacSha384 { (Alg::Sha384, &H384, 48) } else { (Alg::Sha512, &H512, 64) };
                let k = kernel_for(h)?;
                HmacSha512::new(&k, iv, len, key).map(|f| (CvHmac::Sha512(f), k.desc))
            }
            _ => None,
        })
    }

    /// HMAC of the concatenation of `parts` into `out`, which is the tag length.
    #[inline(always)]
    pub(crate) fn mac(&self, parts: &[&[u8]], out: &mut [u8]) {
        match self {
            CvHmac::Sha256(f) => match <&mut [u8; 32]>::try_from(&mut *out) {
                Ok(o) => f.mac(parts, o),
                Err(_) => {
                    let mut t = Wiped::<32>::new();
                    f.mac(parts, &mut t);
                    out.copy_from_slice(&t[..out.len()]);
                }
            },
            CvHmac::Sha512(f) => f.mac(parts, out),
        }
    }

    /// PBKDF2's F(P, S, c, i) into `out`, which is the tag length.
    pub(crate) fn pbkdf2_block(&self, salt: &[u8], index: u32, iterations: u32, out: &mut [u8]) {
        match self {
            CvHmac::Sha256(f) => {
                let mut t = Wiped::<32>::new();
                f.pbkdf2_block(salt, index, iterations, &mut t);
                out.copy_from_slice(&t[..out.len()]);
            }
            CvHmac::Sha512(f) => f.pbkdf2_block(salt, index, iterations, out),
        }
    }
}

/// HMAC without any heap allocation (pads and hash states on the stack, wiped afterwards).
/// Returns the hash kernel it ran on.
fn hmac_stack(h: Alg, key: &[u8], data: &[u8], out: &mut [u8]) -> Result<&'static crate::dispatch::KernelDesc> {
    let kernel = kernel_for(h)?;
    let bl = block_len(h);
    // One stack blob for the three hashes, each wiped when it finishes.
    let mut blob = MaybeUninit::uninit();
    let mut k = Wiped::<128>::new();
    if key.len() > bl {
        let mut s = StackHasher::new(&mut blob, kernel);
        s.update(key);
        s.finish(&mut k[..out.len()]);
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut pad = Wiped::<128>::new();
    pad[..bl].iter_mut().zip(&k[..bl]).for_each(|(p, k)| *p = k ^ 0x36);
    let mut inner = StackHasher::new(&mut blob, kernel);
    inner.update(&pad[..bl]);
    inner.update(data);
    let mut d = Wiped::<64>::new();
    inner.finish(&mut d[..out.len()]);
    pad[..bl].iter_mut().zip(&k[..bl]).for_each(|(p, k)| *p = k ^ 0x5c);
    let mut outer = StackHasher::new(&mut blob, kernel);
    outer.update(&pad[..bl]);
    outer.update(&d[..out.len()]);
    outer.finish(out);
    Ok(kernel.desc)
}

/// One-shot MAC.
pub fn mac(alg: Alg, key: &[u8], data: &[u8]) -> Result<Vec<u8>> {
    metrics::metered(OpKind::Mac, alg, data.len(), |ran| {
        check_policy(alg, key)?;
        let mut t = vec![0u8; tag_len(alg)?];
        mac_core(alg, key, data, &mut t, ran)?;
        Ok(t)
    })
}

/// One-shot constant-time verification of a full-length tag.
pub fn verify(alg: Alg, key: &[u8], data: &[u8], tag: &[u8]) -> Result<()> {
    metrics::metered(OpKind::MacVerify, alg, data.len(), |ran| {
        check_policy(alg, key)?;
        let mut m = Mac::new_internal(alg, key)?;
        m.update(data);
        *ran = Some(m.desc());
        m.verify_full_unmetered(tag)
    })
}

/// One-shot constant-time verification of a truncated HMAC tag (16 ≤ len ≤ full).
pub fn verify_truncated(alg: Alg, key: &[u8], data: &[u8], tag: &[u8]) -> Result<()> {
    metrics::metered(OpKind::MacVerify, alg, data.len(), |ran| {
        check_policy(alg, key)?;
        let mut m = Mac::new_internal(alg, key)?;
        m.update(data);
        *ran = Some(m.desc());
        m.verify_truncated_unmetered(tag)
    })
}
