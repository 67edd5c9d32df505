//! Power-on self-tests: known-answer tests (values from the standards, cited per test) for every
//! available kernel of every op, run once before the first table is published. If any fails, the
//! library refuses every later operation with `SelfTestFailed`.

use crate::alg::Alg;
use crate::dispatch::{self, AeadKernel, AeadSchedule, Argon2Params, Candidate, HashKernel, AEAD_SCHED_BYTES};
use crate::error::{err, Result, Status};
use crate::hash::StackHasher;
use std::sync::atomic::{AtomicBool, Ordering};

static FAILED: AtomicBool = AtomicBool::new(false);
/// Names of the kernels the power-on self-test has covered (for introspection and tests).
static TESTED: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());

/// The kernels covered by the power-on self-test so far.
pub fn tested_kernels() -> Vec<&'static str> {
    TESTED.lock().unwrap_or_else(|e| e.into_inner()).clone()
}
#[cfg(feature = "testing")]
static INJECT: AtomicBool = AtomicBool::new(false);

/// Test builds only: make the next power-on self-test fail.
#[cfg(feature = "testing")]
pub fn inject_failure_for_testing() {
    INJECT.store(true, Ordering::SeqCst);
}

/// Whether the power-on self-tests have failed (the library is then unusable).
pub fn failed() -> bool {
    FAILED.load(Ordering::Acquire)
}

/// [`failed`] in the sequentially consistent order `dispatch::publish` needs.
pub(crate) fn failed_seqcst() -> bool {
    FAILED.load(Ordering::SeqCst)
}

pub(crate) fn hx(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("static hex")).collect()
}

