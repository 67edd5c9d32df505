//! The wide AES-GCM kernel, written once for any register width (`x86_vaes256.rs`: ymm, two blocks
//! per register; `x86_vaes512.rs`: zmm, four). The including module defines the vector type `V`,
//! `REGS` (registers per 16-block batch, even) and the primitives used below (`vzero`, `vxor`,
//! `vxor3`, `vbcast`, `vfold`, `vload`, `vstore`, `vaesenc`, `vaesenclast`, `vclmul_lo`,
//! `vclmul_hi`, `vclmul_01`, `vclmul_10`, `vswap64`,
//! `vshuffle8`, `vadd32`, `vzext`, `counter_offset`, `counter_offset_be`, `counter_step`,
//! `vfrom_lanes`), all with the target features given to the macro.
//!
//! Design:
//! * 16 blocks per iteration; the counter lane of each 128-bit lane is kept in native order and
//!   advanced with a 32-bit add (GCM's inc32, wrap included); while the counter's low byte does
//!   not carry within a batch, the blocks come from one byte swap plus a byte-15 add each.
//! * GHASH multiplies the 16 blocks of a batch by H^16..H^1 (schoolbook, four VPCLMULQDQ per
//!   register: one more multiply than Karatsuba but no pre-XOR, swap or middle-term shifts, and
//!   three-way XORs where the ISA has them), sums the unreduced products, reduces every lane and
//!   XORs the lanes once per batch (the POLYVAL formulation of `x86_aesni.rs`).
//! * `seal` stitches the AES rounds of batch `i` with the GHASH of batch `i − 1`; `open` hashes
//!   the ciphertext first (the tag is checked before anything is decrypted), then runs CTR.
//! * Messages shorter than one batch, the last < 256 bytes, the length block and the key schedule
//!   go through the 128-bit kernel, which shares the GHASH state and the counter.
//!
//! Nothing branches on or indexes by secret data; lengths are public.

