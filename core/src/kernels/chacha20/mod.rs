//! ChaCha20-Poly1305 (RFC 8439 §2.8) and XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03): our AEAD
//! construction, generic over the ChaCha20 implementation:
//! - `portable`: our scalar ChaCha20 (`portable.rs`);
//! - `simd`: the `chacha20` crate (AVX2 on x86-64 / NEON on aarch64, its own run-time detection);
//! - `avx512`: our AVX-512F ChaCha20, 16 blocks per iteration (`x86_avx512.rs`);
//! - `avx512-ifma`: the same ChaCha20 with the AVX-512 IFMA Poly1305 for inputs of 640 bytes and
//!   more (`poly1305/x86_ifma.rs`, eight blocks per step).
//!
//! The AVX-512 kernels seal a message of up to 960 bytes (15 blocks) from one keystream pass of 4,
//! 8 or 16 blocks that also yields block 0 (the Poly1305 key), written from registers straight
//! into the message; open uses the same pass through a wiped buffer (the tag is checked first).
//! Out of place (input ≠ output), every kernel reads the input and writes the output in one pass
//! (`ChaCha::apply_from`), except that messages of up to 960 bytes are copied first (in L1) and
//! then take the in-place one-pass paths.
//!
//! Poly1305 is our scalar one (`poly1305/scalar.rs`; the `avx512-ifma` kernels add its IFMA path
//! from 640 bytes): the scalar code measured faster than the `poly1305` crate at every size on
//! AVX-512 hardware (64 B: 5.4×, 1 KiB: 2.5×, 16 KiB: 1.2× for the whole AEAD; see
//! BENCHMARKS.md) because it has no key-power precomputation and inlines. The tag is verified in constant time before decryption.

pub mod portable;
#[cfg(target_arch = "x86_64")]
pub mod x86_avx512;

use crate::dispatch::abi::{slice, slice_mut, AeadKernel, AeadSchedule, KernelDesc, AEAD_SCHED_BYTES};
use chacha20::cipher::{KeyIvInit, StreamCipher};
use subtle::ConstantTimeEq;

/// A ChaCha20 keystream positioned at block 0 (IETF variant: 32-bit counter, 96-bit nonce).
trait ChaCha: Sized {
    fn new(key: &[u8; 32], nonce: &[u8; 12]) -> Self;
    /// The first `out.len() / 64` keystream blocks (block 0 gives the Poly1305 key) in one vector
    /// pass, XORed into `out` (zeros: so it receives the keystream), for messages of at most
    /// [`MEDIUM_MAX`] bytes. `false`: no such path here, and `out` is untouched.
    fn first_blocks(_key: &[u8; 32], _nonce: &[u8; 12], _out: &mut [u8]) -> bool {
        false
    }
    /// Seal's one-pass form of [`Self::first_blocks`]: XORs blocks 1.. into `buf` (at most
    /// [`MEDIUM_MAX`] bytes) and writes the Poly1305 key to `otk`. `false`: not here, untouched.
    fn xor_message_from_block1(_key: &[u8; 32], _nonce: &[u8; 12], _buf: &mut [u8], _otk: &mut [u8; 32]) -> bool {
        false
    }
    /// XORs the keystream into `buf`, continuing where the previous call stopped (whole blocks:
    /// callers only ever ask for one 64-byte block before the message).
    fn apply(&mut self, buf: &mut [u8]);
    fn hchacha(key: &[u8; 32], nonce16: &[u8; 16]) -> [u8; 32];
    /// Whether the tag may use the AVX-512 IFMA Poly1305 (only kernels requiring IFMA say yes).
    const IFMA_POLY: bool = false;
    /// [`Self::apply`] reading the data from `input` (`None`: `buf` itself, in place) and
    /// writing the result to `buf`; `input` has `buf`'s length and does not overlap it.
    fn apply_from(&mut self, input: Option<&[u8]>, buf: &mut [u8]);
    /// Seal after `start`: encrypts `input` (`None`: `buf` in place) into `buf` and returns the
    /// tag over (aad, ciphertext).
    fn seal_from(&mut self, otk: &crate::secure::ct::Wiped<64>, aad: &[u8], input: Option<&[u8]>, buf: &mut [u8]) -> [u8; 16] {
        self.apply_from(input, buf);
        tag::<Self>(otk_of(&otk[..]), aad, buf)
    }
}

