//! Differential tests: every accelerated kernel against the portable one on random inputs of
//! lengths 0..=1 MiB (odd sizes, unaligned slices); our AEADs against RustCrypto's `aes-gcm` and
//! `chacha20poly1305` as oracles; streaming with random split points against one-shot.

mod common;
use common::*;
use xpscrypto_core::dispatch::{self, AeadKernel, AeadSchedule, Candidate, AEAD_SCHED_BYTES, HASH_MODE_DERIVE_KEY, HASH_MODE_KEYED, HASH_MODE_PLAIN};
use xpscrypto_core::{aead, hash, hazmat, mac, Alg};

/// Lengths: every length up to 1100 (all the one-pass ChaCha20 sizes to 960 bytes and their
/// 4/8/16-block edges, the IFMA Poly1305 start at 640, AES-GCM's 256-byte batches), then
/// boundaries around block/batch sizes, then up to 1 MiB.
fn lengths() -> Vec<usize> {
    let mut v: Vec<usize> = (0..=1100).collect();
    for base in [511usize, 1023, 2047, 4095, 8191, 16383, 65535, 131071] {
        v.extend([base, base + 1, base + 2, base + 17]);
    }
    v.extend([(1 << 20) - 1, 1 << 20]);
    v
}

/// Held by the tests that force kernels: a test's `dispatch::reset` would undo another's force,
/// and the other would then run on the default kernel without noticing.
static FORCE: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn force_lock() -> std::sync::MutexGuard<'static, ()> {
    FORCE.lock().unwrap_or_else(|e| e.into_inner())
}

fn op(name: &str) -> &'static dispatch::Op {
    dispatch::ops().iter().find(|o| o.name == name).unwrap_or_else(|| panic!("no op {name}"))
}

fn available(o: &dispatch::Op) -> Vec<Candidate> {
    o.candidates.iter().copied().filter(|c| dispatch::is_available(c.desc())).collect()
}

fn run_hash(alg: Alg, c: &Candidate, mode: u32, key: &[u8], data: &[u8], out_len: usize) -> Vec<u8> {
    let Candidate::Hash(k) = c else { unreachable!() };
    let mut h = hazmat::hasher_on_kernel(alg, k, mode, key).unwrap();
    h.update(data);
    let mut out = vec![0u8; out_len];
    if matches!(alg, Alg::Shake128 | Alg::Shake256 | Alg::Blake3) {
        h.finalize_xof(&mut out).unwrap();
    } else {
        h.finalize_into(&mut out).unwrap();
    }
    out
}

#[test]
fn hash_kernels_agree() {
    xpscrypto_core::init().unwrap();
    let mut rng = TestRng::new(1);
    let big = rng.bytes((1 << 20) + 64);
    let mut compared = 0;
    for alg in dispatch::HASH_OPS {
        let o = op(&format!("hash.{}", alg.name()));
        let cands = available(o);
        let out_len = hash::default_len(alg).unwrap();
        for len in lengths() {
            let off = rng.below(8);
            let data = &big[off..off + len];
            let want = run_hash(alg, &o.candidates[0], HASH_MODE_PLAIN, &[], data, out_len);
            // XOF output lengths: short ones everywhere; around and across the SHAKE rates (136,
            // 168 bytes: exact multiples, one more permutation, one byte short) for short inputs.
            let xof = matches!(alg, Alg::Shake128 | Alg::Shake256 | Alg::Blake3);
            const RATES: [usize; 12] = [0, 1, 131, 135, 136, 137, 167, 168, 169, 272, 336, 1000];
            let ns: &[usize] = match (xof, len <= 300) {
                (false, _) => &[],
                (true, true) => &RATES,
                (true, false) => &[1, 131],
            };
            for c in &cands[1..] {
                assert_eq!(run_hash(alg, c, HASH_MODE_PLAIN, &[], data, out_len), want, "{} len {len} off {off}", c.desc().name());
                for &n in ns {
                    assert_eq!(run_hash(alg, c, HASH_MODE_PLAIN, &[], data, n), run_hash(alg, &o.candidates[0], HASH_MODE_PLAIN, &[], data, n), "{} len {len} out {n}", c.desc().name());
                }
                compared += 1;
            }
            // Kernels with a plain one-shot entry point: it must agree too (also at XOF lengths).
            for c in &cands {
                let Candidate::Hash(k) = c else { unreachable!() };
                if let Some(f) = k.oneshot {
                    // Fixed-output hashes are only ever asked for their digest length; XOFs for any.
                    let ns: Vec<usize> = std::iter::once(out_len).chain(ns.iter().copied()).collect();
                    for &n in &ns {
                        let mut got = vec![0u8; n];
                        // SAFETY: valid slices with their lengths.
                        unsafe { f(data.as_ptr(), data.len(), got.as_mut_ptr(), n) };
                        let want_n = run_hash(alg, &o.candidates[0], HASH_MODE_PLAIN, &[], data, n);
                        assert_eq!(got, want_n, "{} oneshot len {len} out {n}", k.desc.name());
                    }
                    compared += 1;
                }
            }
        }
    }
    // BLAKE3 modes and long XOF outputs.
    let o = op("hash.blake3");
    let key = rng.bytes(32);
    // (255–257: the edge of the AVX-512 kernel's short stream.)
    for len in [0usize, 1, 64, 255, 256, 257, 1024, 1025, 4096, 100_000] {
        for out_len in [1usize, 32, 65, 1000] {
            let data = &big[3..3 + len];
            for (mode, k) in [(HASH_MODE_PLAIN, &[][..]), (HASH_MODE_KEYED, &key[..]), (HASH_MODE_DERIVE_KEY, b"xpscrypto 2026 test context".as_slice())] {
                let want = run_hash(Alg::Blake3, &o.candidates[0], mode, k, data, out_len);
                for c in &available(o)[1..] {
                    assert_eq!(run_hash(Alg::Blake3, c, mode, k, data, out_len), want);
                    compared += 1;
                }
            }
        }
    }
    println!("{compared} kernel comparisons");
    assert!(compared > 0 || std::env::var("XPS_CPU_DISABLE").is_ok(), "no accelerated hash kernel was compared");
}

