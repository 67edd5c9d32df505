//! The `blake3/avx512` kernel's stream: the first [`BUF`] bytes are only kept, and a stream that
//! ends within them is hashed at `finalize` by `x86_short` in one call; the update that passes
//! `BUF` moves the stream into the `blake3` crate's `Hasher`, which takes it from there.
//!
//! Why: at 64 B the crate's stream took 1.9× the time of its own stream used directly, because
//! its constructor builds the ~1.9 KiB state on the stack and copies it into ours (the copy's
//! loads stall on the stores just made), and its chunk code runs around the one compression.
//! A short stream here writes ~50 bytes at `init` and touches none of the crate's state.
//!
//! Derive-key streams start in the crate: its constructor takes the context string, and the
//! key derived from it cannot be handed to the crate later, when the stream would spill.
//! Output lengths other than 32 bytes spill at `finalize` (`x86_short` writes one 32-byte root
//! output); spilling is only a change of representation, so the stream can go on after it.

#![cfg(target_arch = "x86_64")]

use super::x86_short;
use super::Blake3;
use crate::dispatch::abi::{slice, slice_mut, HashState, HASH_MODE_DERIVE_KEY, HASH_MODE_KEYED};
use std::mem::MaybeUninit;

/// Longest stream hashed by `x86_short`. The one-shot cut-off measurements (`SHORT_CUTOFF`) put
/// our compression's lead over the crate's at 4.5% at 256 B and at none at 512 B.
pub(super) const BUF: usize = 256;

/// The state. Only the fields a stream has reached are initialized: `len`, `keyed`, `spilled`
/// always (first, before anything in `init` can fail); `cv0` in keyed mode; `full` once spilled.
///
/// The short stream's bytes are kept in `full`'s storage (its first `len` bytes) rather than
/// beside it: side by side, the state was over 2 KiB, where glibc's `memset` (the wipe) switches
/// to `rep stosb`. A short stream writes only the fields and those bytes: [`in_use`] tells the
/// wipe so (the whole state's wipe was ~20% of a 64-byte stream: its 30 stores drain before the
/// next stream's first load of its buffer can be served).
#[repr(C)]
pub(super) struct Stream {
    len: usize,
    keyed: bool,
    spilled: bool,
    /// The key (keyed mode), as `x86_short` takes it: the initial chaining value's bytes.
    cv0: MaybeUninit<[u8; 32]>,
    full: MaybeUninit<blake3::Hasher>,
}

/// How many leading bytes of the state `st` (set up by [`init`]) a wipe must cover: all of them
/// once spilled; otherwise the fields and the buffered bytes, the only ones written.
///
/// # Safety
/// `st` holds a `Stream` set up by `init`.
pub(super) unsafe fn in_use(st: *const HashState) -> usize {
    // SAFETY: `init` writes `len` and `spilled` first (caller contract).
    let s = unsafe { &*st.cast::<Stream>() };
    if s.spilled {
        size_of::<Stream>()
    } else {
        std::mem::offset_of!(Stream, full) + s.len
    }
}

const _: () = assert!(BUF <= x86_short::MAX_LEN && BUF <= size_of::<blake3::Hasher>());

impl Stream {
    /// The short stream's buffer: the first `BUF` bytes of `full`'s storage.
    fn buf(&mut self) -> *mut u8 {
        self.full.as_mut_ptr().cast::<u8>()
    }

    /// The short stream's absorbed bytes.
    fn absorbed(&self) -> &[u8] {
        debug_assert!(!self.spilled);
        // SAFETY: while short, the first `len <= BUF` bytes of `full`'s storage were written by
        // `update`.
        unsafe { std::slice::from_raw_parts(self.full.as_ptr().cast::<u8>(), self.len) }
    }