/// Messages up to these sizes take a one-pass path where the kernel has it: blocks 0–3 (the
/// message in blocks 1–3), or blocks 0–15.
const SHORT_MAX: usize = 3 * 64;
const MEDIUM_MAX: usize = 15 * 64;

/// The Poly1305 key: the first 32 bytes of keystream block 0.
fn otk_of(block0: &[u8]) -> &[u8; 32] {
    block0[..32].try_into().expect("a keystream block has 64 bytes")
}

struct Portable {
    key: [u8; 32],
    nonce: [u8; 12],
    counter: u32,
}
impl ChaCha for Portable {
    fn new(key: &[u8; 32], nonce: &[u8; 12]) -> Self {
        Portable { key: *key, nonce: *nonce, counter: 0 }
    }
    fn apply(&mut self, buf: &mut [u8]) {
        self.apply_from(None, buf)
    }
    fn apply_from(&mut self, input: Option<&[u8]>, buf: &mut [u8]) {
        match input {
            None => portable::xor_keystream_in_place(&self.key, &self.nonce, self.counter, buf),
            Some(input) => portable::xor_keystream(&self.key, &self.nonce, self.counter, input, buf),
        }
        self.counter = self.counter.wrapping_add(buf.len().div_ceil(64) as u32);
    }
    fn hchacha(key: &[u8; 32], nonce16: &[u8; 16]) -> [u8; 32] {
        portable::hchacha20(key, nonce16)
    }
}
impl Drop for Portable {
    fn drop(&mut self) {
        crate::secure::ct::secure_zero(&mut self.key);
    }
}

/// Our AVX-512F keystream (selected only when the CPU has AVX-512F): one or two blocks (block 0 of
/// a long message) on the scalar code, anything longer in vector passes; messages of up to 960
/// bytes take the one-pass paths (`first_blocks`, `xor_message_from_block1`).
#[cfg(target_arch = "x86_64")]
struct Avx512 {
    p: Portable,
}
#[cfg(target_arch = "x86_64")]
impl ChaCha for Avx512 {
    fn new(key: &[u8; 32], nonce: &[u8; 12]) -> Self {
        Avx512 { p: Portable::new(key, nonce) }
    }
    fn first_blocks(key: &[u8; 32], nonce: &[u8; 12], out: &mut [u8]) -> bool {
        // SAFETY: this kernel is selected only on CPUs with AVX-512F (descriptor requirement).
        unsafe { x86_avx512::xor_keystream_in_place(key, nonce, 0, out) };
        true
    }
    fn xor_message_from_block1(key: &[u8; 32], nonce: &[u8; 12], buf: &mut [u8], otk: &mut [u8; 32]) -> bool {
        // SAFETY: AVX-512F as above; callers pass at most MEDIUM_MAX bytes.
        unsafe { x86_avx512::xor_message_from_block1(key, nonce, buf, otk) };
        true
    }
    fn apply(&mut self, buf: &mut [u8]) {
        self.apply_from(None, buf)
    }
    /// Reads `input` and writes `buf` in the same pass (no copy first): an out-of-place seal
    /// costs what an in-place one does.
    fn apply_from(&mut self, input: Option<&[u8]>, buf: &mut [u8]) {
        let p = &mut self.p;
        // One or two blocks (block 0 of a long message, a stitched seal's tail): the scalar code
        // computes just those.
        if buf.len() <= 128 {
            return p.apply_from(input, buf);
        }
        debug_assert!(input.is_none_or(|i| i.len() == buf.len()));
        // SAFETY: this kernel is selected only on CPUs with AVX-512F (descriptor requirement);
        // `input`, if given, is a slice of `buf.len()` bytes that does not overlap `buf`.
        unsafe { x86_avx512::xor_keystream(&p.key, &p.nonce, p.counter, input.map(<[u8]>::as_ptr), buf) };
        p.counter = p.counter.wrapping_add(buf.len().div_ceil(64) as u32);
    }
    fn hchacha(key: &[u8; 32], nonce16: &[u8; 16]) -> [u8; 32] {
        portable::hchacha20(key, nonce16)
    }
}