/// Seal, then open, in place on `k` (the kernel ABI's `input == output`): (ciphertext ‖ tag,
/// plaintext). The hazmat helpers call kernels out of place.
fn seal_open_in_place(k: &AeadKernel, key: &[u8], nonce: &[u8], aad: &[u8], pt: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut s = Box::new(AeadSchedule([0; AEAD_SCHED_BYTES]));
    // SAFETY: a schedule blob of the ABI's size and a key slice with its length.
    assert_eq!(unsafe { (k.setup)(&mut *s, key.as_ptr(), key.len()) }, 0);
    let (mut buf, mut tag) = (pt.to_vec(), [0u8; 16]);
    let p = buf.as_mut_ptr();
    // SAFETY: `p` is valid for `buf.len()` bytes, used as input and output (in place).
    unsafe { (k.seal)(&*s, nonce.as_ptr(), nonce.len(), aad.as_ptr(), aad.len(), p, p, buf.len(), tag.as_mut_ptr()) };
    let sealed = [&buf[..], &tag[..]].concat();
    // SAFETY: as above, with the tag just written.
    let rc = unsafe { (k.open)(&*s, nonce.as_ptr(), nonce.len(), aad.as_ptr(), aad.len(), p, p, buf.len(), tag.as_ptr()) };
    assert_eq!(rc, 0, "{} in-place open", k.desc.name());
    (sealed, buf)
}

#[test]
fn aead_kernels_agree_and_cross_open() {
    xpscrypto_core::init().unwrap();
    let mut rng = TestRng::new(2);
    let big = rng.bytes((1 << 20) + 64);
    for alg in dispatch::AEAD_OPS {
        let o = op(&format!("aead.{}", alg.name()));
        let cands = available(o);
        let Candidate::Aead(portable) = o.candidates[0] else { unreachable!() };
        for len in lengths() {
            let key = rng.bytes(aead::key_len(alg).unwrap());
            let nonce = rng.bytes(aead::nonce_len(alg).unwrap());
            let aad = rng.bytes_upto(70);
            let off = rng.below(8);
            let pt = &big[off..off + len];
            let want = hazmat::aead_seal_on_kernel(alg, &portable, &key, &nonce, &aad, pt).unwrap();
            for c in &cands {
                let Candidate::Aead(k) = c else { unreachable!() };
                let got = hazmat::aead_seal_on_kernel(alg, k, &key, &nonce, &aad, pt).unwrap();
                assert_eq!(got, want, "{} len {len}", k.desc.name());
                // In place (input == output, the Rust API's path) gives the same bytes back.
                let (sealed, opened) = seal_open_in_place(k, &key, &nonce, &aad, pt);
                assert_eq!((&sealed, &opened[..]), (&want, pt), "{} in place, len {len}", k.desc.name());
                // Cross-open both ways, and a flipped bit is rejected by every kernel.
                assert_eq!(hazmat::aead_open_on_kernel(alg, k, &key, &nonce, &aad, &want).unwrap(), pt);
                assert_eq!(hazmat::aead_open_on_kernel(alg, &portable, &key, &nonce, &aad, &got).unwrap(), pt);
                let mut bad = got.clone();
                let i = rng.below(bad.len());
                bad[i] ^= 1 << rng.below(8);
                assert!(hazmat::aead_open_on_kernel(alg, k, &key, &nonce, &aad, &bad).is_err());
            }
        }
    }
}