    /// Moves a short stream into the crate's `Hasher` (whose storage held the bytes: they are
    /// copied out first, and the copy wiped).
    #[cold]
    fn spill(&mut self) -> &mut blake3::Hasher {
        let mut kept = [0u8; BUF];
        let n = self.len;
        kept[..n].copy_from_slice(self.absorbed());
        self.spilled = true;
        // One write per arm, so that the constructor can build its state in place: a keyed
        // state built first in a temporary left the key words on the stack, unwiped.
        let full = if self.keyed {
            // SAFETY: keyed streams wrote `cv0` at `init`.
            let key = unsafe { self.cv0.assume_init_ref() };
            self.full.write(blake3::Hasher::new_keyed(key))
        } else {
            self.full.write(blake3::Hasher::new())
        };
        full.update(&kept[..n]);
        crate::secure::ct::secure_zero(&mut kept);
        full
    }

    fn full(&mut self) -> &mut blake3::Hasher {
        debug_assert!(self.spilled);
        // SAFETY: `spilled` is set only when `full` is written (`spill`, or derive-key `init`).
        unsafe { self.full.assume_init_mut() }
    }
}

pub(super) unsafe extern "C" fn init(st: *mut HashState, key: *const u8, key_len: usize, mode: u32) {
    // SAFETY: `key` is valid for `key_len` bytes (caller contract).
    let key = unsafe { slice(key, key_len) };
    let s = st.cast::<Stream>();
    // SAFETY: `st` is valid for a `Stream` (`fits::<Stream>()` checked size and alignment);
    // fields are written through raw pointers, as the blob's bytes are not a `Stream` yet.
    unsafe {
        (&raw mut (*s).len).write(0);
        (&raw mut (*s).keyed).write(mode == HASH_MODE_KEYED);
        (&raw mut (*s).spilled).write(mode == HASH_MODE_DERIVE_KEY);
        match mode {
            HASH_MODE_KEYED => (&raw mut (*s).cv0).write(MaybeUninit::new(key.try_into().expect("keyed BLAKE3 key length validated by caller"))),
            HASH_MODE_DERIVE_KEY => {
                (&raw mut (*s).full).write(MaybeUninit::new(blake3::Hasher::derive(std::str::from_utf8(key).expect("context validated as UTF-8 by caller"))));
            }
            _ => {}
        }
    }
}

pub(super) unsafe extern "C" fn update(st: *mut HashState, data: *const u8, len: usize) {
    // SAFETY: `st` holds a `Stream` set up by `init`; `data` is valid for `len` bytes.
    let (s, d) = unsafe { (&mut *st.cast::<Stream>(), slice(data, len)) };
    let full = if s.spilled {
        s.full()
    } else if d.len() <= BUF - s.len {
        // SAFETY: bytes `len..len + d.len() <= BUF` of the buffer; `d` is another object's memory.
        unsafe { std::ptr::copy_nonoverlapping(d.as_ptr(), s.buf().add(s.len), d.len()) };
        s.len += d.len();
        return;
    } else {
        s.spill()
    };
    full.absorb(d);
}