/// The AVX-512F keystream with the AVX-512 IFMA Poly1305 (selected only when the CPU has both).
#[cfg(target_arch = "x86_64")]
struct Avx512Ifma(Avx512);
#[cfg(target_arch = "x86_64")]
impl ChaCha for Avx512Ifma {
    const IFMA_POLY: bool = true;
    fn new(key: &[u8; 32], nonce: &[u8; 12]) -> Self {
        Avx512Ifma(Avx512::new(key, nonce))
    }
    fn first_blocks(key: &[u8; 32], nonce: &[u8; 12], out: &mut [u8]) -> bool {
        Avx512::first_blocks(key, nonce, out)
    }
    fn xor_message_from_block1(key: &[u8; 32], nonce: &[u8; 12], buf: &mut [u8], otk: &mut [u8; 32]) -> bool {
        Avx512::xor_message_from_block1(key, nonce, buf, otk)
    }
    fn apply(&mut self, buf: &mut [u8]) {
        self.0.apply(buf)
    }
    fn apply_from(&mut self, input: Option<&[u8]>, buf: &mut [u8]) {
        self.0.apply_from(input, buf)
    }
    fn hchacha(key: &[u8; 32], nonce16: &[u8; 16]) -> [u8; 32] {
        Avx512::hchacha(key, nonce16)
    }
    /// From 2 KiB, ChaCha20 and Poly1305 run stitched (`x86_avx512::xor_keystream_and_mac`).
    fn seal_from(&mut self, otk: &crate::secure::ct::Wiped<64>, aad: &[u8], input: Option<&[u8]>, buf: &mut [u8]) -> [u8; 16] {
        if buf.len() < 2048 {
            self.0.apply_from(input, buf);
            return tag::<Self>(otk_of(&otk[..]), aad, buf);
        }
        let key: &[u8; 32] = otk[..32].try_into().expect("32 bytes");
        let mut mac = crate::kernels::poly1305::scalar::Poly1305::new(key);
        let p = &mut self.0.p;
        // SAFETY: this kernel is selected only on CPUs with AVX-512F and IFMA (all four calls);
        // `input`, if given, is a slice of `buf.len()` bytes that does not overlap `buf`.
        let done = unsafe {
            mac.update_padded_ifma(aad);
            let mut stream = mac.ifma_stream();
            let done = x86_avx512::xor_keystream_and_mac(&p.key, &p.nonce, p.counter, input.map(<[u8]>::as_ptr), buf, &mut stream);
            mac.resume_from(stream);
            done
        };
        p.counter = p.counter.wrapping_add((done / 64) as u32);
        let rest = &mut buf[done..];
        self.0.apply_from(input.map(|i| &i[done..]), rest);
        // SAFETY: as above.
        unsafe { mac.update_padded_ifma(rest) };
        mac.update_lengths(aad.len() as u64, buf.len() as u64);
        mac.finalize()
    }
}

struct Simd(chacha20::ChaCha20);
impl ChaCha for Simd {
    fn new(key: &[u8; 32], nonce: &[u8; 12]) -> Self {
        Simd(chacha20::ChaCha20::new(key.into(), nonce.into()))
    }
    fn apply(&mut self, buf: &mut [u8]) {
        self.0.apply_keystream(buf);
    }
    fn apply_from(&mut self, input: Option<&[u8]>, buf: &mut [u8]) {
        match input {
            None => self.0.apply_keystream(buf),
            Some(input) => self.0.apply_keystream_b2b(input, buf),
        }
    }
    fn hchacha(key: &[u8; 32], nonce16: &[u8; 16]) -> [u8; 32] {
        chacha20::hchacha::<chacha20::R20>(key.into(), nonce16.into()).into()
    }
}

