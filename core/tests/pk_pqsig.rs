//! Falcon-512/1024 (round 3), SLH-DSA-SHA2-128s (FIPS 205) and RSA-PSS-SHA256: external vectors
//! (round-3 Falcon KAT, NIST ACVP keyGen, SPHINCS+ reference KAT digest, Wycheproof RSA-PSS),
//! round trips, bit flips, cross-kernel checks and bad input.

mod common;
use common::*;
use std::collections::HashMap;
use std::sync::Mutex;
use xpscrypto_core::dispatch::{is_available, SignKernel};
use xpscrypto_core::sign::{self, SignOptions};
use xpscrypto_core::{hazmat, kernels, policy, Alg, Status};

fn status<T: std::fmt::Debug>(r: xpscrypto_core::Result<T>) -> Status {
    r.expect_err("must fail").status
}

/// Records of a NIST KAT `.rsp` file (`count = …` … `sm = …`).
fn rsp(rel: &str) -> Vec<HashMap<String, String>> {
    cavp(rel).into_iter().filter(|r| r.contains_key("sm")).collect()
}

/// Round-3 attached form `len ‖ nonce ‖ msg ‖ 0x20+logn ‖ s2` → detached `0x30+logn ‖ nonce ‖ s2`
/// (written independently of the kernel's own conversion).
fn falcon_detached(logn: u8, msg: &[u8], sm: &[u8]) -> Vec<u8> {
    let len = u16::from_be_bytes([sm[0], sm[1]]) as usize;
    assert_eq!(sm.len(), 2 + 40 + msg.len() + len, "smlen");
    assert_eq!(&sm[42..42 + msg.len()], msg, "message inside sm");
    assert_eq!(sm[42 + msg.len()], 0x20 + logn, "attached header");
    let mut d = vec![0x30 + logn];
    d.extend_from_slice(&sm[2..42]);
    d.extend_from_slice(&sm[42 + msg.len() + 1..]);
    d
}

/// Calls a kernel's verify directly.
fn kverify(k: &SignKernel, pk: &[u8], msg: &[u8], sig: &[u8]) -> i32 {
    // SAFETY: live slices with their lengths.
    unsafe { (k.verify)(pk.as_ptr(), pk.len(), msg.as_ptr(), msg.len(), std::ptr::null(), 0, sig.as_ptr(), sig.len()) }
}

fn ksign(k: &SignKernel, sk: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut sig = vec![0u8; k.sig_len];
    let mut n = 0usize;
    // SAFETY: live buffers with their lengths.
    let rc = unsafe { (k.sign)(sk.as_ptr(), sk.len(), msg.as_ptr(), msg.len(), std::ptr::null(), 0, 0, sig.as_mut_ptr(), sig.len(), &mut n) };
    assert_eq!(rc, 0, "{}", k.desc.name());
    sig.truncate(n);
    sig
}

