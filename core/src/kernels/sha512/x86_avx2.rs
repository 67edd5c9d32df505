//! SHA-512 compression (FIPS 180-4 §6.4) on AVX2 + BMI2, two blocks at a time: the message
//! schedule of both blocks runs in 256-bit registers (one 128-bit lane per block, two words per
//! step) interleaved with the scalar rounds of the first block, so it fills the vector pipes
//! while the rounds keep the scalar ones busy. The schedule goes to the stack as W + K, where
//! the rounds of both blocks read it. The rounds use `rorx` (BMI2), which leaves the flags
//! alone, and keep the eight working variables in named locals (straight-line code, no array
//! indexing).
//!
//! Nothing branches on or indexes by data. The whole W + K area (both lanes, also when the last
//! block has no partner and its schedule fills both) is wiped before returning; copies in
//! registers are not (best effort, as for every kernel).

#![cfg(target_arch = "x86_64")]

use core::arch::x86_64::*;

/// Round constants (FIPS 180-4 §4.2.3: the first 64 bits of the fractional parts of the cube
/// roots of the first 80 primes).
const K: [u64; 80] = [
    0x428a_2f98_d728_ae22, 0x7137_4491_23ef_65cd, 0xb5c0_fbcf_ec4d_3b2f, 0xe9b5_dba5_8189_dbbc,
    0x3956_c25b_f348_b538, 0x59f1_11f1_b605_d019, 0x923f_82a4_af19_4f9b, 0xab1c_5ed5_da6d_8118,
    0xd807_aa98_a303_0242, 0x1283_5b01_4570_6fbe, 0x2431_85be_4ee4_b28c, 0x550c_7dc3_d5ff_b4e2,
    0x72be_5d74_f27b_896f, 0x80de_b1fe_3b16_96b1, 0x9bdc_06a7_25c7_1235, 0xc19b_f174_cf69_2694,
    0xe49b_69c1_9ef1_4ad2, 0xefbe_4786_384f_25e3, 0x0fc1_9dc6_8b8c_d5b5, 0x240c_a1cc_77ac_9c65,
    0x2de9_2c6f_592b_0275, 0x4a74_84aa_6ea6_e483, 0x5cb0_a9dc_bd41_fbd4, 0x76f9_88da_8311_53b5,
    0x983e_5152_ee66_dfab, 0xa831_c66d_2db4_3210, 0xb003_27c8_98fb_213f, 0xbf59_7fc7_beef_0ee4,
    0xc6e0_0bf3_3da8_8fc2, 0xd5a7_9147_930a_a725, 0x06ca_6351_e003_826f, 0x1429_2967_0a0e_6e70,
    0x27b7_0a85_46d2_2ffc, 0x2e1b_2138_5c26_c926, 0x4d2c_6dfc_5ac4_2aed, 0x5338_0d13_9d95_b3df,
    0x650a_7354_8baf_63de, 0x766a_0abb_3c77_b2a8, 0x81c2_c92e_47ed_aee6, 0x9272_2c85_1482_353b,
    0xa2bf_e8a1_4cf1_0364, 0xa81a_664b_bc42_3001, 0xc24b_8b70_d0f8_9791, 0xc76c_51a3_0654_be30,
    0xd192_e819_d6ef_5218, 0xd699_0624_5565_a910, 0xf40e_3585_5771_202a, 0x106a_a070_32bb_d1b8,
    0x19a4_c116_b8d2_d0c8, 0x1e37_6c08_5141_ab53, 0x2748_774c_df8e_eb99, 0x34b0_bcb5_e19b_48a8,
    0x391c_0cb3_c5c9_5a63, 0x4ed8_aa4a_e341_8acb, 0x5b9c_ca4f_7763_e373, 0x682e_6ff3_d6b2_b8a3,
    0x748f_82ee_5def_b2fc, 0x78a5_636f_4317_2f60, 0x84c8_7814_a1f0_ab72, 0x8cc7_0208_1a64_39ec,
    0x90be_fffa_2363_1e28, 0xa450_6ceb_de82_bde9, 0xbef9_a3f7_b2c6_7915, 0xc671_78f2_e372_532b,
    0xca27_3ece_ea26_619c, 0xd186_b8c7_21c0_c207, 0xeada_7dd6_cde0_eb1e, 0xf57d_4f7f_ee6e_d178,
    0x06f0_67aa_7217_6fba, 0x0a63_7dc5_a2c8_98a6, 0x113f_9804_bef9_0dae, 0x1b71_0b35_131c_471b,
    0x28db_77f5_2304_7d84, 0x32ca_ab7b_40c7_2493, 0x3c9e_be0a_15c9_bebc, 0x431d_67c4_9c10_0d4c,
    0x4cc5_d4be_cb3e_42b6, 0x597f_299c_fc65_7e2a, 0x5fcb_6fab_3ad6_faec, 0x6c44_198c_4a47_5817,
];