/// Largest message: the 32-bit block counter starts at 1 (RFC 8439 §2.8), so 2^32-1 blocks.
pub const MAX_MESSAGE: u64 = ((1u64 << 32) - 1) * 64;

#[repr(C)]
struct Sched {
    key: [u8; 32],
}

const fn fits<T>() -> usize {
    assert!(std::mem::size_of::<T>() <= AEAD_SCHED_BYTES);
    std::mem::size_of::<T>()
}

/// Resolves the (key, 12-byte nonce) actually used: XChaCha derives a subkey with HChaCha20 from
/// the first 16 nonce bytes and uses 0x00000000 ‖ the last 8 nonce bytes.
fn subkey<C: ChaCha>(key: &[u8; 32], nonce: &[u8]) -> ([u8; 32], [u8; 12]) {
    let mut n12 = [0u8; 12];
    if nonce.len() == 24 {
        let sk = C::hchacha(key, nonce[..16].try_into().expect("24-byte nonce"));
        n12[4..].copy_from_slice(&nonce[16..]);
        (sk, n12)
    } else {
        n12.copy_from_slice(nonce);
        (*key, n12)
    }
}

/// Starts the keystream and returns (cipher positioned at block 1, the Poly1305 one-time key from
/// block 0).
fn start<C: ChaCha>(key: &[u8; 32], nonce: &[u8; 12]) -> (C, crate::secure::ct::Wiped<64>) {
    let mut c = C::new(key, nonce);
    let mut block0 = crate::secure::ct::Wiped::<64>::new();
    c.apply(&mut block0[..]);
    (c, block0)
}

fn tag<C: ChaCha>(otk: &[u8; 32], aad: &[u8], ct: &[u8]) -> [u8; 16] {
    let mut mac = crate::kernels::poly1305::scalar::Poly1305::new(otk);
    #[cfg(target_arch = "x86_64")]
    if C::IFMA_POLY {
        // SAFETY: only kernels whose descriptor requires AVX-512F and IFMA set IFMA_POLY.
        unsafe {
            mac.update_padded_ifma(aad);
            mac.update_padded_ifma(ct);
        }
    } else {
        mac.update_padded(aad);
        mac.update_padded(ct);
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        mac.update_padded(aad);
        mac.update_padded(ct);
    }
    mac.update_lengths(aad.len() as u64, ct.len() as u64);
    mac.finalize()
}

unsafe extern "C" fn setup(sched: *mut AeadSchedule, key: *const u8, key_len: usize) -> i32 {
    // SAFETY: `key` valid for `key_len` bytes (caller contract).
    let Ok(key) = <[u8; 32]>::try_from(unsafe { slice(key, key_len) }) else { return 1 };
    // SAFETY: `sched` is a valid blob; `fits::<Sched>()` checked the size.
    unsafe { sched.cast::<Sched>().write(Sched { key }) };
    0
}