fn usable(c: &'static [SignKernel]) -> Vec<&'static SignKernel> {
    c.iter().filter(|k| is_available(k.desc)).collect()
}

// ---------------------------------------------------------------------------------------------
// Falcon
// ---------------------------------------------------------------------------------------------

/// Round-3 `falcon512-KAT.rsp` (first records): each signature verifies on every usable kernel
/// after conversion to the detached form, the public key derived from `sk` equals `pk`, and
/// corrupted signatures/messages are rejected.
#[test]
fn falcon512_round3_kat() {
    let recs = rsp("falcon/falcon512-KAT.rsp");
    assert!(recs.len() >= 2);
    let ks = usable(&kernels::falcon::FALCON_512);
    for r in &recs {
        let (pk, sk, msg, sm) = (hx(&r["pk"]), hx(&r["sk"]), hx(&r["msg"]), hx(&r["sm"]));
        assert_eq!(msg.len(), r["mlen"].parse::<usize>().unwrap());
        let sig = falcon_detached(9, &msg, &sm);
        sign::verify(Alg::Falcon512, &pk, &msg, &sig).unwrap_or_else(|e| panic!("count {}: {e}", r["count"]));
        assert_eq!(sign::public_from_secret(Alg::Falcon512, &sk).unwrap(), pk, "count {}: pk from sk", r["count"]);
        for k in &ks {
            assert_eq!(kverify(k, &pk, &msg, &sig), 0, "{} count {}", k.desc.name(), r["count"]);
        }
        let mut bad = msg.clone();
        bad[0] ^= 1;
        assert_eq!(status(sign::verify(Alg::Falcon512, &pk, &bad, &sig)), Status::BadSignature);
        for i in [0, 1, 20, 41, 42, sig.len() / 2, sig.len() - 1] {
            let mut s = sig.clone();
            s[i] ^= 0x04;
            assert!(sign::verify(Alg::Falcon512, &pk, &msg, &s).is_err(), "count {} flip byte {i}", r["count"]);
        }
    }
    eprintln!("falcon512 round-3 KAT: {} records, {} kernels", recs.len(), ks.len());
}

/// Round-3 `falcon1024-KAT.rsp` record 0 (pk, msg, sm; no sk stored): verifies on every usable
/// kernel after conversion; corrupted copies do not.
#[test]
fn falcon1024_round3_kat_record0() {
    let recs = rsp("falcon/falcon1024-KAT-record0.rsp");
    assert_eq!(recs.len(), 1);
    let r = &recs[0];
    let (pk, msg, sm) = (hx(&r["pk"]), hx(&r["msg"]), hx(&r["sm"]));
    assert_eq!(sm.len(), r["smlen"].parse::<usize>().unwrap());
    let sig = falcon_detached(10, &msg, &sm);
    sign::verify(Alg::Falcon1024, &pk, &msg, &sig).unwrap();
    for k in usable(&kernels::falcon::FALCON_1024) {
        assert_eq!(kverify(k, &pk, &msg, &sig), 0, "{}", k.desc.name());
    }
    // The same message under the Falcon-512 record-0 key and signature does not cross over.
    let r512 = &rsp("falcon/falcon512-KAT.rsp")[0];
    assert_eq!(hx(&r512["msg"]), msg);
    assert!(sign::verify(Alg::Falcon1024, &pk, &msg, &falcon_detached(9, &msg, &hx(&r512["sm"]))).is_err());
    for i in [0, 1, 41, 42, 600, sig.len() - 1] {
        let mut s = sig.clone();
        s[i] ^= 0x20;
        assert!(sign::verify(Alg::Falcon1024, &pk, &msg, &s).is_err(), "flip byte {i}");
    }
}

fn falcon_round_trip(alg: Alg, candidates: &'static [SignKernel]) {
    let sz = sign::sizes(alg).unwrap();
    let (pk, sk) = sign::keypair(alg, None).unwrap();
    assert_eq!((pk.len(), sk.len()), (sz.public_key, sz.secret_key));
    assert_eq!(sign::public_from_secret(alg, sk.as_slice()).unwrap(), pk);
    let mut rng = TestRng::new(alg as u64);
    for len in [0usize, 1, 33, 1000] {
        let msg = rng.bytes(len);
        let sig = sign::sign(alg, sk.as_slice(), &msg).unwrap();
        assert!(sig.len() <= sz.signature && sig.len() > 41);
        sign::verify(alg, &pk, &msg, &sig).unwrap();
        // Every single-bit flip of the first 48 bytes (header, nonce, start of s2) and a spread
        // of others is rejected.
        for bit in (0..48 * 8).chain((48 * 8..sig.len() * 8).step_by(97)) {
            let mut s = sig.clone();
            s[bit / 8] ^= 1 << (bit % 8);
            assert!(sign::verify(alg, &pk, &msg, &s).is_err(), "{alg:?} bit {bit}");
        }
        if !msg.is_empty() {
            let mut m = msg.clone();
            m[len / 2] ^= 0x80;
            assert_eq!(status(sign::verify(alg, &pk, &m, &sig)), Status::BadSignature);
        }
        let mut p = pk.clone();
        p[7] ^= 1;
        let st = status(sign::verify(alg, &p, &msg, &sig));
        assert!(matches!(st, Status::BadSignature | Status::InvalidKey), "{st:?}");
    }
    // Cross-kernel: each usable kernel's signature verifies on every other one.
    let ks = usable(candidates);
    let msg = b"cross-kernel";
    for a in &ks {
        let sig = ksign(a, sk.as_slice(), msg);
        for b in &ks {
            assert_eq!(kverify(b, &pk, msg, &sig), 0, "{} -> {}", a.desc.name(), b.desc.name());
        }
    }
}

#[test]
fn falcon512_round_trip_and_flips() {
    falcon_round_trip(Alg::Falcon512, &kernels::falcon::FALCON_512);
}

#[test]
fn falcon1024_round_trip_and_flips() {
    falcon_round_trip(Alg::Falcon1024, &kernels::falcon::FALCON_1024);
}

#[test]
fn falcon_sizes_and_caps() {
    let s = sign::sizes(Alg::Falcon512).unwrap();
    assert_eq!((s.public_key, s.secret_key, s.signature, s.seed, s.max_context), (897, 1281, 752, 0, 0));
    let s = sign::sizes(Alg::Falcon1024).unwrap();
    assert_eq!((s.public_key, s.secret_key, s.signature, s.seed, s.max_context), (1793, 2305, 1462, 0, 0));
}

#[test]
fn falcon_bad_input() {
    for alg in [Alg::Falcon512, Alg::Falcon1024] {
        let s = sign::sizes(alg).unwrap();
        let (pk, sk) = sign::keypair(alg, None).unwrap();
        let sk = sk.as_slice().to_vec();
        let msg = b"m";
        let sig = sign::sign(alg, &sk, msg).unwrap();
        // Seeds, contexts and deterministic signing are not supported.
        assert_eq!(status(sign::keypair(alg, Some(&[0u8; 48]))), Status::InvalidParameter);
        let ctx = SignOptions { context: b"c", deterministic: false };
        assert_eq!(status(sign::sign_with(alg, &sk, msg, &ctx)), Status::InvalidParameter);
        assert_eq!(status(sign::verify_with(alg, &pk, msg, &sig, &ctx)), Status::InvalidParameter);
        let det = SignOptions { context: b"", deterministic: true };
        assert_eq!(status(sign::sign_with(alg, &sk, msg, &det)), Status::InvalidParameter);
        // Wrong lengths.
        for n in [0, s.secret_key - 1, s.secret_key + 1] {
            let k = vec![0x59u8; n];
            assert_eq!(status(sign::sign(alg, &k, msg)), Status::BadKeyLength, "sk len {n}");
            assert_eq!(status(sign::public_from_secret(alg, &k)), Status::BadKeyLength, "sk len {n}");
        }
        for n in [0, s.public_key - 1, s.public_key + 1] {
            assert_eq!(status(sign::verify(alg, &vec![9u8; n], msg, &sig)), Status::BadKeyLength, "pk len {n}");
        }
        assert_eq!(status(sign::verify(alg, &pk, msg, &[])), Status::InvalidLength);
        assert_eq!(status(sign::verify(alg, &pk, msg, &vec![0u8; s.signature + 1])), Status::InvalidLength);
        // Truncated / wrong-header signatures do not verify.
        assert_eq!(status(sign::verify(alg, &pk, msg, &sig[..41])), Status::BadSignature);
        assert_eq!(status(sign::verify(alg, &pk, msg, &sig[..sig.len() - 1])), Status::BadSignature);
        // Malformed keys: wrong header bytes, a coefficient ≥ q, a non-decodable secret key.
        let mut p = pk.clone();
        p[0] ^= 0x10;
        assert_eq!(status(sign::verify(alg, &p, msg, &sig)), Status::InvalidKey);
        let mut p = pk.clone();
        p[1] = 0xff;
        p[2] = 0xff; // first 14-bit coefficient = 16383 ≥ q
        assert_eq!(status(sign::verify(alg, &p, msg, &sig)), Status::InvalidKey);
        let mut k = sk.clone();
        k[0] ^= 0x01;
        assert_eq!(status(sign::sign(alg, &k, msg)), Status::InvalidKey);
        assert_eq!(status(sign::public_from_secret(alg, &k)), Status::InvalidKey);
        // f's first coefficient = -2^(bits-1), which the trimmed encoding reserves (bits of f
        // start right after the header byte; both f widths are ≤ 8, so byte 1 starts it).
        let mut k = sk.clone();
        let bits = if alg == Alg::Falcon512 { 6 } else { 5 };
        k[1] = (k[1] & (0xff >> bits)) | 0x80;
        assert_eq!(status(sign::public_from_secret(alg, &k)), Status::InvalidKey);
        // Nothing written on failure.
        let mut out = vec![0xAAu8; s.signature];
        let mut k = sk.clone();
        k[0] = 0;
        assert!(sign::sign_into(alg, &k, msg, &SignOptions::default(), &mut out).is_err());
        assert!(out.iter().all(|&b| b == 0xAA));
        // Too-small output buffer.
        let mut small = vec![0u8; s.signature - 1];
        assert_eq!(status(sign::sign_into(alg, &sk, msg, &SignOptions::default(), &mut small)), Status::BufferTooSmall);
    }
}

// ---------------------------------------------------------------------------------------------
// SLH-DSA-SHA2-128s
// ---------------------------------------------------------------------------------------------

/// NIST ACVP SLH-DSA keyGen, group SLH-DSA-SHA2-128s: seed `SK.seed ‖ SK.prf ‖ PK.seed` → pk, sk.
#[test]
fn slh_dsa_acvp_keygen() {
    let doc = load("acvp/SLH-DSA-keyGen-FIPS205/internalProjection.json");
    let mut n = 0;
    for g in doc["testGroups"].as_array().unwrap() {
        assert_eq!(g["parameterSet"], "SLH-DSA-SHA2-128s");
        for t in g["tests"].as_array().unwrap() {
            let seed = [h(t, "skSeed"), h(t, "skPrf"), h(t, "pkSeed")].concat();
            let (pk, sk) = sign::keypair(Alg::SlhDsaSha2_128s, Some(&seed)).unwrap();
            assert_eq!(pk, h(t, "pk"), "tcId {}", t["tcId"]);
            assert_eq!(sk.as_slice(), &h(t, "sk")[..], "tcId {}", t["tcId"]);
            assert_eq!(sign::public_from_secret(Alg::SlhDsaSha2_128s, sk.as_slice()).unwrap(), pk);
            n += 1;
        }
    }
    assert_eq!(n, 10);
}

/// The tests of an ACVP prompt file with the matching entries of its `expectedResults.json`,
/// joined by `tcId`: (group, prompt test, expected test).
fn acvp_joined(dir: &str) -> Vec<(serde_json::Value, serde_json::Value, serde_json::Value)> {
    let (prompt, expected) = (load(&format!("{dir}/prompt.json")), load(&format!("{dir}/expectedResults.json")));
    let mut want = HashMap::new();
    for g in expected["testGroups"].as_array().unwrap() {
        for t in g["tests"].as_array().unwrap() {
            want.insert(u(t, "tcId"), t.clone());
        }
    }
    let mut out = Vec::new();
    for g in prompt["testGroups"].as_array().unwrap() {
        assert_eq!(g["parameterSet"], "SLH-DSA-SHA2-128s");
        for t in g["tests"].as_array().unwrap() {
            let e = want.remove(&u(t, "tcId")).expect("every prompt test has an expected result");
            out.push((g.clone(), t.clone(), e));
        }
    }
    assert!(want.is_empty(), "expected results without a prompt: {:?}", want.keys());
    out
}

/// NIST ACVP SLH-DSA sigVer (vsId 53), SLH-DSA-SHA2-128s: group 19 (external interface, pure,
/// with a context) through the public API, group 31 (internal interface, M' as given) through
/// `hazmat`. `testPassed: false` cases must fail: a signature one byte too short or too long
/// with `InvalidLength` (as for Wycheproof's `IncorrectSignatureLength`), a modified signature,
/// message or key with `BadSignature` — never another status, never a pass.
#[test]
fn slh_dsa_acvp_sigver() {
    let alg = Alg::SlhDsaSha2_128s;
    let sig_len = sign::sizes(alg).unwrap().signature;
    let (mut pass, mut fail) = (0, 0);
    for (g, t, e) in acvp_joined("acvp/SLH-DSA-sigVer-FIPS205") {
        let id = format!("tcId {}", t["tcId"]);
        let (pk, msg, sig) = (h(&t, "pk"), h(&t, "message"), h(&t, "signature"));
        let r = match g["signatureInterface"].as_str().unwrap() {
            "external" => {
                assert_eq!(g["preHash"], "pure", "{id}");
                let ctx = h(&t, "context");
                sign::verify_with(alg, &pk, &msg, &sig, &SignOptions { context: &ctx, deterministic: false })
            }
            "internal" => hazmat::slh_dsa_sha2_128s_verify_internal(&pk, &msg, &sig),
            other => panic!("{id}: interface {other}"),
        };
        if e["testPassed"].as_bool().unwrap() {
            r.unwrap_or_else(|err| panic!("{id}: {err}"));
            pass += 1;
        } else {
            let want = if sig.len() == sig_len { Status::BadSignature } else { Status::InvalidLength };
            assert_eq!(status(r), want, "{id}");
            fail += 1;
        }
    }
    assert_eq!((pass, fail), (4, 24));
}

/// NIST ACVP SLH-DSA sigGen (vsId 53), SLH-DSA-SHA2-128s, deterministic groups: 19 (external,
/// pure, context) through the public API and the key handle, 31 (internal) through `hazmat`
/// with opt_rand = PK.seed. Signatures must equal the expected bytes.
#[test]
fn slh_dsa_acvp_siggen_deterministic() {
    let alg = Alg::SlhDsaSha2_128s;
    let mut n = 0;
    for (g, t, e) in acvp_joined("acvp/SLH-DSA-sigGen-FIPS205") {
        let id = format!("tcId {}", t["tcId"]);
        assert_eq!(g["deterministic"], true, "{id}");
        let (sk, msg, want) = (h(&t, "sk"), h(&t, "message"), h(&e, "signature"));
        match g["signatureInterface"].as_str().unwrap() {
            "external" => {
                assert_eq!(g["preHash"], "pure", "{id}");
                let ctx = h(&t, "context");
                let opts = SignOptions { context: &ctx, deterministic: true };
                assert_eq!(sign::sign_with(alg, &sk, &msg, &opts).unwrap(), want, "{id}");
                let key = sign::SigningKey::new(alg, &sk).unwrap();
                assert_eq!(key.sign_with(&msg, &opts).unwrap(), want, "{id} (key handle)");
            }
            "internal" => {
                assert_eq!(hazmat::slh_dsa_sha2_128s_sign_internal(&sk, &msg, None).unwrap(), want, "{id}");
            }
            other => panic!("{id}: interface {other}"),
        }
        n += 1;
    }
    assert_eq!(n, 14);
}

/// `hazmat::sign_internal` / `verify_internal` (the C/Python/Node hazmat entry points): the
/// internal signature of M′ = 0 ‖ 0 ‖ msg is the deterministic pure-mode signature of msg with an
/// empty context (FIPS 204 Alg. 2, FIPS 205 Alg. 22); an explicit rnd of the wrong length, an
/// algorithm without an internal interface, another family and a policy denial are refused.
#[test]
fn hazmat_internal_interface() {
    let msg = b"internal interface";
    let mp = [&[0u8, 0][..], msg].concat();
    for (alg, rnd_len) in [(Alg::MlDsa44, 32), (Alg::SlhDsaSha2_128s, 16)] {
        let (pk, sk) = sign::keypair(alg, Some(&vec![5u8; sign::sizes(alg).unwrap().seed])).unwrap();
        let det = SignOptions { context: &[], deterministic: true };
        let s = hazmat::sign_internal(alg, sk.as_slice(), &mp, None).unwrap();
        assert_eq!(s, sign::sign_with(alg, sk.as_slice(), msg, &det).unwrap(), "{}", alg.name());
        hazmat::verify_internal(alg, &pk, &mp, &s).unwrap();
        assert_eq!(status(hazmat::verify_internal(alg, &pk, msg, &s)), Status::BadSignature);
        let hedged = hazmat::sign_internal(alg, sk.as_slice(), &mp, Some(&vec![9u8; rnd_len])).unwrap();
        sign::verify(alg, &pk, msg, &hedged).unwrap();
        assert_eq!(status(hazmat::sign_internal(alg, sk.as_slice(), &mp, Some(&vec![9u8; rnd_len + 1]))), Status::InvalidLength);
        assert_eq!(status(hazmat::sign_internal(alg, &sk.as_slice()[1..], &mp, None)), Status::BadKeyLength);
    }
    assert_eq!(status(hazmat::sign_internal(Alg::Ed25519, &[1; 32], &mp, None)), Status::InvalidParameter);
    assert_eq!(status(hazmat::verify_internal(Alg::Sha256, &[1; 32], &mp, &[0; 64])), Status::WrongAlgorithmFamily);
    // the policy is checked on every call (ML-DSA-44 is used by no other test in this file)
    let (pk, sk) = sign::keypair(Alg::MlDsa44, None).unwrap();
    let s = hazmat::sign_internal(Alg::MlDsa44, sk.as_slice(), &mp, None).unwrap();
    policy::allow_algorithm(Alg::MlDsa44, false).unwrap();
    let denied = (hazmat::sign_internal(Alg::MlDsa44, sk.as_slice(), &mp, None).map_err(|e| e.status), hazmat::verify_internal(Alg::MlDsa44, &pk, &mp, &s).map_err(|e| e.status));
    policy::allow_algorithm(Alg::MlDsa44, true).unwrap();
    assert_eq!(denied, (Err(Status::PolicyDenied), Err(Status::PolicyDenied)));
}

/// NIST SP 800-90A AES-256 CTR_DRBG without derivation function, as in the NIST PQC KAT
/// generator (`rng.c`): written out here (the `aes` block cipher is the only dependency).
struct KatDrbg {
    key: [u8; 32],
    v: [u8; 16],
}

impl KatDrbg {
    fn new(entropy: &[u8; 48]) -> Self {
        let mut d = KatDrbg { key: [0; 32], v: [0; 16] };
        d.update(Some(entropy));
        d
    }
    fn block(&mut self) -> [u8; 16] {
        use aes::cipher::{BlockCipherEncrypt, KeyInit};
        for i in (0..16).rev() {
            self.v[i] = self.v[i].wrapping_add(1);
            if self.v[i] != 0 {
                break;
            }
        }
        let c = aes::Aes256::new(&self.key.into());
        let mut b = self.v.into();
        c.encrypt_block(&mut b);
        b.into()
    }
    fn update(&mut self, provided: Option<&[u8; 48]>) {
        let mut t = [0u8; 48];
        for i in 0..3 {
            let b = self.block();
            t[16 * i..16 * i + 16].copy_from_slice(&b);
        }
        if let Some(p) = provided {
            for (a, b) in t.iter_mut().zip(p) {
                *a ^= b;
            }
        }
        self.key.copy_from_slice(&t[..32]);
        self.v.copy_from_slice(&t[32..]);
    }
    fn fill(&mut self, out: &mut [u8]) {
        for c in out.chunks_mut(16) {
            let b = self.block();
            c.copy_from_slice(&b[..c.len()]);
        }
        self.update(None);
    }
}

/// SPHINCS+ reference KAT (branch `consistent_basew`, i.e. FIPS 205 internal functions),
/// `sphincs-sha2-128s-simple`, first 10 records: the SHA-256 of the regenerated response file
/// must equal the published digest. Exercises seeded key generation (`SK.seed ‖ SK.prf ‖
/// PK.seed` from the DRBG) and `slh_sign_internal` with an explicit `opt_rand`; each signature
/// also verifies through the internal interface. 10 signing operations (the slow part).
#[test]
fn slh_dsa_sphincsplus_reference_kat() {
    use sha2::Digest;
    let want = std::fs::read_to_string(vectors_dir().join("slh-dsa/sphincsplus-kat-digests.txt")).unwrap();
    let want = want
        .lines()
        .find_map(|l| l.strip_suffix("  sphincs-sha2-128s-simple (10 records)"))
        .expect("digest line")
        .to_string();
    let mut resp = String::from("# SPHINCS+\n\n");
    let mut rng = KatDrbg::new(&std::array::from_fn(|i| i as u8));
    let mut seeds = [[0u8; 48]; 10];
    let mut msgs: Vec<Vec<u8>> = (0..10).map(|i| vec![0u8; 33 * (i + 1)]).collect();
    for (s, m) in seeds.iter_mut().zip(msgs.iter_mut()) {
        rng.fill(s);
        rng.fill(m);
    }
    let hexu = |b: &[u8]| hex::encode_upper(b);
    for i in 0..10 {
        let mut r = KatDrbg::new(&seeds[i]);
        let mut kseed = [0u8; 48];
        r.fill(&mut kseed);
        let (pk, sk) = sign::keypair(Alg::SlhDsaSha2_128s, Some(&kseed)).unwrap();
        let mut opt = [0u8; 16];
        r.fill(&mut opt);
        let sig = hazmat::slh_dsa_sha2_128s_sign_internal(sk.as_slice(), &msgs[i], Some(&opt)).unwrap();
        hazmat::slh_dsa_sha2_128s_verify_internal(&pk, &msgs[i], &sig).unwrap();
        resp += &format!("count = {i}\nseed = {}\nmlen = {}\nmsg = {}\n", hexu(&seeds[i]), msgs[i].len(), hexu(&msgs[i]));
        resp += &format!("pk = {}\nsk = {}\n", hexu(&pk), hexu(sk.as_slice()));
        resp += &format!("smlen = {}\nsm = {}{}\n\n", sig.len() + msgs[i].len(), hexu(&sig), hexu(&msgs[i]));
    }
    assert_eq!(hex::encode(sha2::Sha256::digest(resp.as_bytes())), want);
}

#[test]
fn slh_dsa_round_trip_context_deterministic() {
    let alg = Alg::SlhDsaSha2_128s;
    let (pk, sk) = sign::keypair(alg, None).unwrap();
    let sk = sk.as_slice().to_vec();
    assert_eq!(sign::public_from_secret(alg, &sk).unwrap(), pk);
    let msg = b"slh-dsa round trip";
    let ctx = vec![0x5au8; 255];
    let hedged = SignOptions { context: &ctx, deterministic: false };
    let sig = sign::sign_with(alg, &sk, msg, &hedged).unwrap();
    assert_eq!(sig.len(), 7856);
    sign::verify_with(alg, &pk, msg, &sig, &hedged).unwrap();
    // Wrong context, no context, wrong message, flipped bits (verification is cheap).
    assert_eq!(status(sign::verify_with(alg, &pk, msg, &sig, &SignOptions { context: &ctx[1..], deterministic: false })), Status::BadSignature);
    assert_eq!(status(sign::verify(alg, &pk, msg, &sig)), Status::BadSignature);
    assert_eq!(status(sign::verify_with(alg, &pk, b"slh-dsa round trip!", &sig, &hedged)), Status::BadSignature);
    for bit in (0..128).chain((128..sig.len() * 8).step_by(1999)) {
        let mut s = sig.clone();
        s[bit / 8] ^= 1 << (bit % 8);
        assert_eq!(status(sign::verify_with(alg, &pk, msg, &s, &hedged)), Status::BadSignature, "bit {bit}");
    }
    for bit in 0..pk.len() * 8 {
        let mut p = pk.clone();
        p[bit / 8] ^= 1 << (bit % 8);
        assert_eq!(status(sign::verify_with(alg, &p, msg, &sig, &hedged)), Status::BadSignature, "pk bit {bit}");
    }
    // Deterministic signing (opt_rand = PK.seed) is reproducible and differs from the hedged one;
    // it equals the internal interface over M' = 0 ‖ 0 ‖ msg with opt_rand = PK.seed.
    let det = SignOptions { context: b"", deterministic: true };
    let d1 = sign::sign_with(alg, &sk, msg, &det).unwrap();
    let d2 = sign::sign_with(alg, &sk, msg, &det).unwrap();
    assert_eq!(d1, d2);
    sign::verify(alg, &pk, msg, &d1).unwrap();
    let m_prime = [&[0u8, 0][..], msg].concat();
    hazmat::slh_dsa_sha2_128s_verify_internal(&pk, &m_prime, &d1).unwrap();
    assert_eq!(status(hazmat::slh_dsa_sha2_128s_verify_internal(&pk, msg, &d1)), Status::BadSignature);
}

#[test]
fn slh_dsa_bad_input() {
    let alg = Alg::SlhDsaSha2_128s;
    let s = sign::sizes(alg).unwrap();
    assert_eq!((s.public_key, s.secret_key, s.signature, s.seed, s.max_context), (32, 64, 7856, 48, 255));
    let seed: Vec<u8> = (0..48).collect();
    let (pk, sk) = sign::keypair(alg, Some(&seed)).unwrap();
    let sk = sk.as_slice().to_vec();
    for n in [0usize, 32, 47, 49, 64] {
        assert_eq!(status(sign::keypair(alg, Some(&vec![1u8; n]))), Status::InvalidLength, "seed {n}");
    }
    let msg = b"x";
    let long_ctx = vec![0u8; 256];
    let o = SignOptions { context: &long_ctx, deterministic: false };
    assert_eq!(status(sign::sign_with(alg, &sk, msg, &o)), Status::InvalidLength);
    let sig = vec![0u8; 7856];
    assert_eq!(status(sign::verify_with(alg, &pk, msg, &sig, &o)), Status::InvalidLength);
    assert_eq!(status(sign::verify(alg, &pk, msg, &sig)), Status::BadSignature);
    for n in [0usize, 1, 7855] {
        assert_eq!(status(sign::verify(alg, &pk, msg, &vec![0u8; n])), Status::InvalidLength, "sig {n}");
    }
    assert_eq!(status(sign::verify(alg, &pk, msg, &vec![0u8; 7857])), Status::InvalidLength);
    for n in [0usize, 31, 33, 64] {
        assert_eq!(status(sign::verify(alg, &vec![0u8; n], msg, &sig)), Status::BadKeyLength, "pk {n}");
    }
    for n in [0usize, 32, 63, 65] {
        assert_eq!(status(sign::sign(alg, &vec![0u8; n], msg)), Status::BadKeyLength, "sk {n}");
        assert_eq!(status(sign::public_from_secret(alg, &vec![0u8; n])), Status::BadKeyLength, "sk {n}");
    }
    assert_eq!(status(hazmat::slh_dsa_sha2_128s_sign_internal(&sk, msg, Some(&[0u8; 15]))), Status::InvalidLength);
    let mut small = vec![0u8; 7855];
    assert_eq!(status(sign::sign_into(alg, &sk, msg, &SignOptions::default(), &mut small)), Status::BufferTooSmall);
    assert!(small.iter().all(|&b| b == 0));
}

// ---------------------------------------------------------------------------------------------
// RSA-PSS-SHA256
// ---------------------------------------------------------------------------------------------

/// Serializes the tests that use (or switch) the RSA private-key policy.
static RSA_POLICY: Mutex<()> = Mutex::new(());

/// Wycheproof RSASSA-PSS SHA-256 / MGF1-SHA-256 / salt 32 for 2048-, 3072- and 4096-bit keys:
/// every case. The key is the group's SPKI DER; the valid cases are also checked with the
/// group's bare PKCS#1 `RSAPublicKey` (`publicKeyAsn`).
#[test]
fn wycheproof_rsa_pss_sha256() {
    let mut total = 0;
    for bits in [2048, 3072, 4096] {
        let doc = load(&format!("wycheproof/rsa_pss_{bits}_sha256_mgf1_32_test.json"));
        let (mut ok, mut rejected) = (0, 0);
        for (g, t) in wycheproof_tests(&doc) {
            assert_eq!((g["sha"].as_str(), g["mgfSha"].as_str(), g["sLen"].as_u64()), (Some("SHA-256"), Some("SHA-256"), Some(32)));
            let (spki, pkcs1) = (h(&g, "publicKeyDer"), h(&g, "publicKeyAsn"));
            let (msg, sig) = (h(&t, "msg"), h(&t, "sig"));
            let r = sign::verify(Alg::RsaPssSha256, &spki, &msg, &sig);
            match t["result"].as_str().unwrap() {
                "valid" => {
                    r.unwrap_or_else(|e| panic!("{bits} tcId {}: {e}", t["tcId"]));
                    sign::verify(Alg::RsaPssSha256, &pkcs1, &msg, &sig).unwrap();
                    ok += 1;
                }
                "invalid" => {
                    let e = r.expect_err(&format!("{bits} tcId {} must be rejected", t["tcId"]));
                    assert!(matches!(e.status, Status::BadSignature | Status::InvalidLength), "{bits} tcId {}: {e}", t["tcId"]);
                    rejected += 1;
                }
                r => panic!("tcId {}: unexpected result {r}", t["tcId"]),
            }
        }
        assert_eq!(ok + rejected, u(&doc, "numberOfTests") as usize);
        eprintln!("rsa-pss {bits}: {ok} valid verified, {rejected} invalid rejected");
        total += ok + rejected;
    }
    assert_eq!(total, 324);
}

/// getrandom-backed RNG for making test keys of sizes our key generation does not make.
struct TestOsRng;
impl rsa::rand_core::TryRng for TestOsRng {
    type Error = std::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        getrandom::fill(dst).expect("getrandom");
        Ok(())
    }
}
impl rsa::rand_core::TryCryptoRng for TestOsRng {}