pub(super) unsafe extern "C" fn finalize(st: *mut HashState, out: *mut u8, out_len: usize) {
    // SAFETY: `st` holds a `Stream`; `out` is valid for `out_len` bytes.
    let (s, out) = unsafe { (&mut *st.cast::<Stream>(), slice_mut(out, out_len)) };
    let full = if s.spilled {
        s.full()
    } else if let Ok(o) = <&mut [u8; 32]>::try_from(&mut *out) {
        // SAFETY: this kernel's `requires` (checked before it can be selected) has the short
        // path's features; `len <= BUF <= x86_short::MAX_LEN`; keyed streams wrote `cv0` at
        // `init`.
        unsafe {
            if s.keyed {
                x86_short::keyed_hash(s.cv0.assume_init_ref(), s.absorbed(), o)
            } else {
                x86_short::hash(s.absorbed(), o)
            }
        }
        return;
    } else {
        s.spill()
    };
    full.squeeze(out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dispatch::abi::{HASH_MODE_PLAIN, HASH_STATE_BYTES};

    fn has_avx512() -> bool {
        std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx512vl") && std::is_x86_feature_detected!("avx512bw")
    }

    fn blob() -> Box<HashState> {
        Box::new(HashState([0xa5; HASH_STATE_BYTES]))
    }

    fn reference(mode: u32, key: &[u8], data: &[u8], out_len: usize) -> Vec<u8> {
        let mut h = match mode {
            HASH_MODE_KEYED => blake3::Hasher::new_keyed(key.try_into().unwrap()),
            HASH_MODE_DERIVE_KEY => blake3::Hasher::new_derive_key(std::str::from_utf8(key).unwrap()),
            _ => blake3::Hasher::new(),
        };
        h.update(data);
        let mut out = vec![0; out_len];
        h.finalize_xof().fill(&mut out);
        out
    }

    /// A stream wrote nothing past what [`in_use`] reports (the wipe covers only that much):
    /// the blob's fill byte is still there.
    fn untouched_past_in_use(st: &HashState) {
        // SAFETY: `st` holds a `Stream` set up by `init`.
        let n = unsafe { in_use(st) };
        assert!(st.0[n..size_of::<Stream>()].iter().all(|&b| b == 0xa5), "a stream wrote past in_use ({n})");
    }

    /// Every length across the short/crate boundary and past a chunk, fed in pieces that split
    /// at the buffer's edge and around it, in each mode, at 32 bytes and other output lengths;
    /// a bytewise copy of the state made mid-way (as `Hasher::clone` makes) finishes alike; a
    /// stream finalized at a non-32-byte length (which spills) can go on and finalize again.
    #[test]
    fn streams_match_the_crate_across_the_buffer() {
        if !has_avx512() {
            eprintln!("skipping: no AVX-512F/VL/BW");
            return;
        }
        let data: Vec<u8> = (0..2100u32).map(|i| (i.wrapping_mul(167) >> 3) as u8).collect();
        let key = [0x42u8; 32];
        let ctx = b"xpscrypto x86_stream test";
        let modes: [(u32, &[u8]); 3] = [(HASH_MODE_PLAIN, &[]), (HASH_MODE_KEYED, &key), (HASH_MODE_DERIVE_KEY, ctx)];
        let mut lens: Vec<usize> = (0..=BUF + 70).collect();
        lens.extend([511, 512, 513, 1023, 1024, 1025, 2048, 2100]);
        for (mode, k) in modes {
            for &len in &lens {
                let d = &data[..len];
                // Split points: none, at the buffer's edge, one either side, and a third of the way.
                for cut in [0, BUF.min(len), BUF.saturating_sub(1).min(len), (BUF + 1).min(len), len / 3] {
                    for out_len in [32usize, 1, 65] {
                        let (mut a, mut b) = (blob(), blob());
                        // SAFETY: the blobs hold `HASH_STATE_BYTES >= size_of::<Stream>()`
                        // bytes, aligned (Box of the 64-aligned `HashState`); valid slices; the
                        // features were detected above.
                        unsafe {
                            init(&mut *a, k.as_ptr(), k.len(), mode);
                            untouched_past_in_use(&a);
                            update(&mut *a, d.as_ptr(), cut);
                            untouched_past_in_use(&a);
                            std::ptr::copy_nonoverlapping(a.0.as_ptr(), b.0.as_mut_ptr(), size_of::<Stream>());
                            for s in [&mut a, &mut b] {
                                update(&mut **s, d.as_ptr().add(cut), len - cut);
                            }
                            untouched_past_in_use(&a);
                            let want = reference(mode, k, d, out_len);
                            for (s, what) in [(&mut a, "stream"), (&mut b, "copy")] {
                                let mut out = vec![0; out_len];
                                finalize(&mut **s, out.as_mut_ptr(), out_len);
                                assert_eq!(out, want, "{what} mode {mode} len {len} cut {cut} out {out_len}");
                            }
                            // Going on after a finalize (spilled or not).
                            update(&mut *a, b"more".as_ptr(), 4);
                            let mut out = [0u8; 32];
                            finalize(&mut *a, out.as_mut_ptr(), 32);
                            assert_eq!(out.to_vec(), reference(mode, k, &[d, b"more"].concat(), 32), "continued mode {mode} len {len}");
                        }
                    }
                }
            }
        }
    }
}