unsafe extern "C" fn seal<C: ChaCha>(
    sched: *const AeadSchedule,
    nonce: *const u8,
    nonce_len: usize,
    aad: *const u8,
    aad_len: usize,
    input: *const u8,
    output: *mut u8,
    len: usize,
    tag_out: *mut u8,
) {
    // SAFETY: `sched` holds a Sched from `setup`; pointers valid for their lengths; `input` and
    // `output` are equal or disjoint.
    let (s, nonce, aad) = unsafe { (&*sched.cast::<Sched>(), slice(nonce, nonce_len), slice(aad, aad_len)) };
    // SAFETY: `input` is valid for `len` bytes and, when it is not `output` itself, disjoint
    // from it (kernel ABI), so this shared slice can live beside the output's mutable one.
    let mut input = (len > 0 && !std::ptr::eq(input, output)).then(|| unsafe { slice(input, len) });
    // SAFETY: `output` valid for `len` writable bytes.
    let buf = unsafe { slice_mut(output, len) };
    if len <= MEDIUM_MAX {
        // Short messages: one copy in L1, then the in-place one-pass paths.
        if let Some(i) = input.take() {
            buf.copy_from_slice(i);
        }
    }
    let (mut k, n12) = subkey::<C>(&s.key, nonce);
    let mut otk = crate::secure::ct::Wiped::<32>::new();
    let t = if len <= MEDIUM_MAX && C::xor_message_from_block1(&k, &n12, buf, &mut otk) {
        crate::secure::ct::secure_zero(&mut k);
        tag::<C>(&otk, aad, buf)
    } else {
        let (mut c, block0) = start::<C>(&k, &n12);
        crate::secure::ct::secure_zero(&mut k);
        c.seal_from(&block0, aad, input, buf)
    };
    // SAFETY: `tag_out` valid for 16 bytes.
    unsafe { slice_mut(tag_out, 16) }.copy_from_slice(&t);
}

/// A message's keystream: blocks 0–3 or 0–15 from one pass when the message fits and the kernel
/// can (`first_blocks`), else a cipher positioned at block 1 plus block 0.
#[allow(clippy::large_enum_variant)] // one per call, on the stack: boxing would allocate per message
enum Keystream<C> {
    Short(crate::secure::ct::Wiped<256>),
    Medium(crate::secure::ct::Wiped<1024>),
    Long(C, crate::secure::ct::Wiped<64>),
}

impl<C: ChaCha> Keystream<C> {
    fn new(key: &[u8; 32], nonce: &[u8; 12], len: usize) -> Self {
        if len <= SHORT_MAX {
            let mut ks = crate::secure::ct::Wiped::<256>::new();
            if C::first_blocks(key, nonce, &mut ks[..]) {
                return Keystream::Short(ks);
            }
        } else if len <= MEDIUM_MAX {
            let mut ks = crate::secure::ct::Wiped::<1024>::new();
            let n = if len <= 7 * 64 { 512 } else { 1024 };
            if C::first_blocks(key, nonce, &mut ks[..n]) {
                return Keystream::Medium(ks);
            }
        }
        let (c, otk) = start::<C>(key, nonce);
        Keystream::Long(c, otk)
    }
    fn blocks(&self) -> Option<&[u8]> {
        match self {
            Keystream::Short(ks) => Some(&ks[..]),
            Keystream::Medium(ks) => Some(&ks[..]),
            Keystream::Long(..) => None,
        }
    }
    /// The Poly1305 one-time key.
    fn otk(&self) -> &[u8; 32] {
        match self {
            Keystream::Short(ks) => otk_of(&ks[..]),
            Keystream::Medium(ks) => otk_of(&ks[..]),
            Keystream::Long(_, b0) => otk_of(&b0[..]),
        }
    }
    /// Writes `input` (`None`: `buf` in place) XOR the message keystream (from block 1) to `buf`.
    fn apply_from(&mut self, input: Option<&[u8]>, buf: &mut [u8]) {
        if let Some(ks) = self.blocks() {
            if let Some(i) = input {
                buf.copy_from_slice(i);
            }
            buf.iter_mut().zip(&ks[64..]).for_each(|(b, k)| *b ^= k);
        } else if let Keystream::Long(c, _) = self {
            c.apply_from(input, buf);
        }
    }
}

