//! FIPS 204 `sigDecode`'s rejections, checked on the encoded signature without decoding it: the
//! `‖z‖∞ < γ1 − β` bound of Algorithm 8 and the hint encoding of Algorithm 21 (`HintBitUnpack`).
//! The PQClean kernel runs this before PQClean's verification, which skips the bound; it used to
//! run the `ml-dsa` crate's full decode for the same answer at several times the cost. The unit
//! tests below hold it equal to that decode (`reference::sig_well_formed`).

use super::Params;

/// Whether `sig` has the right length, every z coefficient within the bound, and a well-formed
/// hint encoding. Signatures are public: early exits are fine.
pub(crate) fn sig_shape_ok<P: Params>(sig: &[u8]) -> bool {
    if sig.len() != P::SIG {
        return false;
    }
    let bits = P::GAMMA1_BITS as usize + 1;
    let z_len = P::L * 32 * bits;
    z_in_bound::<P>(&sig[P::CTILDE..P::CTILDE + z_len]) && hints_ok::<P>(&sig[P::CTILDE + z_len..])
}

/// z is packed as v = γ1 − z in `GAMMA1_BITS + 1` bits, little-endian; `|z| < γ1 − β` is
/// `β < v < 2γ1 − β`.
fn z_in_bound<P: Params>(z: &[u8]) -> bool {
    let g1 = 1u32 << P::GAMMA1_BITS;
    let (lo, hi) = (P::Z_BETA, 2 * g1 - P::Z_BETA);
    let ok = |v: u32| (v > lo) & (v < hi);
    let mut all = true;
    match P::GAMMA1_BITS {
        // 18-bit coefficients, four per 9 bytes.
        17 => {
            for c in z.chunks_exact(9) {
                let a = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
                let top = u32::from(c[8]);
                let m = (1u64 << 18) - 1;
                all &= ok((a & m) as u32) & ok(((a >> 18) & m) as u32) & ok(((a >> 36) & m) as u32) & ok(((a >> 54) as u32) | (top << 10));
            }
        }
        // 20-bit coefficients, two per 5 bytes.
        19 => {
            for c in z.chunks_exact(5) {
                let a = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], 0, 0, 0]);
                all &= ok((a & 0xF_FFFF) as u32) & ok((a >> 20) as u32);
            }
        }
        _ => unreachable!("FIPS 204 has γ1 = 2^17 or 2^19"),
    }
    all
}

/// Algorithm 21: ω index bytes, then k cumulative counts; counts never decrease and stay ≤ ω,
/// indices strictly increase within a polynomial, and unused index bytes are zero.
fn hints_ok<P: Params>(h: &[u8]) -> bool {
    let (idx, counts) = h.split_at(P::OMEGA);
    let mut at = 0usize;
    for &end in counts {
        let end = usize::from(end);
        if end < at || end > P::OMEGA {
            return false;
        }
        if idx[at..end].windows(2).any(|w| w[0] >= w[1]) {
            return false;
        }
        at = end;
    }
    idx[at..].iter().all(|&b| b == 0)
}

#[cfg(test)]
mod tests {
    use super::super::reference::sig_well_formed;
    use super::*;
    use ml_dsa::{MlDsa44, MlDsa65, MlDsa87};

    /// A tiny deterministic generator (xorshift): the tests must not depend on OS randomness.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Writes the 18/20-bit packed value `v` at coefficient `i` of z.
    fn put_z<P: Params>(sig: &mut [u8], i: usize, v: u32) {
        let bits = P::GAMMA1_BITS as usize + 1;
        for b in 0..bits {
            let pos = P::CTILDE * 8 + i * bits + b;
            let (byte, bit) = (pos / 8, pos % 8);
            sig[byte] = (sig[byte] & !(1 << bit)) | ((((v >> b) & 1) as u8) << bit);
        }
    }