/// Long AAD next to the size thresholds of the fast paths: the AES-GCM short path (≤ 96 bytes,
/// ≤ 16 bytes of AAD), the one-pass ChaCha20 sizes (≤ 192 / 448 / 960 bytes), the IFMA Poly1305
/// (from 640 bytes, so a long AAD starts its stream) and the stitched ChaCha20-Poly1305 seal
/// (from 2 KiB, 1 KiB batches).
#[test]
fn aead_kernels_agree_on_long_aad_and_fast_path_edges() {
    xpscrypto_core::init().unwrap();
    let mut rng = TestRng::new(5);
    let cases = [
        (0, 17), (96, 16), (96, 17), (97, 16), (192, 300), (193, 64), (448, 640), (449, 1), (639, 700), (640, 129),
        (960, 2000), (961, 33), (2047, 256), (2048, 0), (2048, 255), (2048, 256), (2049, 300),
        (3000, 1025), (4101, 257), (16384, 4096), (70000, 13),
    ]; // prettier-ignore
    for alg in dispatch::AEAD_OPS {
        let o = op(&format!("aead.{}", alg.name()));
        let Candidate::Aead(portable) = o.candidates[0] else { unreachable!() };
        for (len, aad_len) in cases {
            let key = rng.bytes(aead::key_len(alg).unwrap());
            let nonce = rng.bytes(aead::nonce_len(alg).unwrap());
            let (aad, pt) = (rng.bytes(aad_len), rng.bytes(len));
            let want = hazmat::aead_seal_on_kernel(alg, &portable, &key, &nonce, &aad, &pt).unwrap();
            for c in available(o) {
                let Candidate::Aead(k) = c else { unreachable!() };
                assert_eq!(hazmat::aead_seal_on_kernel(alg, &k, &key, &nonce, &aad, &pt).unwrap(), want, "{} {len}/{aad_len}", k.desc.name());
                assert_eq!(hazmat::aead_open_on_kernel(alg, &k, &key, &nonce, &aad, &want).unwrap(), pt);
                let mut bad_aad = aad.clone();
                if let Some(b) = bad_aad.last_mut() {
                    *b ^= 0x80;
                    assert!(hazmat::aead_open_on_kernel(alg, &k, &key, &nonce, &bad_aad, &want).is_err());
                }
            }
        }
    }
}

#[test]
fn aead_against_rustcrypto_oracles() {
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    let mut rng = TestRng::new(3);
    for len in lengths().into_iter().filter(|l| *l <= 70_000) {
        let pt = rng.bytes(len);
        let aad = rng.bytes_upto(40);
        let payload = || Payload { msg: &pt[..], aad: &aad[..] };
        let (k16, k32, n12, n24) = (rng.bytes(16), rng.bytes(32), rng.bytes(12), rng.bytes(24));
        let oracle = aes_gcm::Aes128Gcm::new_from_slice(&k16).unwrap().encrypt(n12.as_slice().try_into().unwrap(), payload()).unwrap();
        assert_eq!(aead::seal_to_vec(Alg::Aes128Gcm, &k16, &n12, &aad, &pt).unwrap(), oracle, "aes-128-gcm {len}");
        let oracle = aes_gcm::Aes256Gcm::new_from_slice(&k32).unwrap().encrypt(n12.as_slice().try_into().unwrap(), payload()).unwrap();
        assert_eq!(aead::seal_to_vec(Alg::Aes256Gcm, &k32, &n12, &aad, &pt).unwrap(), oracle, "aes-256-gcm {len}");
        let oracle = chacha20poly1305::ChaCha20Poly1305::new_from_slice(&k32).unwrap().encrypt(n12.as_slice().try_into().unwrap(), payload()).unwrap();
        assert_eq!(aead::seal_to_vec(Alg::ChaCha20Poly1305, &k32, &n12, &aad, &pt).unwrap(), oracle, "chacha20-poly1305 {len}");
        let oracle = chacha20poly1305::XChaCha20Poly1305::new_from_slice(&k32).unwrap().encrypt(n24.as_slice().try_into().unwrap(), payload()).unwrap();
        assert_eq!(aead::seal_to_vec(Alg::XChaCha20Poly1305, &k32, &n24, &aad, &pt).unwrap(), oracle, "xchacha20-poly1305 {len}");
    }
}