/// W[t] + K[t] of the block pair: `a` for the first block, `b` for the second.
#[repr(C, align(32))]
struct Wk {
    a: [u64; 80],
    b: [u64; 80],
}

/// Compresses `blocks` (a multiple of 128 bytes) into `h`.
///
/// # Safety
/// The CPU must have AVX2 and BMI2.
#[target_feature(enable = "avx2,bmi2")]
pub unsafe fn compress(h: &mut [u64; 8], blocks: &[u8]) {
    debug_assert_eq!(blocks.len() % 128, 0);
    let n = blocks.len() / 128;
    // Uninitialized: every word a round reads was written by the schedule first.
    let mut wk = core::mem::MaybeUninit::<Wk>::uninit();
    let p = blocks.as_ptr();
    let mut i = 0;
    while i < n {
        // SAFETY: block `i` (and `i + 1` when `two`) lie inside `blocks`.
        unsafe {
            let two = i + 1 < n;
            let pa = p.add(128 * i);
            pair(h, wk.as_mut_ptr(), pa, if two { pa.add(128) } else { pa }, two);
        }
        i += 2;
    }
    // SAFETY: `wk` is our own stack slot of `size_of::<Wk>()` bytes (plain words).
    unsafe { crate::secure::ct::wipe_raw(wk.as_mut_ptr().cast::<u8>(), core::mem::size_of::<Wk>()) };
}

/// σ0(x) = rotr(x, 1) ^ rotr(x, 8) ^ (x >> 7) on four words; the rotation by a byte is a shuffle.
#[inline]
#[target_feature(enable = "avx2")]
fn sigma0(x: __m256i) -> __m256i {
    let rot8 = _mm256_setr_epi8(
        1, 2, 3, 4, 5, 6, 7, 0, 9, 10, 11, 12, 13, 14, 15, 8, 1, 2, 3, 4, 5, 6, 7, 0, 9, 10, 11, 12, 13, 14, 15, 8,
    );
    let r1 = _mm256_xor_si256(_mm256_srli_epi64::<1>(x), _mm256_slli_epi64::<63>(x));
    let r8 = _mm256_shuffle_epi8(x, rot8);
    _mm256_xor_si256(_mm256_xor_si256(r1, r8), _mm256_srli_epi64::<7>(x))
}

/// σ1(x) = rotr(x, 19) ^ rotr(x, 61) ^ (x >> 6) on four words.
#[inline]
#[target_feature(enable = "avx2")]
fn sigma1(x: __m256i) -> __m256i {
    let r19 = _mm256_xor_si256(_mm256_srli_epi64::<19>(x), _mm256_slli_epi64::<45>(x));
    let r61 = _mm256_xor_si256(_mm256_srli_epi64::<61>(x), _mm256_slli_epi64::<3>(x));
    _mm256_xor_si256(_mm256_xor_si256(r19, r61), _mm256_srli_epi64::<6>(x))
}