fn test_key_der(bits: usize) -> (Vec<u8>, Vec<u8>) {
    use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};
    let k = rsa::RsaPrivateKey::new(&mut TestOsRng, bits).unwrap();
    (k.to_pkcs1_der().unwrap().as_bytes().to_vec(), k.to_public_key().to_pkcs1_der().unwrap().as_bytes().to_vec())
}

/// 3072-bit key generation, DER shapes, sign/verify round trip, bit flips; a 2048-bit key
/// (made by the `rsa` crate directly) signs too.
#[test]
fn rsa_pss_keygen_sign_round_trip() {
    let _g = RSA_POLICY.lock().unwrap_or_else(|e| e.into_inner());
    let alg = Alg::RsaPssSha256;
    let s = sign::sizes(alg).unwrap();
    assert_eq!((s.public_key, s.secret_key, s.signature, s.seed, s.max_context), (0, 0, 512, 0, 0));
    let t = std::time::Instant::now();
    let (pk, sk) = sign::keypair(alg, None).unwrap();
    eprintln!("rsa 3072 keygen: {:?}", t.elapsed());
    // SPKI with the rsaEncryption OID; PKCS#1 RSAPrivateKey version 0.
    let oid = hx("06092a864886f70d0101010500");
    assert!(pk.windows(oid.len()).any(|w| w == oid), "SPKI rsaEncryption");
    assert_eq!(&sk.as_slice()[..2], &[0x30, 0x82]);
    assert_eq!(&sk.as_slice()[4..7], &[0x02, 0x01, 0x00]);
    assert_eq!(sign::public_from_secret(alg, sk.as_slice()).unwrap(), pk);
    let msg = b"rsa-pss round trip";
    let t = std::time::Instant::now();
    let sig = sign::sign(alg, sk.as_slice(), msg).unwrap();
    eprintln!("rsa 3072 sign: {:?}", t.elapsed());
    assert_eq!(sig.len(), 384);
    sign::verify(alg, &pk, msg, &sig).unwrap();
    // Randomised salt: two signatures differ, both verify.
    let sig2 = sign::sign(alg, sk.as_slice(), msg).unwrap();
    assert_ne!(sig, sig2);
    sign::verify(alg, &pk, msg, &sig2).unwrap();
    for bit in (0..sig.len() * 8).step_by(37) {
        let mut x = sig.clone();
        x[bit / 8] ^= 1 << (bit % 8);
        assert_eq!(status(sign::verify(alg, &pk, msg, &x)), Status::BadSignature, "bit {bit}");
    }
    assert_eq!(status(sign::verify(alg, &pk, b"rsa-pss round trip.", &sig)), Status::BadSignature);
    assert_eq!(status(sign::verify(alg, &pk, msg, &sig[1..])), Status::BadSignature);
    // Deterministic signing and contexts are not offered.
    assert_eq!(status(sign::sign_with(alg, sk.as_slice(), msg, &SignOptions { context: b"", deterministic: true })), Status::InvalidParameter);
    assert_eq!(status(sign::sign_with(alg, sk.as_slice(), msg, &SignOptions { context: b"c", deterministic: false })), Status::InvalidParameter);
    assert_eq!(status(sign::keypair(alg, Some(&[1u8; 32]))), Status::InvalidParameter);
    // 2048-bit key: sign here, verify with SPKI and with PKCS#1 public key.
    let (sk2, pkcs1) = test_key_der(2048);
    let spki = sign::public_from_secret(alg, &sk2).unwrap();
    let sig = sign::sign(alg, &sk2, msg).unwrap();
    assert_eq!(sig.len(), 256);
    sign::verify(alg, &spki, msg, &sig).unwrap();
    sign::verify(alg, &pkcs1, msg, &sig).unwrap();
    // A signature by another key does not verify.
    assert_eq!(status(sign::verify(alg, &pk, msg, &sig)), Status::BadSignature);
}