#[test]
fn kdfs_against_rustcrypto_oracles() {
    let _force = force_lock();
    // HKDF and PBKDF2 over each SHA-2 size, on every available SHA-384/512 kernel (the
    // chaining-value HMAC runs on the active kernel's compression entry). Keys, salts and IKM to
    // 200 bytes: past the 64- and 128-byte blocks, so long keys are hashed first.
    let mut rng = TestRng::new(4);
    let kernels: Vec<&str> = available(op("hash.sha512")).iter().map(|c| c.desc().name()).collect();
    for (round, k) in kernels.iter().enumerate() {
        dispatch::force("hash.sha512", k).unwrap();
        let k384 = k.replace("sha512", "sha384");
        dispatch::force("hash.sha384", &k384).unwrap();
        for i in 0..40 {
            let (ikm, salt, info) = (rng.bytes_upto(200), rng.bytes_upto(200), rng.bytes_upto(100));
            let case = format!("{k} round {round} case {i}");
            for (alg, hl) in [(Alg::HkdfSha256, 32), (Alg::HkdfSha384, 48), (Alg::HkdfSha512, 64)] {
                let n = 1 + rng.below(255 * hl);
                let mut ours = vec![0u8; n];
                xpscrypto_core::kdf::hkdf(alg, &ikm, &salt, &info, &mut ours).unwrap();
                let mut theirs = vec![0u8; n];
                match hl {
                    32 => hkdf::Hkdf::<sha2::Sha256>::new(Some(&salt[..]), &ikm).expand(&info, &mut theirs).unwrap(),
                    48 => hkdf::Hkdf::<sha2::Sha384>::new(Some(&salt[..]), &ikm).expand(&info, &mut theirs).unwrap(),
                    _ => hkdf::Hkdf::<sha2::Sha512>::new(Some(&salt[..]), &ikm).expand(&info, &mut theirs).unwrap(),
                }
                assert_eq!(ours, theirs, "{} {case}", alg.name());
            }
            let iters = 1 + rng.below(20) as u32;
            for alg in [Alg::Pbkdf2Sha256, Alg::Pbkdf2Sha512] {
                let mut ours = vec![0u8; 1 + rng.below(150)];
                let mut theirs = ours.clone();
                xpscrypto_core::kdf::pbkdf2(alg, &ikm, &salt, iters, &mut ours).unwrap();
                if alg == Alg::Pbkdf2Sha256 {
                    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(&ikm, &salt, iters, &mut theirs);
                } else {
                    pbkdf2::pbkdf2_hmac::<sha2::Sha512>(&ikm, &salt, iters, &mut theirs);
                }
                assert_eq!(ours, theirs, "{} {case}", alg.name());
            }
            use hmac::{KeyInit, Mac};
            let mut m = hmac::Hmac::<sha2::Sha384>::new_from_slice(&ikm).unwrap();
            m.update(&info);
            assert_eq!(mac::mac(Alg::HmacSha384, &ikm, &info).unwrap(), m.finalize().into_bytes().to_vec(), "{case}");
        }
    }
    dispatch::reset().unwrap();
}