/// One round on the named working variables; `$h` becomes the new `a`, `$d` the new `e`. Ch is
/// `((f ^ g) & e) ^ g`; Maj is `((a ^ b) & (b ^ c)) ^ b`, whose `b ^ c` is the previous round's
/// `a ^ b` (the compiler shares it).
macro_rules! rnd {
    ($a:ident, $b:ident, $c:ident, $d:ident, $e:ident, $f:ident, $g:ident, $h:ident, $w:ident, $t:expr) => {
        // SAFETY: `$t < 80` and `$w` points to 80 words.
        let wk = unsafe { *$w.add($t) };
        $h = $h
            .wrapping_add(wk)
            .wrapping_add($e.rotate_right(14) ^ $e.rotate_right(18) ^ $e.rotate_right(41))
            .wrapping_add((($f ^ $g) & $e) ^ $g);
        $d = $d.wrapping_add($h);
        $h = $h
            .wrapping_add($a.rotate_right(28) ^ $a.rotate_right(34) ^ $a.rotate_right(39))
            .wrapping_add((($a ^ $b) & ($b ^ $c)) ^ $b);
    };
}

/// Eight rounds from `$t` (the names come back to where they started).
macro_rules! rnd8 {
    ($w:ident, $t:expr, $a:ident, $b:ident, $c:ident, $d:ident, $e:ident, $f:ident, $g:ident, $h:ident) => {
        rnd!($a, $b, $c, $d, $e, $f, $g, $h, $w, $t);
        rnd!($h, $a, $b, $c, $d, $e, $f, $g, $w, $t + 1);
        rnd!($g, $h, $a, $b, $c, $d, $e, $f, $w, $t + 2);
        rnd!($f, $g, $h, $a, $b, $c, $d, $e, $w, $t + 3);
        rnd!($e, $f, $g, $h, $a, $b, $c, $d, $w, $t + 4);
        rnd!($d, $e, $f, $g, $h, $a, $b, $c, $w, $t + 5);
        rnd!($c, $d, $e, $f, $g, $h, $a, $b, $w, $t + 6);
        rnd!($b, $c, $d, $e, $f, $g, $h, $a, $w, $t + 7);
    };
}