macro_rules! wide_gcm_kernel {
    (features = $feat:literal, align = $align:literal) => {
        use super::x86_aesni::{self as k128, Key as Key128};

        /// Below this many bytes the 128-bit kernel handles the whole message.
        const BATCH: usize = 256;
        /// Bytes per register.
        const WIDTH: usize = BATCH / REGS;

        /// Expanded key: the 128-bit kernel's key plus broadcast round keys and H^1..H^32 laid out
        /// for 16-block batches.
        #[derive(Clone)]
        #[repr(C, align($align))]
        pub struct Key {
            base: Key128,
            /// Round keys broadcast to every 128-bit lane.
            rk: [V; 15],
            /// `pows[j]`, lane `l`: H^(16 − LANES·j − l) in POLYVAL form (block LANES·j + l).
            pows: [V; REGS],
            /// The same times H^16: H^32..H^17, for the first half of a 32-block GHASH group.
            pows32: [V; REGS],
        }

        impl Drop for Key {
            fn drop(&mut self) {
                for r in self.rk.iter_mut().chain(self.pows.iter_mut()).chain(self.pows32.iter_mut()) {
                    // SAFETY: `r` is a valid, aligned, exclusive reference; all-zero bits are a valid vector.
                    unsafe { core::ptr::write_volatile(r, core::mem::zeroed()) };
                }
                core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
            }
        }

        /// Encrypts the 16 blocks of `b` with `NR` rounds.
        #[inline]
        #[target_feature(enable = $feat)]
        fn aes16<const NR: usize>(rk: &[V; 15], b: &mut [V; REGS]) {
            for x in b.iter_mut() {
                *x = vxor(*x, rk[0]);
            }
            for k in &rk[1..NR] {
                for x in b.iter_mut() {
                    *x = vaesenc(*x, *k);
                }
            }
            for x in b.iter_mut() {
                *x = vaesenclast(*x, rk[NR]);
            }
        }

        /// Counter state for 16-block batches: the 128-bit counter register in every lane, and
        /// the counter of the batch's first block (public: it only counts blocks).
        #[derive(Clone, Copy)]
        struct Ctr16 {
            base: V,
            first: u32,
        }

        impl Ctr16 {
            #[inline]
            #[target_feature(enable = $feat)]
            fn new(ctr: __m128i) -> Self {
                Ctr16 { base: vbcast(ctr), first: _mm_extract_epi32::<3>(ctr) as u32 }
            }

            /// The next 16 counter blocks; advances by 16 (inc32 semantics per block). When the
            /// counter's low byte does not carry within the batch (15 batches in 16), one byte
            /// swap of the base and a byte-15 add per register; otherwise a 32-bit add and a
            /// byte swap per register.
            #[inline]
            #[target_feature(enable = $feat)]
            fn next16(&mut self) -> [V; REGS] {
                let mask = vbcast(k128::ctr_mask());
                let mut out = [vzero(); REGS];
                if self.first & 0xff <= 0xff - 15 {
                    let be = vshuffle8(self.base, mask);
                    for (j, o) in out.iter_mut().enumerate() {
                        *o = vadd32(be, counter_offset_be(j));
                    }
                } else {
                    for (j, o) in out.iter_mut().enumerate() {
                        *o = vshuffle8(vadd32(self.base, counter_offset(j)), mask);
                    }
                }
                self.base = vadd32(self.base, counter_step());
                self.first = self.first.wrapping_add(16);
                out
            }
        }

        /// Advances a 128-bit counter register by `blocks` (mod 2^32 in the counter lane).
        #[inline]
        #[target_feature(enable = $feat)]
        fn advance(ctr: __m128i, blocks: usize) -> __m128i {
            _mm_add_epi32(ctr, _mm_set_epi32(blocks as u32 as i32, 0, 0, 0))
        }

        /// Unreduced schoolbook sums over the lanes of a batch: `lo`, `mid`, `hi` are the bits
        /// 0..128, 64..192 and 128..256 of each lane's 256-bit product sum.
        struct Acc16 {
            lo: V,
            mid: V,
            hi: V,
        }

        impl Acc16 {
            /// The products of registers `j` and `j + 1` (POLYVAL order) with their powers.
            #[inline]
            #[target_feature(enable = $feat)]
            fn products2(pows: &[V; REGS], y0: V, y1: V, j: usize) -> [V; 8] {
                let (h0, h1) = (pows[j], pows[j + 1]);
                [
                    vclmul_lo(y0, h0), vclmul_lo(y1, h1),
                    vclmul_hi(y0, h0), vclmul_hi(y1, h1),
                    vclmul_01(y0, h0), vclmul_10(y0, h0),
                    vclmul_01(y1, h1), vclmul_10(y1, h1),
                ]
            }

            /// Starts the sums with registers 0 and 1.
            #[inline]
            #[target_feature(enable = $feat)]
            fn first2(pows: &[V; REGS], y0: V, y1: V) -> Self {
                let p = Self::products2(pows, y0, y1, 0);
                Acc16 { lo: vxor(p[0], p[1]), mid: vxor(vxor3(p[4], p[5], p[6]), p[7]), hi: vxor(p[2], p[3]) }
            }

            /// Adds registers `j` and `j + 1` (POLYVAL order) times their powers.
            #[inline]
            #[target_feature(enable = $feat)]
            fn mul_add2(&mut self, pows: &[V; REGS], y0: V, y1: V, j: usize) {
                let p = Self::products2(pows, y0, y1, j);
                self.lo = vxor3(self.lo, p[0], p[1]);
                self.hi = vxor3(self.hi, p[2], p[3]);
                self.mid = vxor3(vxor3(self.mid, p[4], p[5]), p[6], p[7]);
            }

            /// Reduces every lane (the two folding steps of `k128::reduce`, the first one landing
            /// in `mid`, so the middle terms need no shifts), then XORs the lanes.
            #[inline]
            #[target_feature(enable = $feat)]
            fn finish(self) -> __m128i {
                vfold(self.reduce_lanes())
            }

            /// Every lane reduced on its own (no fold).
            #[inline]
            #[target_feature(enable = $feat)]
            fn reduce_lanes(self) -> V {
                let poly = vbcast(k128::poly());
                let mid = vxor3(self.mid, vswap64(self.lo), vclmul_lo(self.lo, poly));
                vxor3(self.hi, vswap64(mid), vclmul_lo(mid, poly))
            }
        }

        /// Lane-wise POLYVAL product `a · b · x^-128` (key setup).
        #[inline]
        #[target_feature(enable = $feat)]
        fn vdot(a: V, b: V) -> V {
            Acc16 { lo: vclmul_lo(a, b), mid: vxor(vclmul_01(a, b), vclmul_10(a, b)), hi: vclmul_hi(a, b) }.reduce_lanes()
        }

        /// A register of raw GHASH blocks in POLYVAL order.
        #[inline]
        #[target_feature(enable = $feat)]
        fn d_order(d: V) -> V {
            vshuffle8(d, vbcast(k128::bswap_mask()))
        }

        /// The first register of a batch in POLYVAL order, the accumulator folded into block 0.
        #[inline]
        #[target_feature(enable = $feat)]
        fn first_order(acc: __m128i, d: V) -> V {
            vxor(d_order(d), vzext(acc))
        }

        /// `acc' = (acc ^ X1) H^16 ^ X2 H^15 ^ … ^ X16 H` for the 16 raw GHASH blocks of `d`.
        #[inline]
        #[target_feature(enable = $feat)]
        fn ghash16(key: &Key, acc: __m128i, d: &[V; REGS]) -> __m128i {
            let mut sum = Acc16::first2(&key.pows, first_order(acc, d[0]), d_order(d[1]));
            for j in (2..REGS).step_by(2) {
                sum.mul_add2(&key.pows, d_order(d[j]), d_order(d[j + 1]), j);
            }
            sum.finish()
        }

        /// The BATCH bytes at `p` as REGS registers.
        ///
        /// # Safety
        /// `p` readable for BATCH bytes.
        #[inline]
        #[target_feature(enable = $feat)]
        unsafe fn load_batch(p: *const u8) -> [V; REGS] {
            // SAFETY: WIDTH·j + WIDTH <= BATCH readable bytes (caller contract).
            core::array::from_fn(|j| unsafe { vload(p.add(WIDTH * j)) })
        }

        /// `ghash16` over 32 blocks with one reduction: GHASH alone (no AES beside it) is bound
        /// by the latency of the accumulator chain, which this halves per byte.
        #[inline]
        #[target_feature(enable = $feat)]
        fn ghash32(key: &Key, acc: __m128i, d0: &[V; REGS], d1: &[V; REGS]) -> __m128i {
            let mut sum = Acc16::first2(&key.pows32, first_order(acc, d0[0]), d_order(d0[1]));
            for j in (2..REGS).step_by(2) {
                sum.mul_add2(&key.pows32, d_order(d0[j]), d_order(d0[j + 1]), j);
            }
            for j in (0..REGS).step_by(2) {
                sum.mul_add2(&key.pows, d_order(d1[j]), d_order(d1[j + 1]), j);
            }
            sum.finish()
        }

        /// GHASH of a byte string: 32- and 16-block groups here, the rest (zero-padded) by the
        /// 128-bit kernel.
        #[inline]
        #[target_feature(enable = $feat)]
        fn ghash_bytes(key: &Key, mut acc: __m128i, data: &[u8]) -> __m128i {
            let mut pairs = data.chunks_exact(2 * BATCH);
            for c in &mut pairs {
                let p = c.as_ptr();
                // SAFETY: `c` has 2·BATCH readable bytes: two batches at `p` and `p + BATCH`.
                let (d0, d1) = unsafe { (load_batch(p), load_batch(p.add(BATCH))) };
                acc = ghash32(key, acc, &d0, &d1);
            }
            let mut rest = pairs.remainder().chunks_exact(BATCH);
            for c in &mut rest {
                // SAFETY: `c` has BATCH readable bytes.
                acc = ghash16(key, acc, &unsafe { load_batch(c.as_ptr()) });
            }
            k128::ghash_bytes(&key.base, acc, rest.remainder())
        }

        /// 16 AES encryptions stitched with the GHASH of the 16 previous ciphertext blocks.
        #[inline]
        #[target_feature(enable = $feat)]
        fn aes16_ghash16<const NR: usize>(key: &Key, b: &mut [V; REGS], acc: __m128i, prev: &[V; REGS]) -> __m128i {
            let rk = &key.rk;
            for x in b.iter_mut() {
                *x = vxor(*x, rk[0]);
            }
            // The multiplies of register pair k of the previous batch follow round 1 + k·gap and
            // the reduction round 1 + (REGS/2)·gap: GHASH spread over the rounds, so every round
            // has independent work beside the AES chains (REGS/2 + 1 <= 5 < 10 <= NR).
            // Compile-time proof that the reduction round exists (a gap of at least one round and
            // the reduction before the last `vaesenc` round), so `acc` is always replaced.
            const { assert!((NR - 1) / (REGS / 2 + 1) >= 1 && (NR - 1) / (REGS / 2 + 1) * (REGS / 2) < NR - 1) };
            let gap = (NR - 1) / (REGS / 2 + 1);
            let mut sum = None;
            let mut acc = acc;
            for (r, k) in rk[1..NR].iter().enumerate() {
                for x in b.iter_mut() {
                    *x = vaesenc(*x, *k);
                }
                if r % gap == 0 {
                    let j = 2 * (r / gap);
                    if j == 0 {
                        sum = Some(Acc16::first2(&key.pows, first_order(acc, prev[0]), d_order(prev[1])));
                    } else if j < REGS {
                        if let Some(s) = sum.as_mut() {
                            s.mul_add2(&key.pows, d_order(prev[j]), d_order(prev[j + 1]), j);
                        }
                    } else if let Some(s) = sum.take() {
                        acc = s.finish();
                    }
                }
            }
            for x in b.iter_mut() {
                *x = vaesenclast(*x, rk[NR]);
            }
            acc
        }

        /// XORs the keystream `ks` with BATCH input bytes at `inp + off`, writes them to
        /// `out + off` and returns the output blocks.
        ///
        /// # Safety
        /// `inp`/`out` valid for `off + BATCH` bytes; equal or disjoint.
        #[inline]
        #[target_feature(enable = $feat)]
        unsafe fn xor_batch(ks: &[V; REGS], inp: *const u8, out: *mut u8, off: usize) -> [V; REGS] {
            let mut o = [vzero(); REGS];
            for (j, k) in ks.iter().enumerate() {
                // SAFETY: off + WIDTH·j + WIDTH <= off + BATCH (caller contract); each load precedes
                // its store.
                unsafe {
                    o[j] = vxor(vload(inp.add(off + WIDTH * j)), *k);
                    vstore(out.add(off + WIDTH * j), o[j]);
                }
            }
            o
        }

        /// The last `len < BATCH` bytes, continuing counter `ctr` and GHASH state `acc` (`hash`:
        /// whether the output is ciphertext to be hashed). Returns the new `acc`.
        ///
        /// # Safety
        /// `inp`/`out` valid for `len` bytes; equal or disjoint.
        #[inline]
        #[target_feature(enable = $feat)]
        unsafe fn tail<const NR: usize>(key: &Key, mut ctr: __m128i, mut acc: __m128i, inp: *const u8, out: *mut u8, mut len: usize, hash: bool) -> __m128i {
            let mut off = 0;
            if len >= 128 {
                let mut ks = k128::next8(&mut ctr);
                k128::aes8::<NR>(&key.base.round_keys, &mut ks);
                for (i, k) in ks.iter_mut().enumerate() {
                    // SAFETY: 16i + 16 <= 128 <= len; load precedes store.
                    unsafe {
                        *k = _mm_xor_si128(k128::load(inp.add(16 * i)), *k);
                        k128::store(out.add(16 * i), *k);
                    }
                }
                if hash {
                    acc = k128::ghash_agg(&key.base, acc, &ks);
                }
                off = 128;
                len -= 128;
            }
            if len > 0 {
                // SAFETY: `len` bytes remain at `off` (caller contract).
                let (blocks, n) = unsafe { k128::ctr_tail::<NR>(&key.base, &mut ctr, inp.add(off), out.add(off), len) };
                if hash {
                    acc = k128::ghash_agg(&key.base, acc, &blocks[..n]);
                }
            }
            acc
        }

        /// GCM encryption; returns the tag.
        ///
        /// # Safety
        /// `inp` readable and `out` writable for `len` bytes; equal or disjoint.
        #[target_feature(enable = $feat)]
        unsafe fn seal_raw<const NR: usize>(key: &Key, nonce: &[u8; 12], aad: &[u8], inp: *const u8, out: *mut u8, len: usize) -> [u8; 16] {
            if len < BATCH {
                // SAFETY: forwarded caller contract; the 128-bit kernel's features are a subset of ours.
                return unsafe { k128::seal_raw::<NR>(&key.base, nonce, aad, inp, out, len) };
            }
            debug_assert!(len as u64 <= k128::MAX_MESSAGE_LEN, "GCM message too long");
            let j0 = _mm_shuffle_epi8(k128::ctr_init(nonce, 1), k128::ctr_mask());
            let ek_j0 = k128::aes1::<NR>(&key.base.round_keys, j0);
            let mut acc = ghash_bytes(key, _mm_setzero_si128(), aad);
            let ctr = k128::ctr_init(nonce, 2);
            let mut c16 = Ctr16::new(ctr);
            let batches = len / BATCH;
            // First batch: CTR only; then CTR of batch i stitched with GHASH of batch i − 1.
            let mut ks = c16.next16();
            aes16::<NR>(&key.rk, &mut ks);
            // SAFETY: BATCH <= len bytes at offset 0.
            let mut prev = unsafe { xor_batch(&ks, inp, out, 0) };
            for bi in 1..batches {
                let mut ks = c16.next16();
                acc = aes16_ghash16::<NR>(key, &mut ks, acc, &prev);
                // SAFETY: bi·BATCH + BATCH <= batches·BATCH <= len.
                prev = unsafe { xor_batch(&ks, inp, out, bi * BATCH) };
            }
            acc = ghash16(key, acc, &prev);
            let off = batches * BATCH;
            // SAFETY: `len - off` bytes remain at `off`.
            acc = unsafe { tail::<NR>(key, advance(ctr, 16 * batches), acc, inp.add(off), out.add(off), len - off, true) };
            acc = k128::ghash_lengths(&key.base, acc, aad.len(), len);
            k128::to_arr(_mm_xor_si128(_mm_shuffle_epi8(acc, k128::bswap_mask()), ek_j0))
        }

        /// GCM tag of ciphertext `ct` with `aad` (no decryption).
        #[target_feature(enable = $feat)]
        fn tag_raw<const NR: usize>(key: &Key, nonce: &[u8; 12], aad: &[u8], ct: &[u8]) -> [u8; 16] {
            if ct.len() < BATCH && aad.len() < BATCH {
                return k128::tag_raw::<NR>(&key.base, nonce, aad, ct);
            }
            let j0 = _mm_shuffle_epi8(k128::ctr_init(nonce, 1), k128::ctr_mask());
            let ek_j0 = k128::aes1::<NR>(&key.base.round_keys, j0);
            let mut acc = ghash_bytes(key, _mm_setzero_si128(), aad);
            acc = ghash_bytes(key, acc, ct);
            acc = k128::ghash_lengths(&key.base, acc, aad.len(), ct.len());
            k128::to_arr(_mm_xor_si128(_mm_shuffle_epi8(acc, k128::bswap_mask()), ek_j0))
        }

        /// CTR mode from counter 2.
        ///
        /// # Safety
        /// `inp` readable and `out` writable for `len` bytes; equal or disjoint.
        #[target_feature(enable = $feat)]
        unsafe fn ctr_raw<const NR: usize>(key: &Key, nonce: &[u8; 12], inp: *const u8, out: *mut u8, len: usize) {
            let ctr = k128::ctr_init(nonce, 2);
            let mut c16 = Ctr16::new(ctr);
            let batches = len / BATCH;
            for bi in 0..batches {
                let mut ks = c16.next16();
                aes16::<NR>(&key.rk, &mut ks);
                // SAFETY: bi·BATCH + BATCH <= len.
                let _ = unsafe { xor_batch(&ks, inp, out, bi * BATCH) };
            }
            let off = batches * BATCH;
            // SAFETY: `len - off` bytes remain at `off`.
            let _ = unsafe { tail::<NR>(key, advance(ctr, 16 * batches), _mm_setzero_si128(), inp.add(off), out.add(off), len - off, false) };
        }

        impl Key {
            /// Expands an AES-128 or AES-256 key; `None` for other lengths.
            ///
            /// # Safety
            /// The CPU must support the module's target features.
            #[target_feature(enable = $feat)]
            pub unsafe fn new(key: &[u8]) -> Option<Self> {
                // SAFETY: the 128-bit kernel needs a subset of our features.
                let base = unsafe { Key128::new(key) }?;
                let rk: [V; 15] = core::array::from_fn(|i| vbcast(base.round_keys[i]));
                // H^1..H^16 (POLYVAL form).
                let mut h = [_mm_setzero_si128(); 16];
                h[..8].copy_from_slice(&base.h_pows);
                for i in 8..16 {
                    h[i] = k128::dot(h[i - 1], h[0]);
                }
                const LANES: usize = 16 / REGS;
                // Lane l of register j: H^(16 − LANES·j − l), i.e. h[15 − LANES·j − l].
                let pows: [V; REGS] = core::array::from_fn(|j| {
                    let lanes: [__m128i; LANES] = core::array::from_fn(|l| h[15 - LANES * j - l]);
                    vfrom_lanes(&lanes)
                });
                let h16 = vbcast(h[15]);
                let pows32: [V; REGS] = core::array::from_fn(|j| vdot(pows[j], h16));
                for x in h.iter_mut() {
                    // SAFETY: valid, aligned, exclusive; zero is a valid __m128i.
                    unsafe { core::ptr::write_volatile(x, _mm_setzero_si128()) };
                }
                Some(Key { base, rk, pows, pows32 })
            }

            /// Encrypts `input` into `output` (same length) and returns the tag. Panics if the
            /// lengths differ; the caller keeps `input.len() <= 2^36 − 32`.
            ///
            /// # Safety
            /// The CPU must support the module's target features.
            #[target_feature(enable = $feat)]
            pub unsafe fn seal(&self, nonce: &[u8; 12], aad: &[u8], input: &[u8], output: &mut [u8]) -> [u8; 16] {
                assert_eq!(input.len(), output.len(), "input and output lengths differ");
                let (inp, out, len) = (input.as_ptr(), output.as_mut_ptr(), input.len());
                // SAFETY: both buffers valid for `len` bytes and disjoint (a shared and an exclusive borrow).
                unsafe {
                    if self.base.rounds == 10 {
                        seal_raw::<10>(self, nonce, aad, inp, out, len)
                    } else {
                        seal_raw::<14>(self, nonce, aad, inp, out, len)
                    }
                }
            }

            /// In-place twin of [`Key::seal`].
            ///
            /// # Safety
            /// As for [`Key::seal`].
            #[target_feature(enable = $feat)]
            pub unsafe fn seal_in_place(&self, nonce: &[u8; 12], aad: &[u8], buf: &mut [u8]) -> [u8; 16] {
                let (p, len) = (buf.as_mut_ptr(), buf.len());
                // SAFETY: `p` valid for reads and writes of `len` bytes; in == out is supported.
                unsafe {
                    if self.base.rounds == 10 {
                        seal_raw::<10>(self, nonce, aad, p, p, len)
                    } else {
                        seal_raw::<14>(self, nonce, aad, p, p, len)
                    }
                }
            }

            /// Open of a short message on the 128-bit kernel (see `k128::Key::open_short`).
            ///
            /// # Safety
            /// As for [`Key::seal`]; `ct`/`out` valid for `len` bytes, equal or disjoint.
            #[target_feature(enable = $feat)]
            pub unsafe fn open_short(&self, nonce: &[u8; 12], aad: &[u8], ct: *const u8, out: *mut u8, len: usize, tag: &[u8]) -> Option<i32> {
                // SAFETY: the caller's contract; the 128-bit kernel needs a subset of our features.
                unsafe { self.base.open_short(nonce, aad, ct, out, len, tag) }
            }

            /// The GCM tag of ciphertext `ct` (compare it in constant time before [`Key::ctr_xor`]).
            ///
            /// # Safety
            /// As for [`Key::seal`].
            #[target_feature(enable = $feat)]
            pub unsafe fn tag_of_ciphertext(&self, nonce: &[u8; 12], aad: &[u8], ct: &[u8]) -> [u8; 16] {
                if self.base.rounds == 10 {
                    tag_raw::<10>(self, nonce, aad, ct)
                } else {
                    tag_raw::<14>(self, nonce, aad, ct)
                }
            }

            /// CTR keystream XOR from counter 2 (decryption after the tag was verified). Panics if
            /// the lengths differ.
            ///
            /// # Safety
            /// As for [`Key::seal`].
            #[target_feature(enable = $feat)]
            pub unsafe fn ctr_xor(&self, nonce: &[u8; 12], input: &[u8], output: &mut [u8]) {
                assert_eq!(input.len(), output.len(), "input and output lengths differ");
                let (inp, out, len) = (input.as_ptr(), output.as_mut_ptr(), input.len());
                // SAFETY: both buffers valid for `len` bytes and disjoint.
                unsafe {
                    if self.base.rounds == 10 {
                        ctr_raw::<10>(self, nonce, inp, out, len)
                    } else {
                        ctr_raw::<14>(self, nonce, inp, out, len)
                    }
                }
            }

            /// In-place twin of [`Key::ctr_xor`].
            ///
            /// # Safety
            /// As for [`Key::seal`].
            #[target_feature(enable = $feat)]
            pub unsafe fn ctr_xor_in_place(&self, nonce: &[u8; 12], buf: &mut [u8]) {
                let (p, len) = (buf.as_mut_ptr(), buf.len());
                // SAFETY: `p` valid for reads and writes of `len` bytes; in == out is supported.
                unsafe {
                    if self.base.rounds == 10 {
                        ctr_raw::<10>(self, nonce, p, p, len)
                    } else {
                        ctr_raw::<14>(self, nonce, p, p, len)
                    }
                }
            }
        }

        #[cfg(test)]
        mod tests {
            use super::Key;
            use aes_gcm::aead::{AeadInOut, KeyInit};
            use aes_gcm::{Aes128Gcm, Aes256Gcm};

            fn oracle(key: &[u8], nonce: &[u8; 12], aad: &[u8], pt: &[u8]) -> (Vec<u8>, [u8; 16]) {
                let mut buf = pt.to_vec();
                let n = aes_gcm::Nonce::from(*nonce);
                let tag = match key.len() {
                    16 => Aes128Gcm::new_from_slice(key).unwrap().encrypt_inout_detached(&n, aad, buf.as_mut_slice().into()),
                    _ => Aes256Gcm::new_from_slice(key).unwrap().encrypt_inout_detached(&n, aad, buf.as_mut_slice().into()),
                }
                .unwrap();
                (buf, tag.into())
            }

            /// Every length 0..=1100 (all batch/tail splits), AAD lengths around the batch size, both
            /// key sizes, in place and out of place on unaligned buffers, against the `aes-gcm` crate.
            #[test]
            fn matches_the_oracle_on_every_split() {
                if !super::cpu_ok() {
                    eprintln!("skipping: CPU lacks the kernel's features");
                    return;
                }
                let mut seed = 0x1234_5678_9abc_def0u64;
                let mut next = || {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    (seed >> 33) as u8
                };
                for key_len in [16usize, 32] {
                    let key_bytes: Vec<u8> = (0..key_len).map(|_| next()).collect();
                    // SAFETY: cpu_ok() checked the features.
                    let key = unsafe { Key::new(&key_bytes) }.unwrap();
                    for len in (0..=1100).chain([4096, 4096 + 255, 16 * 1024 + 17]) {
                        let aad_len = [0usize, 1, 13, 255, 256, 257, 512, 700, 785][len % 9];
                        let mut nonce = [0u8; 12];
                        nonce.iter_mut().for_each(|b| *b = next());
                        let aad: Vec<u8> = (0..aad_len).map(|_| next()).collect();
                        let pt: Vec<u8> = (0..len).map(|_| next()).collect();
                        let (ct, tag) = oracle(&key_bytes, &nonce, &aad, &pt);
                        let mis = len % 3;
                        let mut out = vec![0u8; len + 3];
                        // SAFETY: features checked.
                        let t = unsafe { key.seal(&nonce, &aad, &pt, &mut out[mis..mis + len]) };
                        assert_eq!((&out[mis..mis + len], t), (&ct[..], tag), "seal, key {key_len}, len {len}, aad {aad_len}");
                        let mut buf = pt.clone();
                        // SAFETY: features checked.
                        assert_eq!(unsafe { key.seal_in_place(&nonce, &aad, &mut buf) }, tag);
                        assert_eq!(buf, ct);
                        // SAFETY: features checked.
                        assert_eq!(unsafe { key.tag_of_ciphertext(&nonce, &aad, &ct) }, tag, "tag, len {len}");
                        let mut back = vec![0u8; len];
                        // SAFETY: features checked.
                        unsafe { key.ctr_xor(&nonce, &ct, &mut back) };
                        assert_eq!(back, pt, "ctr, len {len}");
                        // SAFETY: features checked.
                        unsafe { key.ctr_xor_in_place(&nonce, &mut buf) };
                        assert_eq!(buf, pt);
                    }
                }
            }

            /// The counter's low 32 bits wrap inside a batch: the wide counters equal the 128-bit
            /// kernel's inc32 sequence from the same start.
            #[test]
            fn counter_lanes_follow_inc32() {
                if !super::cpu_ok() {
                    return;
                }
                // Starts on both sides of the low-byte carry (the byte-15 add path runs while
                // the low byte stays at most 240) and across the 32-bit wrap; 20 batches each.
                for start in [0u32, 1, 225, 240, 241, 250, 255, u32::MAX - 300, u32::MAX - 5] {
                    // SAFETY: features checked.
                    unsafe {
                        let ctr = super::k128::ctr_init(&[9u8; 12], start);
                        let mut c16 = super::Ctr16::new(ctr);
                        let mut c8 = ctr;
                        for batch in 0..20 {
                            let blocks = c16.next16();
                            let a = super::k128::next8(&mut c8);
                            let b = super::k128::next8(&mut c8);
                            let mut wide = [0u8; 256];
                            for (j, z) in blocks.iter().enumerate() {
                                super::vstore(wide.as_mut_ptr().add(super::WIDTH * j), *z);
                            }
                            for (i, x) in a.iter().chain(b.iter()).enumerate() {
                                assert_eq!(&wide[16 * i..16 * i + 16], &super::k128::to_arr(*x), "start {start} batch {batch} block {i}");
                            }
                        }
                    }
                }
            }
        }
    };
}

pub(super) use wide_gcm_kernel;
