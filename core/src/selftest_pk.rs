//! Power-on self-tests of the public-key kernels: a known-answer test where the kernel is
//! deterministic for a given seed (Ed25519, X25519, and the per-algorithm KATs added beside
//! them), plus a pairwise-consistency test for every kernel (FIPS 140-3 style): sign → verify
//! and a corrupted signature rejected; encapsulate → decapsulate to the same secret.

use crate::dispatch::abi::{KemKernel, SignKernel, CAP_SEEDED_KEYPAIR};
use crate::selftest::hx;
use crate::Alg;
use zeroize::Zeroize;

/// Key-generation seed used by the pairwise tests (fixed: self-tests must be reproducible).
fn seed(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i as u8).wrapping_mul(29).wrapping_add(7)).collect()
}

pub(crate) fn sign_ok(alg: Alg, k: &SignKernel) -> bool {
    kat_sign(alg, k) && (known_answer_only(alg) || pairwise_sign(k))
}

/// Algorithms whose power-on test is the known answer alone, without the pairwise
/// keygen → sign → verify test, because that would cost far more than the ~20 ms budget per
/// kernel (measured on the 2-core dev machine): SLH-DSA-SHA2-128s signing takes ~0.3–0.5 s;
/// RSA-3072 key generation ~0.1–1 s; Falcon key generation 5–40 ms per kernel (four kernels on
/// AVX2 machines). Their known answers still exercise the kernel: SLH-DSA key generation (ACVP),
/// RSA verification of an external signature (Wycheproof), Falcon verification of the round-3
/// KAT signatures plus, for Falcon-512, public-key derivation and a sign → verify pair on the
/// KAT key. Signing of every algorithm is covered by the test suite.
fn known_answer_only(alg: Alg) -> bool {
    matches!(alg, Alg::SlhDsaSha2_128s | Alg::RsaPssSha256 | Alg::Falcon512 | Alg::Falcon1024)
}

pub(crate) fn kem_ok(alg: Alg, k: &KemKernel) -> bool {
    kat_kem(alg, k) && pairwise_kem(k)
}

/// Known answers: RFC 8032 §7.1 TEST 1 (Ed25519).
fn kat_sign(alg: Alg, k: &SignKernel) -> bool {
    match alg {
        Alg::Ed25519 => {
            let sk = hx("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
            let (mut pk, mut sig) = ([0u8; 32], [0u8; 64]);
            let (mut pl, mut sl) = (0usize, 0usize);
            // SAFETY: live buffers with their lengths.
            let rc = unsafe {
                (k.public_from_secret)(sk.as_ptr(), 32, pk.as_mut_ptr(), 32, &mut pl)
                    | (k.sign)(sk.as_ptr(), 32, std::ptr::null(), 0, std::ptr::null(), 0, 0, sig.as_mut_ptr(), 64, &mut sl)
            };
            rc == 0
                && pk[..] == hx("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")[..]
                && sig[..] == hx("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")[..]
        }
        // Round-3 KAT record 0: verify (+ Falcon-512: pk from sk, sign → verify on the KAT key).
        Alg::Falcon512 | Alg::Falcon1024 => crate::kernels::falcon::selftest_kat(k),
        // ACVP keyGen SHA2-128s tcId 1.
        Alg::SlhDsaSha2_128s => crate::kernels::slh_dsa::selftest_kat(k),
        // Wycheproof rsa_pss_2048_sha256_mgf1_32 tcId 1 (verify-only).
        Alg::RsaPssSha256 => crate::kernels::rsa_pss::selftest_kat(k),
        _ => true,
    }
}

/// Known answers: RFC 7748 §6.1 (X25519 Diffie–Hellman).
fn kat_kem(alg: Alg, k: &KemKernel) -> bool {
    match alg {
        Alg::X25519 => {
            let a = hx("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
            let b_pub = hx("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
            let (mut pk, mut sk, mut ss) = ([0u8; 32], [0u8; 32], [0u8; 32]);
            // SAFETY: live buffers of the kernel's sizes (32 bytes each).
            let rc = unsafe { (k.keypair)(a.as_ptr(), 32, pk.as_mut_ptr(), sk.as_mut_ptr()) | (k.decaps)(sk.as_ptr(), b_pub.as_ptr(), ss.as_mut_ptr()) };
            let ok = rc == 0
                && pk[..] == hx("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")[..]
                && ss[..] == hx("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")[..];
            sk.zeroize();
            ok
        }
        _ => true,
    }
}

fn pairwise_sign(k: &SignKernel) -> bool {
    let cap = |n: usize| if n == 0 { 8192 } else { n };
    let (mut pk, mut sk, mut sig) = (vec![0u8; cap(k.pk_len)], vec![0u8; cap(k.sk_len)], vec![0u8; cap(k.sig_len)]);
    let (mut pl, mut sl, mut gl) = (0usize, 0usize, 0usize);
    let s = seed(k.seed_len);
    let (sp, sn) = if k.caps & CAP_SEEDED_KEYPAIR != 0 { (s.as_ptr(), s.len()) } else { (std::ptr::null(), 0) };
    let msg = b"xpscrypto power-on self-test";
    // SAFETY: live buffers with their capacities; `pl`/`sl`/`gl` receive the written lengths.
    let ok = unsafe {
        (k.keypair)(sp, sn, pk.as_mut_ptr(), pk.len(), &mut pl, sk.as_mut_ptr(), sk.len(), &mut sl) == 0
            && (k.sign)(sk.as_ptr(), sl, msg.as_ptr(), msg.len(), std::ptr::null(), 0, 0, sig.as_mut_ptr(), sig.len(), &mut gl) == 0
            && (k.verify)(pk.as_ptr(), pl, msg.as_ptr(), msg.len(), std::ptr::null(), 0, sig.as_ptr(), gl) == 0
            && {
                sig[gl / 2] ^= 0x10;
                (k.verify)(pk.as_ptr(), pl, msg.as_ptr(), msg.len(), std::ptr::null(), 0, sig.as_ptr(), gl) != 0
            }
    };
    sk.zeroize();
    ok
}

fn pairwise_kem(k: &KemKernel) -> bool {
    let (mut pk, mut sk, mut ct) = (vec![0u8; k.pk_len], vec![0u8; k.sk_len], vec![0u8; k.ct_len]);
    let (mut ss1, mut ss2) = (vec![0u8; k.ss_len], vec![1u8; k.ss_len]);
    let s = seed(k.seed_len);
    let (sp, sn) = if k.caps & CAP_SEEDED_KEYPAIR != 0 { (s.as_ptr(), s.len()) } else { (std::ptr::null(), 0) };
    // SAFETY: live buffers of the kernel's fixed sizes.
    let ok = unsafe {
        (k.keypair)(sp, sn, pk.as_mut_ptr(), sk.as_mut_ptr()) == 0
            && (k.encaps)(pk.as_ptr(), std::ptr::null(), 0, ct.as_mut_ptr(), ss1.as_mut_ptr()) == 0
            && (k.decaps)(sk.as_ptr(), ct.as_ptr(), ss2.as_mut_ptr()) == 0
    } && ss1 == ss2;
    sk.zeroize();
    ss1.zeroize();
    ss2.zeroize();
    ok
}
