//! AES-GCM (NIST SP 800-38D, 96-bit nonces, 128-bit tags), AES-128 and AES-256.
//!
//! - `composed`: our GCM construction over the `aes` block cipher and the `ghash` universal hash
//!   (both crates pick AES-NI/VAES/PCLMULQDQ themselves where present, bitsliced software otherwise).
//! - `aesni-clmul`: our fused x86-64 kernel (AES-NI + PCLMULQDQ, 8 blocks per iteration,
//!   aggregated GHASH reduction), in `x86_aesni.rs`.
//! - `vaes512-clmul`: the same design on 512-bit registers (VAES + VPCLMULQDQ, AVX-512F/BW,
//!   16 blocks per iteration, one reduction per 16 blocks), in `x86_vaes512.rs`.
//! - `vaes256-clmul`: the same on 256-bit registers for CPUs with VAES but without AVX-512
//!   (`x86_vaes256.rs`).
//!
//! Both verify the tag in constant time before any plaintext is written.

#[cfg(target_arch = "x86_64")]
pub mod x86_aesni;
#[cfg(target_arch = "x86_64")]
mod x86_wide;
#[cfg(target_arch = "x86_64")]
pub mod x86_vaes256;
#[cfg(target_arch = "x86_64")]
pub mod x86_vaes512;

use crate::dispatch::abi::{slice, slice_mut, AeadKernel, AeadSchedule, KernelDesc, AEAD_SCHED_BYTES};
use aes::cipher::{BlockCipherEncrypt, KeyInit};
use ghash::universal_hash::UniversalHash;
use ghash::GHash;
use subtle::ConstantTimeEq;

/// Compile-time proof that `T` fits the schedule blob.
const fn fits<T>() -> usize {
    assert!(std::mem::size_of::<T>() <= AEAD_SCHED_BYTES, "AEAD schedule too large");
    assert!(std::mem::align_of::<T>() <= 64, "AEAD schedule over-aligned");
    std::mem::size_of::<T>()
}

/// Prepares the in/out buffer: the ABI allows `output == input` (in place) or disjoint buffers.
///
/// # Safety
/// `input` valid for reads and `output` for writes of `len` bytes; equal or non-overlapping.
unsafe fn in_place<'a>(input: *const u8, output: *mut u8, len: usize) -> &'a mut [u8] {
    if len > 0 && !std::ptr::eq(input, output) {
        // SAFETY: disjoint buffers of `len` bytes each (caller contract).
        unsafe { std::ptr::copy_nonoverlapping(input, output, len) }
    }
    // SAFETY: `output` is valid for `len` writable bytes (caller contract).
    unsafe { slice_mut(output, len) }
}

enum Cipher {
    A128(aes::Aes128),
    A256(aes::Aes256),
}

impl Cipher {
    fn encrypt_blocks(&self, blocks: &mut [aes::Block]) {
        match self {
            Cipher::A128(c) => c.encrypt_blocks(blocks),
            Cipher::A256(c) => c.encrypt_blocks(blocks),
        }
    }
}

struct Composed {
    cipher: Cipher,
    ghash: GHash,
}

impl Composed {
    fn j0(nonce: &[u8]) -> [u8; 16] {
        let mut j0 = [0u8; 16];
        j0[..12].copy_from_slice(nonce);
        j0[15] = 1;
        j0
    }

    /// CTR keystream XOR from inc32(J0), batched so the block cipher can pipeline.
    fn ctr(&self, j0: &[u8; 16], buf: &mut [u8]) {
        const BATCH: usize = 16;
        let mut ctr = u32::from_be_bytes([j0[12], j0[13], j0[14], j0[15]]);
        let mut ks = [aes::Block::default(); BATCH];
        for chunk in buf.chunks_mut(16 * BATCH) {
            let nblocks = chunk.len().div_ceil(16);
            for b in ks.iter_mut().take(nblocks) {
                ctr = ctr.wrapping_add(1);
                b[..12].copy_from_slice(&j0[..12]);
                b[12..].copy_from_slice(&ctr.to_be_bytes());
            }
            self.cipher.encrypt_blocks(&mut ks[..nblocks]);
            for (c, k) in chunk.chunks_mut(16).zip(ks.iter()) {
                if c.len() == 16 {
                    let x = u128::from_ne_bytes(c[..].try_into().expect("16")) ^ u128::from_ne_bytes((*k).into());
                    c.copy_from_slice(&x.to_ne_bytes());
                } else {
                    c.iter_mut().zip(k.iter()).for_each(|(c, k)| *c ^= k);
                }
            }
        }
    }