#[test]
fn rsa_pss_bad_keys() {
    let alg = Alg::RsaPssSha256;
    let doc = load("wycheproof/rsa_pss_2048_sha256_mgf1_32_test.json");
    let g = &doc["testGroups"][0];
    let t = &g["tests"][0];
    let (spki, msg, sig) = (h(g, "publicKeyDer"), h(t, "msg"), h(t, "sig"));
    sign::verify(alg, &spki, &msg, &sig).unwrap();
    // Malformed DER: truncated, trailing garbage, flipped tag, garbage.
    for bad in [spki[..spki.len() - 1].to_vec(), [&spki[..], &[0]].concat(), [&[0x31u8][..], &spki[1..]].concat(), vec![0x30, 0x03, 0x02, 0x01, 0x01], vec![0xffu8; 100]] {
        assert_eq!(status(sign::verify(alg, &bad, &msg, &sig)), Status::InvalidKey);
    }
    assert_eq!(status(sign::verify(alg, &[], &msg, &sig)), Status::BadKeyLength);
    assert_eq!(status(sign::verify(alg, &spki, &msg, &[])), Status::InvalidLength);
    assert_eq!(status(sign::verify(alg, &spki, &msg, &[0u8; 513])), Status::InvalidLength);
    // Unsupported sizes (1024, 1536 bits): refused as keys, for verify, sign and derivation.
    let _g = RSA_POLICY.lock().unwrap_or_else(|e| e.into_inner());
    for bits in [1024usize, 1536] {
        let (sk, pk) = test_key_der(bits);
        assert_eq!(status(sign::verify(alg, &pk, &msg, &vec![1u8; bits / 8])), Status::InvalidKey, "{bits}");
        assert_eq!(status(sign::sign(alg, &sk, &msg)), Status::InvalidKey, "{bits}");
        assert_eq!(status(sign::public_from_secret(alg, &sk)), Status::InvalidKey, "{bits}");
    }
    // Malformed private keys: truncated, garbage, an SPKI given as the secret key, a corrupted
    // modulus (the components no longer match).
    let (sk, _) = test_key_der(2048);
    let mut corrupt = sk.clone();
    corrupt[20] ^= 0x01;
    for bad in [sk[..sk.len() - 3].to_vec(), vec![0x30u8; 64], spki.clone(), corrupt] {
        assert_eq!(status(sign::sign(alg, &bad, &msg)), Status::InvalidKey);
        assert_eq!(status(sign::public_from_secret(alg, &bad)), Status::InvalidKey);
    }
    // Nothing written on failure.
    let mut out = vec![0xAAu8; 512];
    assert!(sign::sign_into(alg, &sk[..100], &msg, &SignOptions::default(), &mut out).is_err());
    assert!(out.iter().all(|&b| b == 0xAA));
}