#[test]
fn hmac_fast_paths_equal_generic_hmac() {
    let _force = force_lock();
    // One-shot HMAC-SHA256 and PBKDF2/HKDF against the streaming Mac and the RustCrypto `hmac`
    // crate. (The one-shot and the stream share `digest_with`; the crate is the independent
    // check.)
    use hmac::{KeyInit, Mac as _};
    let mut rng = TestRng::new(6);
    for i in 0..400 {
        let key = rng.bytes_upto(150);
        let extra = rng.below(3);
        let msg = rng.bytes([0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000][i % 11] + extra);
        let fast = mac::mac(Alg::HmacSha256, &key, &msg).unwrap();
        let mut m = mac::Mac::new(Alg::HmacSha256, &key).unwrap();
        let cut = rng.below(msg.len() + 1);
        m.update(&msg[..cut]).update(&msg[cut..]);
        assert_eq!(fast, m.finalize(), "case {i}");
        let mut o = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
        o.update(&msg);
        assert_eq!(fast, o.finalize().into_bytes().to_vec(), "case {i} vs hmac crate");
    }
    // One-shot HMAC-SHA384/512 (chaining values on the SHA-384/512 compression entry), every
    // kernel: keys around the 128-byte block (longer ones are hashed), messages around the
    // 112-byte padding edge.
    for (alg, h) in [(Alg::HmacSha384, "hash.sha384"), (Alg::HmacSha512, "hash.sha512")] {
        for c in available(op(h)) {
            dispatch::force(h, c.desc().name()).unwrap();
            for i in 0..300 {
                let (kx, mx) = (rng.below(2), rng.below(3));
                let key = rng.bytes([0, 1, 32, 127, 128, 129, 200][i % 7] + kx);
                let msg = rng.bytes([0, 1, 64, 111, 112, 113, 127, 128, 129, 240, 1000][i % 11] + mx);
                let fast = mac::mac(alg, &key, &msg).unwrap();
                let mut m = mac::Mac::new(alg, &key).unwrap();
                let cut = rng.below(msg.len() + 1);
                m.update(&msg[..cut]).update(&msg[cut..]);
                assert_eq!(fast, m.finalize(), "{} case {i}", c.desc().name());
                let want = hmac_crate_tag(alg, &key, &msg);
                assert_eq!(fast, want, "{} case {i} vs hmac crate", c.desc().name());
            }
        }
        dispatch::reset().unwrap();
    }
}

/// Puts HMAC back on the chaining-value path when dropped (also when a test fails).
#[cfg(feature = "testing")]
struct GenericHmac;
#[cfg(feature = "testing")]
impl GenericHmac {
    fn on() -> GenericHmac {
        mac::generic_hmac_for_tests(true);
        GenericHmac
    }
}
#[cfg(feature = "testing")]
impl Drop for GenericHmac {
    fn drop(&mut self) {
        mac::generic_hmac_for_tests(false);
    }
}

/// The RustCrypto `hmac` crate's tag (the oracle).
fn hmac_crate_tag(alg: Alg, key: &[u8], msg: &[u8]) -> Vec<u8> {
    use hmac::{KeyInit, Mac as _};
    fn t<D: hmac::digest::block_api::EagerHash>(key: &[u8], msg: &[u8]) -> Vec<u8>
    where
        hmac::Hmac<D>: KeyInit + hmac::Mac,
    {
        let mut o = hmac::Hmac::<D>::new_from_slice(key).unwrap();
        o.update(msg);
        o.finalize().into_bytes().to_vec()
    }
    match alg {
        Alg::HmacSha256 => t::<sha2::Sha256>(key, msg),
        Alg::HmacSha384 => t::<sha2::Sha384>(key, msg),
        _ => t::<sha2::Sha512>(key, msg),
    }
}