    fn tag(&self, j0: &[u8; 16], aad: &[u8], ct: &[u8]) -> [u8; 16] {
        let mut g = self.ghash.clone();
        g.update_padded(aad);
        g.update_padded(ct);
        let mut lens = [0u8; 16];
        lens[..8].copy_from_slice(&((aad.len() as u64) * 8).to_be_bytes());
        lens[8..].copy_from_slice(&((ct.len() as u64) * 8).to_be_bytes());
        g.update(&[lens.into()]);
        let s = g.finalize();
        let mut e = [aes::Block::from(*j0)];
        self.cipher.encrypt_blocks(&mut e);
        let mut t = [0u8; 16];
        for i in 0..16 {
            t[i] = s[i] ^ e[0][i];
        }
        t
    }
}

unsafe extern "C" fn composed_setup(sched: *mut AeadSchedule, key: *const u8, key_len: usize) -> i32 {
    // SAFETY: `key` valid for `key_len` bytes (caller contract).
    let key = unsafe { slice(key, key_len) };
    let cipher = match key.len() {
        16 => Cipher::A128(aes::Aes128::new(key.try_into().expect("16"))),
        32 => Cipher::A256(aes::Aes256::new(key.try_into().expect("32"))),
        _ => return 1,
    };
    let mut h = [aes::Block::default()];
    cipher.encrypt_blocks(&mut h);
    let ghash = GHash::new(&h[0]);
    // SAFETY: `sched` is a valid schedule blob; `fits::<Composed>()` checked size and alignment.
    unsafe { sched.cast::<Composed>().write(Composed { cipher, ghash }) };
    0
}

unsafe extern "C" fn composed_seal(
    sched: *const AeadSchedule,
    nonce: *const u8,
    nonce_len: usize,
    aad: *const u8,
    aad_len: usize,
    input: *const u8,
    output: *mut u8,
    len: usize,
    tag: *mut u8,
) {
    // SAFETY: `sched` holds a Composed from `composed_setup`; pointers valid for their lengths.
    let (k, nonce, aad, buf) = unsafe {
        (&*sched.cast::<Composed>(), slice(nonce, nonce_len), slice(aad, aad_len), in_place(input, output, len))
    };
    let j0 = Composed::j0(nonce);
    k.ctr(&j0, buf);
    let t = k.tag(&j0, aad, buf);
    // SAFETY: `tag` is valid for 16 bytes (caller contract).
    unsafe { slice_mut(tag, 16) }.copy_from_slice(&t);
}

unsafe extern "C" fn composed_open(
    sched: *const AeadSchedule,
    nonce: *const u8,
    nonce_len: usize,
    aad: *const u8,
    aad_len: usize,
    ct: *const u8,
    output: *mut u8,
    len: usize,
    tag: *const u8,
) -> i32 {
    // SAFETY: as in `composed_seal`; `ct` is only read here, before any write to `output`.
    let (k, nonce, aad, ct_s, tag) = unsafe {
        (&*sched.cast::<Composed>(), slice(nonce, nonce_len), slice(aad, aad_len), slice(ct, len), slice(tag, 16))
    };
    let j0 = Composed::j0(nonce);
    let expected = k.tag(&j0, aad, ct_s);
    if !bool::from(expected.ct_eq(tag)) {
        return 1;
    }
    // SAFETY: `ct`/`output` valid for `len` bytes, equal or disjoint (caller contract).
    let buf = unsafe { in_place(ct, output, len) };
    k.ctr(&j0, buf);
    0
}

static COMPOSED: KernelDesc = KernelDesc { name: c"aes-gcm/composed".as_ptr(), requires: 0, constant_time: true, priority: 0 };