unsafe extern "C" fn open<C: ChaCha>(
    sched: *const AeadSchedule,
    nonce: *const u8,
    nonce_len: usize,
    aad: *const u8,
    aad_len: usize,
    ct: *const u8,
    output: *mut u8,
    len: usize,
    tag_in: *const u8,
) -> i32 {
    // SAFETY: as in `seal`; `ct` is fully read before `output` is written.
    let (s, nonce, aad, ct_s, tag_in) =
        unsafe { (&*sched.cast::<Sched>(), slice(nonce, nonce_len), slice(aad, aad_len), slice(ct, len), slice(tag_in, 16)) };
    let (mut k, n12) = subkey::<C>(&s.key, nonce);
    let mut ks = Keystream::<C>::new(&k, &n12, len);
    crate::secure::ct::secure_zero(&mut k);
    let expected = tag::<C>(ks.otk(), aad, ct_s);
    if !bool::from(expected.ct_eq(tag_in)) {
        return 1;
    }
    // `ct` is disjoint from `output` unless it is `output` itself (kernel ABI): then the
    // ciphertext is decrypted in place and `ct_s` is not used again.
    let input = (len > 0 && !std::ptr::eq(ct, output)).then_some(ct_s);
    // SAFETY: `output` valid for `len` writable bytes.
    ks.apply_from(input, unsafe { slice_mut(output, len) });
    0
}

const SIMD_REQUIRES: u64 = if cfg!(target_arch = "x86_64") {
    crate::cpu::bits::AVX2
} else if cfg!(target_arch = "aarch64") {
    crate::cpu::bits::NEON
} else {
    0
};

static P: KernelDesc = KernelDesc { name: c"chacha20-poly1305/portable".as_ptr(), requires: 0, constant_time: true, priority: 0 };
static S: KernelDesc = KernelDesc { name: c"chacha20-poly1305/simd".as_ptr(), requires: SIMD_REQUIRES, constant_time: true, priority: 10 };
static XP: KernelDesc = KernelDesc { name: c"xchacha20-poly1305/portable".as_ptr(), requires: 0, constant_time: true, priority: 0 };
static XS: KernelDesc = KernelDesc { name: c"xchacha20-poly1305/simd".as_ptr(), requires: SIMD_REQUIRES, constant_time: true, priority: 10 };

const fn kernel<C: ChaCha>(desc: &'static KernelDesc) -> AeadKernel {
    AeadKernel { desc, sched_size: fits::<Sched>(), setup, seal: seal::<C>, open: open::<C> }
}

#[cfg(target_arch = "x86_64")]
static A: KernelDesc = KernelDesc { name: c"chacha20-poly1305/avx512".as_ptr(), requires: crate::cpu::bits::AVX512F, constant_time: true, priority: 20 };
#[cfg(target_arch = "x86_64")]
static XA: KernelDesc = KernelDesc { name: c"xchacha20-poly1305/avx512".as_ptr(), requires: crate::cpu::bits::AVX512F, constant_time: true, priority: 20 };

#[cfg(target_arch = "x86_64")]
const IFMA_REQUIRES: u64 = crate::cpu::bits::AVX512F | crate::cpu::bits::AVX512IFMA;
#[cfg(target_arch = "x86_64")]
static AI: KernelDesc = KernelDesc { name: c"chacha20-poly1305/avx512-ifma".as_ptr(), requires: IFMA_REQUIRES, constant_time: true, priority: 25 };
#[cfg(target_arch = "x86_64")]
static XAI: KernelDesc = KernelDesc { name: c"xchacha20-poly1305/avx512-ifma".as_ptr(), requires: IFMA_REQUIRES, constant_time: true, priority: 25 };

#[cfg(target_arch = "x86_64")]
pub static CHACHA20_POLY1305: [AeadKernel; 4] =
    [kernel::<Portable>(&P), kernel::<Simd>(&S), kernel::<Avx512>(&A), kernel::<Avx512Ifma>(&AI)];
#[cfg(target_arch = "x86_64")]
pub static XCHACHA20_POLY1305: [AeadKernel; 4] =
    [kernel::<Portable>(&XP), kernel::<Simd>(&XS), kernel::<Avx512>(&XA), kernel::<Avx512Ifma>(&XAI)];
#[cfg(not(target_arch = "x86_64"))]
pub static CHACHA20_POLY1305: [AeadKernel; 2] = [kernel::<Portable>(&P), kernel::<Simd>(&S)];
#[cfg(not(target_arch = "x86_64"))]
pub static XCHACHA20_POLY1305: [AeadKernel; 2] = [kernel::<Portable>(&XP), kernel::<Simd>(&XS)];