    fn agree<P: Params>(alg: crate::Alg) {
        let (pk, sk) = crate::sign::keypair(alg, Some(&[0x42; 32])).unwrap();
        let _ = pk;
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut checked = (0, 0);
        for m in 0..6u8 {
            let opts = crate::sign::SignOptions { deterministic: true, ..Default::default() };
            let sig = crate::sign::sign_with(alg, sk.as_slice(), &[m; 40], &opts).unwrap();
            assert!(sig_shape_ok::<P>(&sig) && sig_well_formed::<P>(&sig));
            let g1 = 1u32 << P::GAMMA1_BITS;
            let z_coeffs = P::L * 256;
            let h_at = P::CTILDE + z_coeffs * (P::GAMMA1_BITS as usize + 1) / 8;
            for trial in 0..400 {
                let mut s = sig.clone();
                match trial % 5 {
                    // z at and around the bound (and the packing's extremes).
                    0 | 1 => {
                        let v = [0, P::Z_BETA - 1, P::Z_BETA, P::Z_BETA + 1, g1, 2 * g1 - P::Z_BETA - 1, 2 * g1 - P::Z_BETA, 2 * g1 - 1][rng.below(8)];
                        put_z::<P>(&mut s, rng.below(z_coeffs), v);
                    }
                    // One hint index byte or count byte replaced.
                    2 | 3 => {
                        let i = h_at + rng.below(P::OMEGA + P::K);
                        s[i] = match rng.below(3) {
                            0 => s[i].wrapping_add(1),
                            1 => s[i].wrapping_sub(1),
                            _ => rng.next() as u8,
                        };
                    }
                    // Anything, anywhere.
                    _ => {
                        let i = rng.below(s.len());
                        s[i] = rng.next() as u8;
                    }
                }
                let (fast, full) = (sig_shape_ok::<P>(&s), sig_well_formed::<P>(&s));
                assert_eq!(fast, full, "{} trial {trial}", alg.name());
                checked.0 += usize::from(fast);
                checked.1 += usize::from(!fast);
            }
        }
        assert!(checked.0 > 100 && checked.1 > 100, "{}: both outcomes exercised: {checked:?}", alg.name());
        assert!(!sig_shape_ok::<P>(&[0u8; 10]));
    }

    /// Crafted hint encodings (Algorithm 21's rules one by one) and every z lane at the bound,
    /// on ML-DSA-44 (18-bit z) and ML-DSA-65 (20-bit z): the fast check and the crate's decode
    /// give the expected answer.
    fn crafted<P: Params>(alg: crate::Alg) {
        let (_, sk) = crate::sign::keypair(alg, Some(&[0x17; 32])).unwrap();
        let opts = crate::sign::SignOptions { deterministic: true, ..Default::default() };
        let sig = crate::sign::sign_with(alg, sk.as_slice(), b"crafted", &opts).unwrap();
        let h_at = P::SIG - P::OMEGA - P::K;
        let with_hints = |idx: &[u8], counts: &[u8]| {
            let mut s = sig.clone();
            s[h_at..].fill(0);
            s[h_at..h_at + idx.len()].copy_from_slice(idx);
            s[h_at + P::OMEGA..].copy_from_slice(counts);
            s
        };
        let k = P::K;
        let counts = |c: &[u8]| -> Vec<u8> { (0..k).map(|i| *c.get(i).unwrap_or(c.last().unwrap())).collect() };
        let omega = P::OMEGA as u8;
        let all: Vec<u8> = (0..omega).collect();
        let cases: Vec<(&str, Vec<u8>, bool)> = vec![
            ("no hints", with_hints(&[], &counts(&[0])), true),
            ("increasing, then a drop across polynomials", with_hints(&[5, 10, 3], &counts(&[2, 3])), true),
            ("exactly ω hints", with_hints(&all, &counts(&[omega])), true),
            ("equal indices in one polynomial", with_hints(&[5, 5], &counts(&[2])), false),
            ("decreasing in one polynomial", with_hints(&[10, 5], &counts(&[2])), false),
            ("count above ω", with_hints(&[], &counts(&[omega + 1])), false),
            ("counts decreasing", with_hints(&[1, 2, 3], &counts(&[2, 1, 3])), false),
            ("nonzero byte after the last index", with_hints(&[5, 10, 0, 0, 9], &counts(&[2])), false),
        ];
        for (what, s, ok) in cases {
            assert_eq!(sig_shape_ok::<P>(&s), ok, "{} {what}", alg.name());
            assert_eq!(sig_well_formed::<P>(&s), ok, "{} {what} (reference decode)", alg.name());
        }
        let g1 = 1u32 << P::GAMMA1_BITS;
        for i in 0..8 {
            for (v, ok) in [(P::Z_BETA, false), (P::Z_BETA + 1, true), (2 * g1 - P::Z_BETA - 1, true), (2 * g1 - P::Z_BETA, false)] {
                let mut s = sig.clone();
                put_z::<P>(&mut s, i, v);
                assert_eq!(sig_shape_ok::<P>(&s), ok, "{} z[{i}] = {v}", alg.name());
                assert_eq!(sig_well_formed::<P>(&s), ok, "{} z[{i}] = {v} (reference decode)", alg.name());
            }
        }
    }

    #[test]
    fn crafted_hints_and_z_lanes() {
        crafted::<MlDsa44>(crate::Alg::MlDsa44);
        crafted::<MlDsa65>(crate::Alg::MlDsa65);
    }

    #[test]
    fn equals_the_reference_decode() {
        agree::<MlDsa44>(crate::Alg::MlDsa44);
        agree::<MlDsa65>(crate::Alg::MlDsa65);
        agree::<MlDsa87>(crate::Alg::MlDsa87);
    }
}