/// Entry points of a fused x86-64 kernel over its `Key` type (same contract for every width):
/// `seal` writes ciphertext and tag; `open` computes the tag over the ciphertext, compares it in
/// constant time, and only then decrypts.
#[cfg(target_arch = "x86_64")]
macro_rules! fused_kernel {
    ($module:ident, $key:path, $name:literal, $requires:expr, $priority:expr) => {
        mod $module {
            use super::*;
            #[allow(unused_imports)]
            use crate::cpu::bits;
            use $key as Key;

            unsafe extern "C" fn setup(sched: *mut AeadSchedule, key: *const u8, key_len: usize) -> i32 {
                // SAFETY: `key` valid for `key_len` bytes; this kernel is only selected when the CPU
                // has the descriptor's features (checked by dispatch).
                match unsafe { Key::new(slice(key, key_len)) } {
                    Some(k) => {
                        // SAFETY: `sched` is a valid blob; `fits::<Key>()` checked size and alignment.
                        unsafe { sched.cast::<Key>().write(k) };
                        0
                    }
                    None => 1,
                }
            }

            pub(super) unsafe extern "C" fn seal(
                sched: *const AeadSchedule,
                nonce: *const u8,
                nonce_len: usize,
                aad: *const u8,
                aad_len: usize,
                input: *const u8,
                output: *mut u8,
                len: usize,
                tag: *mut u8,
            ) {
                // SAFETY: `sched` holds a Key from `setup`; pointers valid for their lengths; CPU
                // features guaranteed by selection.
                unsafe {
                    let k = &*sched.cast::<Key>();
                    let nonce: &[u8; 12] = slice(nonce, nonce_len).try_into().expect("nonce length validated by caller");
                    let t = if std::ptr::eq(input, output) {
                        k.seal_in_place(nonce, slice(aad, aad_len), slice_mut(output, len))
                    } else {
                        k.seal(nonce, slice(aad, aad_len), slice(input, len), slice_mut(output, len))
                    };
                    slice_mut(tag, 16).copy_from_slice(&t);
                }
            }

            pub(super) unsafe extern "C" fn open(
                sched: *const AeadSchedule,
                nonce: *const u8,
                nonce_len: usize,
                aad: *const u8,
                aad_len: usize,
                ct: *const u8,
                output: *mut u8,
                len: usize,
                tag: *const u8,
            ) -> i32 {
                // SAFETY: as in `seal`; `ct` is fully read for the tag before `output` is written.
                unsafe {
                    let k = &*sched.cast::<Key>();
                    let nonce: &[u8; 12] = slice(nonce, nonce_len).try_into().expect("nonce length validated by caller");
                    if let Some(rc) = k.open_short(nonce, slice(aad, aad_len), ct, output, len, slice(tag, 16)) {
                        return rc;
                    }
                    let expected = k.tag_of_ciphertext(nonce, slice(aad, aad_len), slice(ct, len));
                    if !bool::from(expected.ct_eq(slice(tag, 16))) {
                        return 1;
                    }
                    if std::ptr::eq(ct, output) {
                        k.ctr_xor_in_place(nonce, slice_mut(output, len));
                    } else {
                        k.ctr_xor(nonce, slice(ct, len), slice_mut(output, len));
                    }
                    0
                }
            }

            static DESC: KernelDesc = KernelDesc { name: $name.as_ptr(), requires: $requires, constant_time: true, priority: $priority };

            pub(super) const KERNEL: AeadKernel = AeadKernel { desc: &DESC, sched_size: fits::<Key>(), setup, seal, open };
        }
    };
}

#[cfg(target_arch = "x86_64")]
fused_kernel!(fused, x86_aesni::Key, c"aes-gcm/aesni-clmul", bits::AESNI | bits::PCLMULQDQ | bits::SSSE3 | bits::SSE41, 10);
#[cfg(target_arch = "x86_64")]
fused_kernel!(
    fused256,
    x86_vaes256::Key,
    c"aes-gcm/vaes256-clmul",
    bits::AESNI | bits::PCLMULQDQ | bits::SSSE3 | bits::SSE41 | bits::AVX2 | bits::VAES | bits::VPCLMULQDQ,
    15
);
#[cfg(target_arch = "x86_64")]
fused_kernel!(
    fused512,
    x86_vaes512::Key,
    c"aes-gcm/vaes512-clmul",
    bits::AESNI | bits::PCLMULQDQ | bits::SSSE3 | bits::SSE41 | bits::AVX512F | bits::AVX512BW | bits::VAES | bits::VPCLMULQDQ,
    20
);

const COMPOSED_KERNEL: AeadKernel = AeadKernel {
    desc: &COMPOSED,
    sched_size: fits::<Composed>(),
    setup: composed_setup,
    seal: composed_seal,
    open: composed_open,
};

#[cfg(target_arch = "x86_64")]
pub static CANDIDATES: [AeadKernel; 4] = [COMPOSED_KERNEL, fused::KERNEL, fused256::KERNEL, fused512::KERNEL];
#[cfg(not(target_arch = "x86_64"))]
pub static CANDIDATES: [AeadKernel; 1] = [COMPOSED_KERNEL];