/// The RUSTSEC-2023-0071 switch: with RSA private-key operations off, signing and key
/// generation fail with `PolicyDenied` (and write nothing); verification still works.
#[test]
fn rsa_private_ops_policy() {
    let _g = RSA_POLICY.lock().unwrap_or_else(|e| e.into_inner());
    let alg = Alg::RsaPssSha256;
    let (sk, _) = test_key_der(2048);
    let doc = load("wycheproof/rsa_pss_2048_sha256_mgf1_32_test.json");
    let g = &doc["testGroups"][0];
    let t = &g["tests"][0];
    assert!(policy::rsa_private_ops_allowed());
    policy::set_rsa_private_ops(false);
    let denied_sign = sign::sign(alg, &sk, b"m").map_err(|e| e.status);
    let mut out = vec![0xAAu8; 512];
    let denied_into = sign::sign_into(alg, &sk, b"m", &SignOptions::default(), &mut out).map_err(|e| e.status);
    let denied_keygen = sign::keypair(alg, None).map(|_| ()).map_err(|e| e.status);
    let verify_ok = sign::verify(alg, &h(g, "publicKeyDer"), &h(t, "msg"), &h(t, "sig"));
    let pk_ok = sign::public_from_secret(alg, &sk);
    policy::set_rsa_private_ops(true);
    assert_eq!(denied_sign, Err(Status::PolicyDenied));
    assert_eq!(denied_into, Err(Status::PolicyDenied));
    assert!(out.iter().all(|&b| b == 0xAA));
    assert_eq!(denied_keygen, Err(Status::PolicyDenied));
    verify_ok.unwrap();
    pk_ok.unwrap();
    sign::verify(alg, &sign::public_from_secret(alg, &sk).unwrap(), b"m", &sign::sign(alg, &sk, b"m").unwrap()).unwrap();
}