/// HMAC streams (`Mac`) cut at random points and cloned mid-stream, one-shot MAC, verify and
/// verify_truncated (stream and one-shot), each against the `hmac` crate; `engine` is the
/// `Mac` engine the streams must be on (its `Debug` name).
fn check_hmac_streams(rng: &mut TestRng, rounds: usize, engine: &str, what: &str) {
    for i in 0..rounds {
        let key = rng.bytes([0, 1, 32, 63, 64, 65, 127, 128, 129, 300][i % 10]);
        let len = [0, 1, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129, 255, 256, 1000, 5000][i % 16] + rng.below(2);
        let msg = rng.bytes(len);
        for alg in [Alg::HmacSha256, Alg::HmacSha384, Alg::HmacSha512] {
            let want = hmac_crate_tag(alg, &key, &msg);
            let case = format!("{} {what} case {i} key {} msg {len}", alg.name(), key.len());
            let mut cuts: Vec<usize> = (0..rng.below(5)).map(|_| rng.below(len + 1)).collect();
            cuts.extend([0, len]);
            cuts.sort();
            let mut m = mac::Mac::new(alg, &key).unwrap();
            let shown = format!("{m:?}");
            assert!(shown.contains(engine), "{case}: not on the {engine} engine: {shown}");
            // (The chaining-value state prints as `<redacted>`, a hash stream with its state elided.)
            assert!(shown.contains("<redacted>") || shown.contains(", .. }"), "{case}: Debug shows the state: {shown}");
            let mut copy = None;
            for (j, w) in cuts.windows(2).enumerate() {
                m.update(&msg[w[0]..w[1]]);
                if j == 0 {
                    copy = Some((m.clone(), w[1]));
                }
            }
            assert_eq!(m.finalize(), want, "{case}");
            if let Some((mut c, at)) = copy {
                c.update(&msg[at..]);
                c.verify(&want).unwrap_or_else(|e| panic!("{case} clone: {e}"));
            }
            assert_eq!(mac::mac(alg, &key, &msg).unwrap(), want, "{case} one-shot");
            mac::verify(alg, &key, &msg, &want).unwrap_or_else(|e| panic!("{case} one-shot verify: {e}"));
            let cut = 16 + i % (want.len() - 15);
            mac::verify_truncated(alg, &key, &msg, &want[..cut]).unwrap_or_else(|e| panic!("{case} verify_truncated {cut}: {e}"));
            let mut m = mac::Mac::new(alg, &key).unwrap();
            m.update(&msg);
            m.verify_truncated(&want[..cut]).unwrap_or_else(|e| panic!("{case} stream verify_truncated {cut}: {e}"));
            let mut bad = want.clone();
            bad[i % cut] ^= 1;
            let mut m = mac::Mac::new(alg, &key).unwrap();
            m.update(&msg);
            assert!(m.clone().verify(&bad).is_err(), "{case} altered tag accepted");
            assert!(m.verify_truncated(&bad[..cut]).is_err(), "{case} altered truncated tag accepted");
            assert!(mac::verify(alg, &key, &msg, &bad).is_err(), "{case} one-shot: altered tag accepted");
        }
    }
}

#[test]
fn hmac_streams_on_every_sha2_kernel_against_hmac_crate() {
    let _force = force_lock();
    // The chaining-value stream (`hmac_stream.rs`), the default with every built-in kernel, on
    // each available SHA-256 and SHA-384/512 kernel.
    let mut rng = TestRng::new(8);
    let k256: Vec<&str> = available(op("hash.sha256")).iter().map(|c| c.desc().name()).collect();
    let k512: Vec<&str> = available(op("hash.sha512")).iter().map(|c| c.desc().name()).collect();
    for i in 0..k256.len().max(k512.len()) {
        let (a, b) = (k256[i % k256.len()], k512[i % k512.len()]);
        dispatch::force("hash.sha256", a).unwrap();
        dispatch::force("hash.sha512", b).unwrap();
        dispatch::force("hash.sha384", &b.replace("sha512", "sha384")).unwrap();
        check_hmac_streams(&mut rng, 120, "Cv(", &format!("on {a} / {b}"));
    }
    dispatch::reset().unwrap();
}

#[cfg(feature = "testing")]
#[test]
fn generic_hmac_path_against_rustcrypto() {
    let _force = force_lock();
    // Everything HMAC on the generic path over hash streams, which a hot-patched SHA-2 kernel
    // without a compression entry gets (no built-in kernel lacks one): streams, one-shots,
    // verification, HKDF and PBKDF2 of every size, against the RustCrypto crates.
    let _g = GenericHmac::on();
    let mut rng = TestRng::new(9);
    check_hmac_streams(&mut rng, 160, "Hash {", "generic");
    for i in 0..20 {
        let (ikm, salt, info) = (rng.bytes_upto(200), rng.bytes_upto(200), rng.bytes_upto(100));
        let mut ours = vec![0u8; 1 + rng.below(400)];
        let mut theirs = ours.clone();
        xpscrypto_core::kdf::hkdf(Alg::HkdfSha256, &ikm, &salt, &info, &mut ours).unwrap();
        hkdf::Hkdf::<sha2::Sha256>::new(Some(&salt[..]), &ikm).expand(&info, &mut theirs).unwrap();
        assert_eq!(ours, theirs, "generic hkdf-sha256 case {i}");
        xpscrypto_core::kdf::hkdf(Alg::HkdfSha384, &ikm, &salt, &info, &mut ours).unwrap();
        hkdf::Hkdf::<sha2::Sha384>::new(Some(&salt[..]), &ikm).expand(&info, &mut theirs).unwrap();
        assert_eq!(ours, theirs, "generic hkdf-sha384 case {i}");
        xpscrypto_core::kdf::hkdf(Alg::HkdfSha512, &ikm, &salt, &info, &mut ours).unwrap();
        hkdf::Hkdf::<sha2::Sha512>::new(Some(&salt[..]), &ikm).expand(&info, &mut theirs).unwrap();
        assert_eq!(ours, theirs, "generic hkdf-sha512 case {i}");
        let iters = 1 + rng.below(5) as u32;
        xpscrypto_core::kdf::pbkdf2(Alg::Pbkdf2Sha256, &ikm, &salt, iters, &mut ours).unwrap();
        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(&ikm, &salt, iters, &mut theirs);
        assert_eq!(ours, theirs, "generic pbkdf2-sha256 case {i}");
        xpscrypto_core::kdf::pbkdf2(Alg::Pbkdf2Sha512, &ikm, &salt, iters, &mut ours).unwrap();
        pbkdf2::pbkdf2_hmac::<sha2::Sha512>(&ikm, &salt, iters, &mut theirs);
        assert_eq!(ours, theirs, "generic pbkdf2-sha512 case {i}");
    }
}

