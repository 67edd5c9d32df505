//! Keccak-f[1600] on AVX-512VL: one lane per 128-bit register (the 25 lanes and θ's five `d`
//! values fit the 32 vector registers), so ρ and π are register renaming, the five-way column
//! XORs and χ's `a ^ (¬b ∧ c)` are `vpternlogq` and the rotations `vprolq`: about 95 vector
//! operations per round (four vector pipes) against ~150 scalar ones (on the scalar ALUs that
//! also run the loop and the loads). The round body is straight-line code with constant lane
//! indices and rotation counts (so every lane stays in a register), printed by
//! `scripts/gen-keccak-round.py` from the FIPS 202 index formulas.
//!
//! Nothing branches on or indexes by the state. The lanes live in registers (and a few spill
//! slots) while the permutation runs; those copies are not wiped (best effort, as for every
//! kernel's working registers); the sponge wipes its own state and buffer.

#![cfg(target_arch = "x86_64")]

use super::sponge::RC;
use core::arch::x86_64::*;

/// `a ^ b ^ c`.
const XOR3: i32 = 0x96;
/// `a ^ (¬b ∧ c)`.
const CHI: i32 = 0xd2;

/// The 24-round permutation of `st` (lane `x + 5y` at index `x + 5y`).
///
/// # Safety
/// The CPU must have AVX-512F and AVX-512VL.
#[target_feature(enable = "avx512f,avx512vl")]
pub unsafe fn f1600(st: &mut [u64; 25]) {
    let mut a: [__m128i; 25] = core::array::from_fn(|i| _mm_cvtsi64_si128(st[i] as i64));
    for rc in RC {
        // θ: column parities c, d[x] = c[x−1] ^ rot(c[x+1], 1) (five registers, so the 25 lanes
        // and d fit the 32 vector registers without spills), each lane XORed with its d.
        let c0 = _mm_ternarylogic_epi64::<XOR3>(_mm_ternarylogic_epi64::<XOR3>(a[0], a[5], a[10]), a[15], a[20]);
        let c1 = _mm_ternarylogic_epi64::<XOR3>(_mm_ternarylogic_epi64::<XOR3>(a[1], a[6], a[11]), a[16], a[21]);
        let c2 = _mm_ternarylogic_epi64::<XOR3>(_mm_ternarylogic_epi64::<XOR3>(a[2], a[7], a[12]), a[17], a[22]);
        let c3 = _mm_ternarylogic_epi64::<XOR3>(_mm_ternarylogic_epi64::<XOR3>(a[3], a[8], a[13]), a[18], a[23]);
        let c4 = _mm_ternarylogic_epi64::<XOR3>(_mm_ternarylogic_epi64::<XOR3>(a[4], a[9], a[14]), a[19], a[24]);
        let d0 = _mm_xor_si128(c4, _mm_rol_epi64::<1>(c1));
        let d1 = _mm_xor_si128(c0, _mm_rol_epi64::<1>(c2));
        let d2 = _mm_xor_si128(c1, _mm_rol_epi64::<1>(c3));
        let d3 = _mm_xor_si128(c2, _mm_rol_epi64::<1>(c4));
        let d4 = _mm_xor_si128(c3, _mm_rol_epi64::<1>(c0));
        // ρ and π: b[y, 2x + 3y] = rot(a[x, y] ^ d[x]).
        let b0 = _mm_xor_si128(a[0], d0);
        let b10 = _mm_rol_epi64::<1>(_mm_xor_si128(a[1], d1));
        let b20 = _mm_rol_epi64::<62>(_mm_xor_si128(a[2], d2));
        let b5 = _mm_rol_epi64::<28>(_mm_xor_si128(a[3], d3));
        let b15 = _mm_rol_epi64::<27>(_mm_xor_si128(a[4], d4));
        let b16 = _mm_rol_epi64::<36>(_mm_xor_si128(a[5], d0));
        let b1 = _mm_rol_epi64::<44>(_mm_xor_si128(a[6], d1));
        let b11 = _mm_rol_epi64::<6>(_mm_xor_si128(a[7], d2));
        let b21 = _mm_rol_epi64::<55>(_mm_xor_si128(a[8], d3));
        let b6 = _mm_rol_epi64::<20>(_mm_xor_si128(a[9], d4));
        let b7 = _mm_rol_epi64::<3>(_mm_xor_si128(a[10], d0));
        let b17 = _mm_rol_epi64::<10>(_mm_xor_si128(a[11], d1));
        let b2 = _mm_rol_epi64::<43>(_mm_xor_si128(a[12], d2));
        let b12 = _mm_rol_epi64::<25>(_mm_xor_si128(a[13], d3));
        let b22 = _mm_rol_epi64::<39>(_mm_xor_si128(a[14], d4));
        let b23 = _mm_rol_epi64::<41>(_mm_xor_si128(a[15], d0));
        let b8 = _mm_rol_epi64::<45>(_mm_xor_si128(a[16], d1));
        let b18 = _mm_rol_epi64::<15>(_mm_xor_si128(a[17], d2));
        let b3 = _mm_rol_epi64::<21>(_mm_xor_si128(a[18], d3));
        let b13 = _mm_rol_epi64::<8>(_mm_xor_si128(a[19], d4));
        let b14 = _mm_rol_epi64::<18>(_mm_xor_si128(a[20], d0));
        let b24 = _mm_rol_epi64::<2>(_mm_xor_si128(a[21], d1));
        let b9 = _mm_rol_epi64::<61>(_mm_xor_si128(a[22], d2));
        let b19 = _mm_rol_epi64::<56>(_mm_xor_si128(a[23], d3));
        let b4 = _mm_rol_epi64::<14>(_mm_xor_si128(a[24], d4));
        // χ (ι below).
        a[0] = _mm_ternarylogic_epi64::<CHI>(b0, b1, b2);
        a[1] = _mm_ternarylogic_epi64::<CHI>(b1, b2, b3);
        a[2] = _mm_ternarylogic_epi64::<CHI>(b2, b3, b4);
        a[3] = _mm_ternarylogic_epi64::<CHI>(b3, b4, b0);
        a[4] = _mm_ternarylogic_epi64::<CHI>(b4, b0, b1);
        a[5] = _mm_ternarylogic_epi64::<CHI>(b5, b6, b7);
        a[6] = _mm_ternarylogic_epi64::<CHI>(b6, b7, b8);
        a[7] = _mm_ternarylogic_epi64::<CHI>(b7, b8, b9);
        a[8] = _mm_ternarylogic_epi64::<CHI>(b8, b9, b5);
        a[9] = _mm_ternarylogic_epi64::<CHI>(b9, b5, b6);
        a[10] = _mm_ternarylogic_epi64::<CHI>(b10, b11, b12);
        a[11] = _mm_ternarylogic_epi64::<CHI>(b11, b12, b13);
        a[12] = _mm_ternarylogic_epi64::<CHI>(b12, b13, b14);
        a[13] = _mm_ternarylogic_epi64::<CHI>(b13, b14, b10);
        a[14] = _mm_ternarylogic_epi64::<CHI>(b14, b10, b11);
        a[15] = _mm_ternarylogic_epi64::<CHI>(b15, b16, b17);
        a[16] = _mm_ternarylogic_epi64::<CHI>(b16, b17, b18);
        a[17] = _mm_ternarylogic_epi64::<CHI>(b17, b18, b19);
        a[18] = _mm_ternarylogic_epi64::<CHI>(b18, b19, b15);
        a[19] = _mm_ternarylogic_epi64::<CHI>(b19, b15, b16);
        a[20] = _mm_ternarylogic_epi64::<CHI>(b20, b21, b22);
        a[21] = _mm_ternarylogic_epi64::<CHI>(b21, b22, b23);
        a[22] = _mm_ternarylogic_epi64::<CHI>(b22, b23, b24);
        a[23] = _mm_ternarylogic_epi64::<CHI>(b23, b24, b20);
        a[24] = _mm_ternarylogic_epi64::<CHI>(b24, b20, b21);
        a[0] = _mm_xor_si128(a[0], _mm_cvtsi64_si128(rc as i64));
    }
    for (s, l) in st.iter_mut().zip(a.iter()) {
        *s = _mm_cvtsi128_si64(*l) as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::super::sponge::Sponge;
    use super::*;
    use sha3::Digest;

    fn cpu_ok() -> bool {
        std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx512vl")
    }

    /// SHA3-256/512 and SHAKE128/256 against the crates: every input length to 700 bytes, fed in
    /// two pieces (the buffered path) and whole, SHAKE outputs across the rate.
    #[test]
    fn every_variant_matches_the_crates() {
        use sha3::digest::{ExtendableOutput, Update};
        if !cpu_ok() {
            return;
        }
        // SAFETY: features checked.
        let f = |s: &mut [u64; 25]| unsafe { f1600(s) };
        fn run<const R: usize, const P: u8>(d: &[u8], split: usize, n: usize, f: &impl Fn(&mut [u64; 25])) -> Vec<u8> {
            let mut sp = Sponge::<R, P>::new();
            sp.absorb(&d[..split], f);
            sp.absorb(&d[split..], f);
            let mut out = vec![0u8; n];
            sp.squeeze(&mut out, f);
            out
        }
        let data: Vec<u8> = (0..700).map(|i| (i * 7 % 256) as u8).collect();
        for len in 0..700 {
            let d = &data[..len];
            for split in [0, len / 3, len] {
                assert_eq!(run::<136, 0x06>(d, split, 32, &f)[..], sha3::Sha3_256::digest(d)[..], "sha3-256 len {len}");
                assert_eq!(run::<72, 0x06>(d, split, 64, &f)[..], sha3::Sha3_512::digest(d)[..], "sha3-512 len {len}");
            }
            for n in [0, 1, 135, 136, 137, 168, 169, 400] {
                let mut want = vec![0u8; n];
                let mut h = shake::Shake128::default();
                h.update(d);
                h.finalize_xof_into(&mut want);
                assert_eq!(run::<168, 0x1f>(d, len / 2, n, &f), want, "shake128 len {len} out {n}");
                let mut h = shake::Shake256::default();
                h.update(d);
                h.finalize_xof_into(&mut want);
                assert_eq!(run::<136, 0x1f>(d, len / 2, n, &f), want, "shake256 len {len} out {n}");
            }
        }
    }

    /// FIPS 202's first, second and last round constants (the table is computed from the LFSR).
    #[test]
    fn round_constants() {
        assert_eq!((RC[0], RC[1], RC[23]), (0x1, 0x8082, 0x8000_0000_8000_8008));
    }

    #[test]
    #[ignore = "timing; run with --ignored --nocapture in release"]
    fn bench_f1600() {
        if !cpu_ok() {
            return;
        }
        let data = vec![0u8; 1 << 20];
        for _ in 0..3 {
            // SAFETY: features checked.
            let f = |s: &mut [u64; 25]| unsafe { f1600(s) };
            let t = std::time::Instant::now();
            let mut sp = Sponge::<136, 0x06>::new();
            sp.absorb(&data, &f);
            let mut out = [0u8; 32];
            sp.squeeze(&mut out, &f);
            let ours = t.elapsed();
            let t = std::time::Instant::now();
            let d = sha3::Sha3_256::digest(&data);
            let theirs = t.elapsed();
            assert_eq!(out[..], d[..]);
            println!("ours {:.0} MB/s, sha3 crate {:.0} MB/s", 1.048576 / ours.as_secs_f64() , 1.048576 / theirs.as_secs_f64());
        }
    }
}