/// Compresses the block at `pa`, then (if `two`) the one at `pb`. With `two` false, `pb` must
/// equal `pa` (its schedule is computed and ignored).
///
/// # Safety
/// AVX2 and BMI2; `pa` and `pb` readable for 128 bytes; `wk` valid for writes (it may be
/// uninitialized: every word is written before it is read).
#[target_feature(enable = "avx2,bmi2")]
unsafe fn pair(hs: &mut [u64; 8], wk: *mut Wk, pa: *const u8, pb: *const u8, two: bool) {
    let bswap = _mm256_setr_epi8(
        7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8,
    );
    // SAFETY: field places of the caller's `Wk` slot (no reference to uninitialized memory).
    let (wa, wb): (*mut u64, *mut u64) = unsafe { ((&raw mut (*wk).a).cast(), (&raw mut (*wk).b).cast()) };
    let k: *const u64 = K.as_ptr();

    // Words t, t + 1 of both blocks (first block in the low lane), stored as W + K.
    macro_rules! put {
        ($t:expr, $x:expr) => {
            // SAFETY: `$t` is even and at most 78: 16-byte aligned, in bounds of K, `a` and `b`.
            unsafe {
                let y = _mm256_add_epi64($x, _mm256_broadcastsi128_si256(_mm_loadu_si128(k.add($t).cast())));
                _mm_store_si128(wa.add($t).cast(), _mm256_castsi256_si128(y));
                _mm_store_si128(wb.add($t).cast(), _mm256_extracti128_si256::<1>(y));
            }
        };
    }
    macro_rules! load {
        ($j:expr) => {{
            // SAFETY: `16 * $j + 16 <= 128` bytes from `pa` and `pb`.
            let (lo, hi) = unsafe { (_mm_loadu_si128(pa.add(16 * $j).cast()), _mm_loadu_si128(pb.add(16 * $j).cast())) };
            let x = _mm256_shuffle_epi8(_mm256_inserti128_si256::<1>(_mm256_castsi128_si256(lo), hi), bswap);
            put!(2 * $j, x);
            x
        }};
    }
    // W[t], W[t + 1] from the ring x0..x7 holding W[t − 16 ..= t − 1] (x0 the oldest pair,
    // replaced by the result).
    macro_rules! step {
        ($t:expr, $x0:ident, $x1:ident, $x4:ident, $x5:ident, $x7:ident, $r:ident) => {
            let s0 = sigma0(_mm256_alignr_epi8::<8>($x1, $x0));
            let w7 = _mm256_alignr_epi8::<8>($x5, $x4);
            $x0 = _mm256_add_epi64(_mm256_add_epi64($x0, s0), _mm256_add_epi64(w7, sigma1($x7)));
            put!($t, $x0);
            // Pins the step between the rounds around it (the compiler would otherwise gather
            // several steps in one place, and a burst of vector work stalls the scalar rounds).
            // SAFETY: an empty template; the operands pass through unchanged.
            unsafe { core::arch::asm!("/* {0} {1} */", inout(reg) $r, inout(ymm_reg) $x0, options(pure, nomem, nostack, preserves_flags)) };
        };
    }

    let (mut x0, mut x1, mut x2, mut x3) = (load!(0), load!(1), load!(2), load!(3));
    let (mut x4, mut x5, mut x6, mut x7) = (load!(4), load!(5), load!(6), load!(7));

    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *hs;
    // Rounds 0..63 of the first block, each 16 with the schedule of words t + 16 .. t + 31.
    for t in (0..64).step_by(16) {
        rnd!(a, b, c, d, e, f, g, h, wa, t);
        rnd!(h, a, b, c, d, e, f, g, wa, t + 1);
        step!(t + 16, x0, x1, x4, x5, x7, g);
        rnd!(g, h, a, b, c, d, e, f, wa, t + 2);
        rnd!(f, g, h, a, b, c, d, e, wa, t + 3);
        step!(t + 18, x1, x2, x5, x6, x0, e);
        rnd!(e, f, g, h, a, b, c, d, wa, t + 4);
        rnd!(d, e, f, g, h, a, b, c, wa, t + 5);
        step!(t + 20, x2, x3, x6, x7, x1, c);
        rnd!(c, d, e, f, g, h, a, b, wa, t + 6);
        rnd!(b, c, d, e, f, g, h, a, wa, t + 7);
        step!(t + 22, x3, x4, x7, x0, x2, a);
        rnd!(a, b, c, d, e, f, g, h, wa, t + 8);
        rnd!(h, a, b, c, d, e, f, g, wa, t + 9);
        step!(t + 24, x4, x5, x0, x1, x3, g);
        rnd!(g, h, a, b, c, d, e, f, wa, t + 10);
        rnd!(f, g, h, a, b, c, d, e, wa, t + 11);
        step!(t + 26, x5, x6, x1, x2, x4, e);
        rnd!(e, f, g, h, a, b, c, d, wa, t + 12);
        rnd!(d, e, f, g, h, a, b, c, wa, t + 13);
        step!(t + 28, x6, x7, x2, x3, x5, c);
        rnd!(c, d, e, f, g, h, a, b, wa, t + 14);
        rnd!(b, c, d, e, f, g, h, a, wa, t + 15);
        step!(t + 30, x7, x0, x3, x4, x6, a);
    }
    rnd8!(wa, 64, a, b, c, d, e, f, g, h);
    rnd8!(wa, 72, a, b, c, d, e, f, g, h);
    for (s, v) in hs.iter_mut().zip([a, b, c, d, e, f, g, h]) {
        *s = s.wrapping_add(v);
    }
    if two {
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *hs;
        for t in (0..80).step_by(8) {
            rnd8!(wb, t, a, b, c, d, e, f, g, h);
        }
        for (s, v) in hs.iter_mut().zip([a, b, c, d, e, f, g, h]) {
            *s = s.wrapping_add(v);
        }
    }
}