#[test]
fn sha2_streams_at_block_edges_against_sha2_crate() {
    let _force = force_lock();
    // The SHA-2 streams keep their last block back until more data arrives (`kernels/md.rs`):
    // every length to 600 (every 64- and 128-byte edge), fed whole, in block-sized pieces, in
    // pieces of a random size, and byte by byte, on every kernel, against the `sha2` crate.
    use sha2::Digest;
    let mut rng = TestRng::new(10);
    let data = rng.bytes(600);
    for (alg, name) in [(Alg::Sha256, "hash.sha256"), (Alg::Sha384, "hash.sha384"), (Alg::Sha512, "hash.sha512")] {
        for c in available(op(name)) {
            dispatch::force(name, c.desc().name()).unwrap();
            for len in 0..=600 {
                let msg = &data[..len];
                let want = match alg {
                    Alg::Sha256 => sha2::Sha256::digest(msg).to_vec(),
                    Alg::Sha384 => sha2::Sha384::digest(msg).to_vec(),
                    _ => sha2::Sha512::digest(msg).to_vec(),
                };
                let bl = if alg == Alg::Sha256 { 64 } else { 128 };
                let step = 1 + rng.below(150);
                for (how, piece) in [("whole", len.max(1)), ("blocks", bl), ("random", step), ("bytes", 1)] {
                    if how == "bytes" && len % 7 != 0 {
                        continue;
                    }
                    let mut h = hash::Hasher::new(alg).unwrap();
                    for p in msg.chunks(piece) {
                        h.update(p);
                        h.update(&[]);
                    }
                    let copy = h.clone();
                    let case = format!("{} len {len} {how} ({piece})", c.desc().name());
                    assert_eq!(h.finalize(), want, "{case}");
                    assert_eq!(copy.finalize(), want, "{case} clone");
                }
            }
        }
    }
    dispatch::reset().unwrap();
}

#[test]
fn streaming_random_splits_equal_one_shot() {
    let _force = force_lock();
    let mut rng = TestRng::new(5);
    let data = rng.bytes(300_000);
    let key32 = rng.bytes(32);
    for round in 0..6 {
        let len = [0, 1, 63, 64, 1000, 300_000][round];
        let msg = &data[..len];
        let cut = |rng: &mut TestRng| {
            let mut cuts: Vec<usize> = (0..rng.below(6)).map(|_| rng.below(len + 1)).collect();
            cuts.push(0);
            cuts.push(len);
            cuts.sort();
            cuts
        };
        for alg in dispatch::HASH_OPS {
            let mut h = hash::Hasher::new(alg).unwrap();
            let cuts = cut(&mut rng);
            for w in cuts.windows(2) {
                h.update(&msg[w[0]..w[1]]);
            }
            let copy = h.clone();
            assert_eq!(h.finalize(), hash::hash(alg, msg).unwrap(), "{} len {len}", alg.name());
            assert_eq!(copy.finalize(), hash::hash(alg, msg).unwrap(), "{} clone len {len}", alg.name());
        }
        for alg in [Alg::HmacSha256, Alg::HmacSha384, Alg::HmacSha512, Alg::Poly1305, Alg::Blake3Keyed] {
            let mut m = mac::Mac::new(alg, &key32).unwrap();
            for w in cut(&mut rng).windows(2) {
                m.update(&msg[w[0]..w[1]]);
            }
            assert_eq!(m.finalize(), mac::mac(alg, &key32, msg).unwrap(), "{} len {len}", alg.name());
        }
    }
}