// (alg, message, expected) — FIPS 180-4 / FIPS 202 examples, RFC 7693 App. A, BLAKE3 official vectors.
const HASH_KATS: &[(Alg, &str, &str)] = &[
    (Alg::Sha256, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (Alg::Sha384, "abc", "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"),
    (Alg::Sha512, "abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
    (Alg::Sha3_256, "abc", "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"),
    (Alg::Sha3_512, "abc", "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0"),
    (Alg::Shake128, "", "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26"),
    (Alg::Shake256, "", "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762fd75dc4ddd8c0f200cb05019d67b592f6fc821c49479ab48640292eacb3b7c4be"),
    (Alg::Blake2b512, "abc", "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"),
    (Alg::Blake2s256, "abc", "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982"),
    (Alg::Blake3, "", "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"),
];

fn kat_hash(alg: Alg, k: &HashKernel) -> bool {
    let Some(&(_, msg, md)) = HASH_KATS.iter().find(|(a, _, _)| *a == alg) else { return false };
    let want = hx(md);
    // A full-size stack blob, not a heap stream: a patch's kernel is tested here before the
    // differential step has checked that it stays inside its declared `state_size`.
    let mut blob = std::mem::MaybeUninit::uninit();
    let mut h = StackHasher::new(&mut blob, *k);
    // Feed in two pieces so buffering is exercised too.
    let (a, b) = msg.as_bytes().split_at(msg.len() / 2);
    h.update(a);
    h.update(b);
    let mut out = vec![0u8; want.len()];
    h.finish(&mut out);
    if let Some(f) = k.oneshot {
        // The one-shot entry (used by one-shot hashes) must give the same answer.
        let mut o = vec![0u8; want.len()];
        // SAFETY: valid slices with their lengths; plain mode.
        unsafe { f(msg.as_ptr(), msg.len(), o.as_mut_ptr(), o.len()) };
        if o != want {
            return false;
        }
    }
    out == want
}

fn kat_poly1305(k: &HashKernel) -> bool {
    // RFC 8439 §2.5.2.
    let key = hx("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
    // (A stack blob, as in `kat_hash`.)
    let mut blob = std::mem::MaybeUninit::uninit();
    let mut h = StackHasher::with_key(&mut blob, *k, &key, dispatch::HASH_MODE_KEYED);
    h.update(b"Cryptographic Forum Research Group");
    let mut out = [0u8; 16];
    h.finish(&mut out);
    out[..] == hx("a8061dc1305136c6c22b8baf0c0127a9")[..]
}

const SUNSCREEN: &[u8] =
    b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";

// (alg, key, nonce, aad, plaintext, expected ciphertext prefix (may be empty), expected tag)
// GCM: McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 2 and 14.
// ChaCha20-Poly1305: RFC 8439 §2.8.2. XChaCha20-Poly1305: draft-irtf-cfrg-xchacha-03 §A.3.1.
/// (alg, key, nonce, aad, plaintext, expected ciphertext prefix, expected tag)
type AeadKat = (Alg, &'static str, &'static str, &'static str, &'static [u8], &'static str, &'static str);
const AEAD_KATS: &[AeadKat] = &[
    (Alg::Aes128Gcm, "00000000000000000000000000000000", "000000000000000000000000", "", &[0; 16], "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf"),
    (Alg::Aes256Gcm, "0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000", "", &[0; 16], "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"),
    (Alg::ChaCha20Poly1305, "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f", "070000004041424344454647", "50515253c0c1c2c3c4c5c6c7", SUNSCREEN, "d31a8d34648e60db7b86afbc53ef7ec2", "1ae10b594f09e26a7e902ecbd0600691"),
    (Alg::XChaCha20Poly1305, "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f", "404142434445464748494a4b4c4d4e4f5051525354555657", "50515253c0c1c2c3c4c5c6c7", SUNSCREEN, "bd6d179d3e83d43b9576579493c0e939", "c0875924c1c7987947deafd8780acf49"),
];

fn kat_aead(alg: Alg, k: &AeadKernel) -> bool {
    let Some(&(_, key, nonce, aad, pt, ct_prefix, tag)) = AEAD_KATS.iter().find(|t| t.0 == alg) else { return false };
    let (key, nonce, aad) = (hx(key), hx(nonce), hx(aad));
    let mut s = Box::new(AeadSchedule([0; AEAD_SCHED_BYTES]));
    // SAFETY: fresh schedule blob; key length is the algorithm's.
    if unsafe { (k.setup)(&mut *s, key.as_ptr(), key.len()) } != 0 {
        return false;
    }
    let mut ct = pt.to_vec();
    let mut t = [0u8; 16];
    // SAFETY: in-place seal over a valid buffer; nonce/aad valid slices; tag buffer 16 bytes.
    unsafe { (k.seal)(&*s, nonce.as_ptr(), nonce.len(), aad.as_ptr(), aad.len(), ct.as_ptr(), ct.as_mut_ptr(), ct.len(), t.as_mut_ptr()) };
    let prefix = hx(ct_prefix);
    let mut ok = t[..] == hx(tag)[..] && ct[..prefix.len()] == prefix[..];
    let mut back = vec![0u8; ct.len()];
    // SAFETY: out-of-place open into a disjoint buffer of the same length.
    let rc = unsafe { (k.open)(&*s, nonce.as_ptr(), nonce.len(), aad.as_ptr(), aad.len(), ct.as_ptr(), back.as_mut_ptr(), ct.len(), t.as_ptr()) };
    ok &= rc == 0 && back == pt;
    t[0] ^= 1;
    let mut untouched = vec![0xA5u8; ct.len()];
    // SAFETY: as above, with a corrupted tag: must fail and leave `untouched` as is.
    let rc = unsafe { (k.open)(&*s, nonce.as_ptr(), nonce.len(), aad.as_ptr(), aad.len(), ct.as_ptr(), untouched.as_mut_ptr(), ct.len(), t.as_ptr()) };
    ok &= rc != 0 && untouched.iter().all(|&b| b == 0xA5);
    zeroize::Zeroize::zeroize(&mut s.0[..]);
    ok
}

fn kat_argon2id(k: &dispatch::Argon2Kernel) -> bool {
    // RFC 9106 §5.3 (Argon2id, v0x13).
    let (pwd, salt, secret, ad) = ([1u8; 32], [2u8; 16], [3u8; 8], [4u8; 12]);
    let p = Argon2Params { t_cost: 3, m_cost_kib: 32, parallelism: 4 };
    let mut out = [0u8; 32];
    // SAFETY: all pointers come from live arrays with their lengths.
    let rc = unsafe {
        (k.run)(&p, pwd.as_ptr(), 32, salt.as_ptr(), 16, secret.as_ptr(), 8, ad.as_ptr(), 12, out.as_mut_ptr(), 32)
    };
    rc == 0 && out[..] == hx("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659")[..]
}

/// The known-answer tests of one candidate of op `op` (power-on, and every hot-patch kernel).
pub(crate) fn known_answers_pass(op: &str, c: &Candidate) -> bool {
    let alg = |prefix: &str| op.strip_prefix(prefix).and_then(Alg::from_name);
    match c {
        Candidate::Hash(k) if op == "mac.poly1305" => kat_poly1305(k),
        Candidate::Hash(k) => alg("hash.").is_some_and(|a| kat_hash(a, k)),
        Candidate::Aead(k) => alg("aead.").is_some_and(|a| kat_aead(a, k)),
        Candidate::Argon2(k) => kat_argon2id(k),
        Candidate::Sign(k) => alg("sign.").is_some_and(|a| crate::selftest_pk::sign_ok(a, k)),
        Candidate::Kem(k) => alg("kem.").is_some_and(|a| crate::selftest_pk::kem_ok(a, k)),
    }
}

/// Runs the kernel KATs of every candidate this CPU can run: (checks passed, failures).
fn kernel_kats(record_tested: bool) -> (u64, Vec<String>) {
    let mut failures = Vec::new();
    let mut passed = 0u64;
    #[cfg(feature = "testing")]
    if INJECT.load(Ordering::SeqCst) {
        failures.push("injected failure (testing)".to_string());
    }
    for op in dispatch::ops() {
        for c in &op.candidates {
            // Every kernel this CPU can run, whatever the policy says now: a later policy change
            // (wider ISA mask, CT-only off) must never select a kernel that was not self-tested.
            if !crate::cpu::satisfies(crate::cpu::features(), c.desc().requires) {
                continue;
            }
            if known_answers_pass(op.name, c) {
                passed += 1;
                if record_tested {
                    TESTED.lock().unwrap_or_else(|e| e.into_inner()).push(c.desc().name());
                }
            } else {
                failures.push(format!("{} / {}", op.name, c.desc().name()));
            }
        }
    }
    (passed, failures)
}

/// Runs the kernel KATs on every candidate this CPU can run. Called by dispatch before
/// the first table is published (under the dispatch writer lock).
pub(crate) fn run_power_on() -> Result<()> {
    if failed() {
        return Err(err(Status::SelfTestFailed, "power-on self-tests failed earlier; the library refuses to operate"));
    }
    let (passed, failures) = crate::policy::without_enforcement(|| kernel_kats(true));
    crate::metrics::record_selftest_checks(passed, failures.len() as u64);
    if failures.is_empty() {
        Ok(())
    } else {
        FAILED.store(true, Ordering::Release);
        crate::metrics::record_selftest_run(false);
        Err(err(Status::SelfTestFailed, format!("power-on self-test failed: {}", failures.join(", "))))
    }
}

/// The construction KATs: whether all passed (each counts as one check).
fn construction_kats() -> bool {
    let check = || -> Result<bool> {
        // The unmetered internals: self-tests are not operations of the caller.
        let mut h = [0u8; 32];
        crate::mac::mac_unmetered(Alg::HmacSha256, b"Jefe", b"what do ya want for nothing?", &mut h)?;
        let mut okm = [0u8; 42];
        crate::kdf::hkdf_unmetered(Alg::HkdfSha256, &[0x0b; 22], &hx("000102030405060708090a0b0c"), &hx("f0f1f2f3f4f5f6f7f8f9"), &mut okm)?;
        let mut dk = [0u8; 64];
        crate::kdf::pbkdf2_unmetered(Alg::Pbkdf2Sha256, b"passwd", b"salt", 1, &mut dk)?;
        // HMAC-SHA384/512 run on the SHA-384/512 compression entry; blake3-keyed has its own
        // one-shot per kernel (RFC 4231 TC2; BLAKE3's official test_vectors.json, 64-byte input).
        let (mut h384, mut h512, mut k3) = ([0u8; 48], [0u8; 64], [0u8; 32]);
        crate::mac::mac_unmetered(Alg::HmacSha384, b"Jefe", b"what do ya want for nothing?", &mut h384)?;
        crate::mac::mac_unmetered(Alg::HmacSha512, b"Jefe", b"what do ya want for nothing?", &mut h512)?;
        let input: Vec<u8> = (0..64u32).map(|i| (i % 251) as u8).collect();
        crate::mac::mac_unmetered(Alg::Blake3Keyed, b"whats the Elvish word for friend", &input, &mut k3)?;
        Ok(h[..] == hx("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")[..]
            && h384[..] == hx("af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649")[..]
            && h512[..] == hx("164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737")[..]
            && k3[..] == hx("ba8ced36f327700d213f120b1a207a3b8c04330528586f414d09f2f7d9ccb7e6")[..]
            && okm[..] == hx("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")[..]
            && dk[..] == hx("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")[..])
    };
    // Self-tests run whatever the policy says (a refused KAT would fail the library).
    let ok = matches!(crate::policy::without_enforcement(check), Ok(true));
    crate::metrics::record_selftest_checks(u64::from(ok) * 6, u64::from(!ok) * 6);
    ok
}

/// KATs of the constructions over the kernels (HMAC-SHA256/384/512 RFC 4231 TC2, HKDF RFC 5869
/// A.1, PBKDF2 RFC 7914 §11, blake3-keyed from BLAKE3's official vectors), run right after the
/// first table is published; a failure marks the library failed.
pub(crate) fn run_constructions() -> Result<()> {
    let ok = construction_kats();
    crate::metrics::record_selftest_run(ok);
    if ok {
        Ok(())
    } else {
        FAILED.store(true, Ordering::Release);
        Err(err(Status::SelfTestFailed, "power-on self-test of HMAC/HKDF/PBKDF2/blake3-keyed failed"))
    }
}

/// Runs every self-test again now — the known-answer tests of every kernel this CPU can run and
/// of the HMAC/HKDF/PBKDF2 constructions — as at power-on (turning FIPS mode on does this). On a
/// failure the library enters its failed state: every later operation returns `SelfTestFailed`.
pub fn run_all() -> Result<()> {
    if failed() {
        return Err(err(Status::SelfTestFailed, "self-tests failed earlier; the library refuses to operate"));
    }
    // Initializes first (the power-on tests run once then).
    dispatch::table()?;
    let (passed, mut failures) = crate::policy::without_enforcement(|| kernel_kats(false));
    crate::metrics::record_selftest_checks(passed, failures.len() as u64);
    if !construction_kats() {
        failures.push("HMAC/HKDF/PBKDF2/blake3-keyed constructions".to_string());
    }
    crate::metrics::record_selftest_run(failures.is_empty());
    if failures.is_empty() {
        Ok(())
    } else {
        FAILED.store(true, Ordering::SeqCst);
        // The power-on path never publishes on failure; a re-run must take back the table that
        // is active, or operations would go on (`withdraw`).
        dispatch::withdraw();
        Err(err(Status::SelfTestFailed, format!("self-test failed: {}", failures.join(", "))))
    }
}