#[test]
fn blake3_keyed_mac_on_every_kernel() {
    let _force = force_lock();
    // The keyed one-shot (`mac::mac` with blake3-keyed) has its own path per built-in kernel
    // (AVX-512 one-chunk code up to 512 bytes, the crate, ours portable): each against the
    // `blake3` crate and against the streaming MAC, at every length to 1100 and a few long ones.
    let mut rng = TestRng::new(9);
    let big = rng.bytes(70_000);
    let key: [u8; 32] = rng.bytes(32).try_into().unwrap();
    for c in available(op("hash.blake3")) {
        dispatch::force("hash.blake3", c.desc().name()).unwrap();
        for len in (0..=1100).chain([2048, 4097, 70_000]) {
            let off = rng.below(8).min(big.len() - len);
            let msg = &big[off..off + len];
            let want = blake3::keyed_hash(&key, msg);
            let got = mac::mac(Alg::Blake3Keyed, &key, msg).unwrap();
            assert_eq!(&got[..], want.as_bytes(), "{} len {len}", c.desc().name());
            if len % 97 == 0 {
                let mut m = mac::Mac::new(Alg::Blake3Keyed, &key).unwrap();
                m.update(msg);
                assert_eq!(m.finalize(), got, "{} streaming len {len}", c.desc().name());
            }
        }
    }
    dispatch::reset().unwrap();
}

#[test]
fn hazmat_refuses_kernels_the_cpu_cannot_run() {
    // A kernel whose descriptor asks for every feature bit: no CPU has them all, so the hazmat
    // entry points must refuse it instead of running instructions the CPU lacks.
    static NEEDS_ALL: dispatch::KernelDesc = dispatch::KernelDesc { name: c"test/needs-everything".as_ptr(), requires: u64::MAX, constant_time: true, priority: 0 };
    let Candidate::Hash(k) = op("hash.sha256").candidates[0] else { unreachable!() };
    let k = dispatch::HashKernel { desc: &NEEDS_ALL, ..k };
    assert_eq!(hazmat::hasher_on_kernel(Alg::Sha256, &k, HASH_MODE_PLAIN, &[]).unwrap_err().status, xpscrypto_core::Status::KernelUnavailable);
    let Candidate::Aead(a) = op("aead.aes-256-gcm").candidates[0] else { unreachable!() };
    let a = dispatch::AeadKernel { desc: &NEEDS_ALL, ..a };
    let err = hazmat::aead_seal_on_kernel(Alg::Aes256Gcm, &a, &[0; 32], &[0; 12], b"", b"x").unwrap_err();
    assert_eq!(err.status, xpscrypto_core::Status::KernelUnavailable);
}

#[test]
fn hazmat_refuses_edited_hash_kernels() {
    // A stream's state blob is exactly its kernel's `state_size` bytes: a `HashKernel` whose
    // public fields were edited (a smaller state, another kernel's functions) must be refused,
    // or BLAKE3's ~1.9 KiB init would write past a 1-byte blob. Unedited kernels still run.
    let b3 = available(op("hash.blake3"));
    let Candidate::Hash(k) = b3[0] else { unreachable!() };
    let small = dispatch::HashKernel { state_size: 1, ..k };
    assert_eq!(hazmat::hasher_on_kernel(Alg::Blake3, &small, HASH_MODE_PLAIN, &[]).unwrap_err().status, xpscrypto_core::Status::KernelUnavailable);
    let Candidate::Hash(sha) = op("hash.sha256").candidates[0] else { unreachable!() };
    let mixed = dispatch::HashKernel { init: k.init, ..sha };
    assert_eq!(hazmat::hasher_on_kernel(Alg::Sha256, &mixed, HASH_MODE_PLAIN, &[]).unwrap_err().status, xpscrypto_core::Status::KernelUnavailable);
    // Every BLAKE3 kernel in turn (their states differ in size: the per-thread spare blob is
    // swapped each time), against the crate.
    for round in 0..3 {
        for c in &b3 {
            let Candidate::Hash(k) = c else { unreachable!() };
            let data = vec![round as u8; 100 + round];
            assert_eq!(run_hash(Alg::Blake3, c, HASH_MODE_PLAIN, &[], &data, 32), blake3::hash(&data).as_bytes().to_vec(), "{}", k.desc.name());
        }
    }
}
