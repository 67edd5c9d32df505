//! Self-tests of a candidate patch kernel before it may be activated: the op's known-answer tests
//! (the same ones the power-on self-test runs) and a differential test against the op's portable
//! kernel on fresh random inputs of many sizes, streaming splits and modes included.

use super::{fail, PatchFailure, Step};
use crate::dispatch::abi::*;
use crate::dispatch::{self, Candidate};
use crate::Alg;

/// Message sizes of the differential test: around block boundaries of every algorithm (16, 64,
/// 72, 128, 136, 168) and a few large ones that cross multi-block/SIMD paths.
const SIZES: &[usize] = &[
    0, 1, 3, 15, 16, 17, 31, 32, 33, 55, 56, 63, 64, 65, 71, 72, 73, 111, 112, 127, 128, 129, 135, 136, 137, 167, 168, 169,
    255, 256, 257, 511, 1000, 1024, 1025, 2047, 4096, 4099, 8192, 16411, 65536, 65579,
];

fn rnd(n: usize) -> Result<Vec<u8>, PatchFailure> {
    let mut v = vec![0u8; n];
    crate::rand::random_bytes(&mut v).map_err(|e| fail(Step::Differential, format!("randomness: {}", e.detail)))?;
    Ok(v)
}

fn differs(op: &str, what: impl std::fmt::Display) -> PatchFailure {
    fail(Step::Differential, format!("{op}: patch kernel differs from the portable kernel on {what}"))
}

pub(crate) fn known_answers(op: &str, c: &Candidate) -> Result<(), PatchFailure> {
    if crate::selftest::known_answers_pass(op, c) {
        Ok(())
    } else {
        Err(fail(Step::Kat, format!("{op}: kernel {} failed its known-answer tests", c.desc().name())))
    }
}

pub(crate) fn differential(op: &str, c: &Candidate) -> Result<(), PatchFailure> {
    let i = dispatch::op_index(op).ok_or_else(|| fail(Step::Abi, format!("unknown op {op}")))?;
    let portable = dispatch::ops()[i].candidates[0];
    match (portable, c) {
        (Candidate::Hash(p), Candidate::Hash(k)) => hash(op, &p, k),
        (Candidate::Aead(p), Candidate::Aead(k)) => aead(op, &p, k),
        (Candidate::Argon2(p), Candidate::Argon2(k)) => argon2(op, &p, k),
        (Candidate::Sign(p), Candidate::Sign(k)) => sign(op, &p, k),
        (Candidate::Kem(p), Candidate::Kem(k)) => kem(op, &p, k),
        _ => Err(fail(Step::Abi, format!("{op}: kernel kind does not match the op"))),
    }
}

// ------------------------------------------------------------------------------------- hashes

/// Streams `data` through `k` in the pieces given by `cuts` and returns `out_len` bytes.
fn stream(k: &HashKernel, key: &[u8], mode: u32, data: &[u8], cuts: &[usize], out_len: usize) -> Vec<u8> {
    let mut st = Box::new(std::mem::MaybeUninit::<HashState>::uninit());
    let mut out = vec![0u8; out_len];
    let mut at = 0;
    // SAFETY: init → update* → finalize on one blob, as the kernel ABI requires; slices valid.
    unsafe {
        (k.init)(st.as_mut_ptr(), key.as_ptr(), key.len(), mode);
        for &c in cuts.iter().chain(std::iter::once(&data.len())) {
            let c = c.clamp(at, data.len());
            (k.update)(st.as_mut_ptr(), data[at..c].as_ptr(), c - at);
            at = c;
        }
        (k.finalize)(st.as_mut_ptr(), out.as_mut_ptr(), out.len());
    }
    out
}

fn hash(op: &str, p: &HashKernel, k: &HashKernel) -> Result<(), PatchFailure> {
    // (mode, key length, output lengths)
    let alg = op.strip_prefix("hash.").and_then(Alg::from_name);
    let fixed = alg.and_then(crate::hash::fixed_len);
    let outs: Vec<usize> = match (op, fixed) {
        ("mac.poly1305", _) => vec![16],
        (_, Some(d)) => vec![d],
        _ => vec![1, 32, 64, 200, 1000],
    };
    let mut modes: Vec<(u32, usize)> = vec![if op == "mac.poly1305" { (HASH_MODE_KEYED, 32) } else { (HASH_MODE_PLAIN, 0) }];
    if alg == Some(Alg::Blake3) {
        modes.extend([(HASH_MODE_KEYED, 32), (HASH_MODE_DERIVE_KEY, 24)]);
    }
    for &(mode, key_len) in &modes {
        for &n in SIZES {
            let data = rnd(n)?;
            let mut key = rnd(key_len)?;
            if mode == HASH_MODE_DERIVE_KEY {
                key.iter_mut().for_each(|b| *b = b'a' + *b % 26); // a UTF-8 context string
            }
            let r = rnd(4)?;
            let cuts = [r[0] as usize * n / 256, (r[0] as usize + r[1] as usize) * n / 512 + n / 2, n.saturating_sub(r[2] as usize % 3)];
            for &o in &outs {
                let want = stream(p, &key, mode, &data, &[], o);
                if stream(k, &key, mode, &data, &cuts, o) != want {
                    return Err(differs(op, format_args!("a {n}-byte input (mode {mode}, {o}-byte output, streamed in pieces)")));
                }
                if let (Some(f), HASH_MODE_PLAIN) = (k.oneshot, mode) {
                    let mut got = vec![0u8; o];
                    // SAFETY: valid slices with their lengths.
                    unsafe { f(data.as_ptr(), data.len(), got.as_mut_ptr(), o) };
                    if got != want {
                        return Err(differs(op, format_args!("a {n}-byte input through its one-shot entry")));
                    }
                }
            }
        }
    }
    state_discipline(op, p, k, &modes)?;
    if let (Some(pc), Some(kc)) = (p.compress, k.compress) {
        // SHA-384/512: 128-byte blocks and u64 words; SHA-256: 64-byte blocks and u32 words
        // (`HashCompressFn`). The chaining value is held in u64s either way, for alignment.
        let block = if matches!(op, "hash.sha384" | "hash.sha512") { 128 } else { 64 };
        for blocks in [1usize, 2, 3, 8, 17] {
            let data = rnd(block * blocks)?;
            let cv0: Vec<u64> = rnd(64)?.chunks(8).map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default())).collect();
            let (mut a, mut b) = (cv0.clone(), cv0);
            // SAFETY: 8 chaining words of the op's word size (64 bytes of 8-byte aligned u64s
            // cover either) and `blocks` whole blocks of the op's block size.
            unsafe {
                pc(a.as_mut_ptr().cast::<u32>(), data.as_ptr(), blocks);
                kc(b.as_mut_ptr().cast::<u32>(), data.as_ptr(), blocks);
            }
            if a != b {
                return Err(differs(op, format_args!("its compression function ({blocks} blocks)")));
            }
        }
    }
    Ok(())
}

/// The library copies a stream bytewise (`state_size` bytes) to clone it and wipes that many
/// bytes when it ends: a kernel must keep its whole state in those bytes, position-independent,
/// and never write past them. Checked without ever running the kernel on a state it did not
/// build itself: streams in blobs pre-filled with two different patterns must give the portable
/// kernel's output (no reads of bytes the kernel did not write) and leave every byte past
/// `state_size` untouched (no state beyond it), and a mid-stream copy of the whole blob must
/// finish like the original (no self-pointers).
fn state_discipline(op: &str, p: &HashKernel, k: &HashKernel, modes: &[(u32, usize)]) -> Result<(), PatchFailure> {
    let out_len = if op == "mac.poly1305" { 16 } else { op.strip_prefix("hash.").and_then(Alg::from_name).and_then(crate::hash::fixed_len).unwrap_or(64) };
    let n = k.state_size;
    for &(mode, key_len) in modes {
        let mut key = rnd(key_len)?;
        if mode == HASH_MODE_DERIVE_KEY {
            key.iter_mut().for_each(|b| *b = b'a' + *b % 26);
        }
        let (a, b) = (rnd(1000)?, rnd(777)?);
        let want = stream(p, &key, mode, &[a.clone(), b.clone()].concat(), &[], out_len);
        for fill in [0xC3u8, 0x3C] {
            let mut st = Box::new(HashState([fill; HASH_STATE_BYTES]));
            // The copy gets exactly `state_size` bytes, the rest another pattern: as the
            // library copies a stream, whose blob is only those bytes.
            let mut copy = Box::new(HashState([!fill; HASH_STATE_BYTES]));
            let (mut o1, mut o2) = (vec![0u8; out_len], vec![0u8; out_len]);
            // SAFETY: each blob holds a state the kernel built (the copy: its `state_size` bytes);
            // slices valid.
            unsafe {
                (k.init)(&mut *st, key.as_ptr(), key.len(), mode);
                (k.update)(&mut *st, a.as_ptr(), a.len());
                if st.0[n..].iter().any(|&x| x != fill) {
                    return Err(differs(op, format_args!("its state: it writes beyond its declared state_size of {n} bytes")));
                }
                copy.0[..n].copy_from_slice(&st.0[..n]);
                (k.update)(&mut *st, b.as_ptr(), b.len());
                (k.update)(&mut *copy, b.as_ptr(), b.len());
                (k.finalize)(&mut *st, o1.as_mut_ptr(), out_len);
                (k.finalize)(&mut *copy, o2.as_mut_ptr(), out_len);
            }
            if st.0[n..].iter().any(|&x| x != fill) {
                return Err(differs(op, format_args!("its state: it writes beyond its declared state_size of {n} bytes")));
            }
            if o1 != want {
                return Err(differs(op, "a stream in a pre-filled state blob (it reads state bytes it never wrote)"));
            }
            if o2 != want {
                return Err(differs(op, "a stream copied mid-way (its state is not position-independent)"));
            }
        }
    }
    Ok(())
}

// -------------------------------------------------------------------------------------- AEADs

fn setup(k: &AeadKernel, key: &[u8]) -> Option<Box<AeadSchedule>> {
    let mut s = Box::new(AeadSchedule([0; AEAD_SCHED_BYTES]));
    // SAFETY: a zeroed, aligned schedule blob; key length is the op's.
    (unsafe { (k.setup)(&mut *s, key.as_ptr(), key.len()) } == 0).then_some(s)
}

fn aead(op: &str, p: &AeadKernel, k: &AeadKernel) -> Result<(), PatchFailure> {
    let alg = op.strip_prefix("aead.").and_then(Alg::from_name).ok_or_else(|| fail(Step::Abi, format!("{op}: not an AEAD op")))?;
    let (kl, nl) = (crate::aead::key_len(alg).unwrap_or(32), crate::aead::nonce_len(alg).unwrap_or(12));
    {
        // Schedule discipline (as for hash states): nothing written past `sched_size`, and a
        // bytewise copy of `sched_size` bytes works like the original.
        const FILL: u8 = 0x3C;
        let (key, nonce, pt) = (rnd(kl)?, rnd(nl)?, rnd(100)?);
        let mut s1 = Box::new(AeadSchedule([FILL; AEAD_SCHED_BYTES]));
        let mut s2 = Box::new(AeadSchedule([FILL; AEAD_SCHED_BYTES]));
        let n = k.sched_size;
        // SAFETY: schedule blobs of the ABI size; key of the op's length.
        let rc = unsafe { (k.setup)(&mut *s1, key.as_ptr(), key.len()) };
        if rc != 0 || s1.0[n..].iter().any(|&x| x != FILL) {
            return Err(differs(op, format_args!("key setup: it failed or wrote beyond its declared sched_size of {n} bytes")));
        }
        s2.0[..n].copy_from_slice(&s1.0[..n]);
        let mut s3 = Box::new(AeadSchedule([!FILL; AEAD_SCHED_BYTES]));
        // SAFETY: as above, in a blob with another fill pattern.
        let rc = unsafe { (k.setup)(&mut *s3, key.as_ptr(), key.len()) };
        if rc != 0 || s3.0[n..].iter().any(|&x| x != !FILL) {
            return Err(differs(op, format_args!("key setup: it failed or wrote beyond its declared sched_size of {n} bytes")));
        }
        let seal_with = |s: &AeadSchedule| {
            let (mut out, mut tag) = (vec![0u8; pt.len()], [0u8; 16]);
            // SAFETY: disjoint buffers of the message length; 16-byte tag.
            unsafe { (k.seal)(s, nonce.as_ptr(), nl, std::ptr::null(), 0, pt.as_ptr(), out.as_mut_ptr(), pt.len(), tag.as_mut_ptr()) };
            (out, tag)
        };
        let r1 = seal_with(&s1);
        if seal_with(&s3) != r1 {
            return Err(differs(op, "sealing with a schedule set up in a pre-filled blob (it reads schedule bytes it never wrote)"));
        }
        if seal_with(&s2) != r1 {
            return Err(differs(op, format_args!("a schedule copied bytewise ({n} bytes): sched_size understates the schedule or it is not position-independent")));
        }
    }
    for (round, &n) in SIZES.iter().enumerate() {
        let (key, nonce) = (rnd(kl)?, rnd(nl)?);
        let aad = rnd([0usize, 1, 13, 16, 17, 64, 100][round % 7])?;
        let pt = rnd(n)?;
        let (Some(ps), Some(ks)) = (setup(p, &key), setup(k, &key)) else {
            return Err(differs(op, "key setup (a kernel refused a valid key)"));
        };
        let seal = |k: &AeadKernel, s: &AeadSchedule, inplace: bool| {
            let mut out = pt.clone();
            let mut tag = [0u8; 16];
            let src = if inplace { out.as_ptr() } else { pt.as_ptr() };
            // SAFETY: `out` has `n` bytes; `src` is either `out` itself (exact in-place) or `pt`.
            unsafe { (k.seal)(s, nonce.as_ptr(), nl, aad.as_ptr(), aad.len(), src, out.as_mut_ptr(), n, tag.as_mut_ptr()) };
            (out, tag)
        };
        let want = seal(p, &ps, false);
        if seal(k, &ks, false) != want || seal(k, &ks, true) != want {
            return Err(differs(op, format_args!("sealing {n} bytes with {} bytes of AAD", aad.len())));
        }
        let (ct, mut tag) = want;
        let mut back = vec![0u8; n];
        // SAFETY: disjoint `ct` and `back` of `n` bytes; 16-byte tag.
        let rc = unsafe { (k.open)(&*ks, nonce.as_ptr(), nl, aad.as_ptr(), aad.len(), ct.as_ptr(), back.as_mut_ptr(), n, tag.as_ptr()) };
        if rc != 0 || back != pt {
            return Err(differs(op, format_args!("opening {n} bytes sealed by the portable kernel")));
        }
        tag[round % 16] ^= 1 << (round % 8);
        let mut untouched = vec![0xA5u8; n];
        // SAFETY: as above, with a corrupted tag.
        let rc = unsafe { (k.open)(&*ks, nonce.as_ptr(), nl, aad.as_ptr(), aad.len(), ct.as_ptr(), untouched.as_mut_ptr(), n, tag.as_ptr()) };
        if rc == 0 || untouched.iter().any(|&b| b != 0xA5) {
            return Err(differs(op, format_args!("a forged tag over {n} bytes (accepted, or output written)")));
        }
    }
    Ok(())
}

// ------------------------------------------------------------------------------------ Argon2id

fn argon2(op: &str, p: &Argon2Kernel, k: &Argon2Kernel) -> Result<(), PatchFailure> {
    for (t, m, lanes, out_len) in [(1u32, 16u32, 1u32, 32usize), (2, 64, 2, 17), (1, 40, 4, 64)] {
        let (pwd, salt, secret, ad) = (rnd(12)?, rnd(16)?, rnd(8)?, rnd(5)?);
        let params = Argon2Params { t_cost: t, m_cost_kib: m, parallelism: lanes };
        let run = |k: &Argon2Kernel| {
            let mut out = vec![0u8; out_len];
            // SAFETY: live slices with their lengths.
            let rc = unsafe {
                (k.run)(&params, pwd.as_ptr(), pwd.len(), salt.as_ptr(), salt.len(), secret.as_ptr(), secret.len(), ad.as_ptr(), ad.len(), out.as_mut_ptr(), out_len)
            };
            (rc, out)
        };
        if run(p) != run(k) {
            return Err(differs(op, format_args!("t={t} m={m} p={lanes}")));
        }
    }
    Ok(())
}

// ------------------------------------------------------------------------------ signatures

type SignOut = (i32, Vec<u8>, Vec<u8>);

fn sign_keypair(k: &SignKernel, seed: Option<&[u8]>) -> SignOut {
    let cap = if k.pk_len == 0 { 4096 } else { k.pk_len };
    let scap = if k.sk_len == 0 { 8192 } else { k.sk_len };
    let (mut pk, mut sk, mut pl, mut sl) = (vec![0u8; cap], vec![0u8; scap], 0usize, 0usize);
    let (sp, sn) = seed.map_or((std::ptr::null(), 0), |s| (s.as_ptr(), s.len()));
    // SAFETY: output buffers with their capacities; seed NULL/0 or a slice of `seed_len` bytes.
    let rc = unsafe { (k.keypair)(sp, sn, pk.as_mut_ptr(), cap, &mut pl, sk.as_mut_ptr(), scap, &mut sl) };
    pk.truncate(pl);
    sk.truncate(sl);
    (rc, pk, sk)
}

fn do_sign(k: &SignKernel, sk: &[u8], msg: &[u8], ctx: &[u8], flags: u32) -> (i32, Vec<u8>) {
    let mut sig = vec![0u8; k.sig_len];
    let mut n = 0usize;
    // SAFETY: live slices with their lengths; `sig` has `sig_len` bytes.
    let rc = unsafe { (k.sign)(sk.as_ptr(), sk.len(), msg.as_ptr(), msg.len(), ctx.as_ptr(), ctx.len(), flags, sig.as_mut_ptr(), sig.len(), &mut n) };
    sig.truncate(n);
    (rc, sig)
}

fn do_verify(k: &SignKernel, pk: &[u8], msg: &[u8], ctx: &[u8], sig: &[u8]) -> i32 {
    // SAFETY: live slices with their lengths.
    unsafe { (k.verify)(pk.as_ptr(), pk.len(), msg.as_ptr(), msg.len(), ctx.as_ptr(), ctx.len(), sig.as_ptr(), sig.len()) }
}

fn sign(op: &str, p: &SignKernel, k: &SignKernel) -> Result<(), PatchFailure> {
    let seeded = k.caps & p.caps & CAP_SEEDED_KEYPAIR != 0 && k.seed_len > 0;
    for (round, msg_len) in [0usize, 1, 100, 1000].into_iter().enumerate() {
        let (rc, pk, sk) = if seeded {
            let seed = rnd(k.seed_len)?;
            let a = sign_keypair(p, Some(&seed));
            let b = sign_keypair(k, Some(&seed));
            if a != b {
                return Err(differs(op, "seeded key generation"));
            }
            b
        } else {
            sign_keypair(k, None)
        };
        if rc != 0 {
            return Err(differs(op, "key generation (it failed)"));
        }
        let msg = rnd(msg_len)?;
        let ctx = if k.caps & CAP_CONTEXT != 0 { rnd(round * 7)? } else { Vec::new() };
        let mut pk2 = vec![0u8; pk.len().max(1)];
        let mut n = 0usize;
        // SAFETY: live slices with their lengths.
        let rc = unsafe { (k.public_from_secret)(sk.as_ptr(), sk.len(), pk2.as_mut_ptr(), pk2.len(), &mut n) };
        if rc != 0 || n > pk2.len() || pk2[..n] != pk[..] {
            return Err(differs(op, "public-key derivation"));
        }
        let flags = if k.caps & p.caps & CAP_DETERMINISTIC != 0 { SIGN_FLAG_DETERMINISTIC } else { 0 };
        let (rk, sig_k) = do_sign(k, &sk, &msg, &ctx, flags);
        let (rp, sig_p) = do_sign(p, &sk, &msg, &ctx, flags);
        if rk != 0 || rp != 0 || (flags != 0 && sig_k != sig_p) {
            return Err(differs(op, format_args!("signing a {msg_len}-byte message")));
        }
        if do_verify(p, &pk, &msg, &ctx, &sig_k) != 0 || do_verify(k, &pk, &msg, &ctx, &sig_p) != 0 {
            return Err(differs(op, "verification of the other kernel's signature"));
        }
        let mut bad = sig_p.clone();
        let j = (round * 31) % bad.len().max(1);
        bad[j] ^= 1;
        if do_verify(k, &pk, &msg, &ctx, &bad) == 0 {
            return Err(differs(op, "a corrupted signature (it verified)"));
        }
    }
    Ok(())
}

// ------------------------------------------------------------------------------------- KEMs

fn kem(op: &str, p: &KemKernel, k: &KemKernel) -> Result<(), PatchFailure> {
    let seeded_kp = k.caps & p.caps & CAP_SEEDED_KEYPAIR != 0 && k.seed_len > 0;
    let seeded_enc = k.caps & p.caps & CAP_SEEDED_ENCAPS != 0 && k.enc_seed_len > 0;
    for round in 0..4 {
        let keypair = |k: &KemKernel, seed: Option<&[u8]>| {
            let (mut pk, mut sk) = (vec![0u8; k.pk_len], vec![0u8; k.sk_len]);
            let (sp, sn) = seed.map_or((std::ptr::null(), 0), |s| (s.as_ptr(), s.len()));
            // SAFETY: buffers of the kernel's sizes; seed NULL/0 or `seed_len` bytes.
            let rc = unsafe { (k.keypair)(sp, sn, pk.as_mut_ptr(), sk.as_mut_ptr()) };
            (rc, pk, sk)
        };
        let (rc, pk, sk) = if seeded_kp {
            let seed = rnd(k.seed_len)?;
            let (a, b) = (keypair(p, Some(&seed)), keypair(k, Some(&seed)));
            if a != b {
                return Err(differs(op, "seeded key generation"));
            }
            b
        } else {
            keypair(k, None)
        };
        if rc != 0 {
            return Err(differs(op, "key generation (it failed)"));
        }
        let encaps = |k: &KemKernel, seed: Option<&[u8]>| {
            let (mut ct, mut ss) = (vec![0u8; k.ct_len], vec![0u8; k.ss_len]);
            let (sp, sn) = seed.map_or((std::ptr::null(), 0), |s| (s.as_ptr(), s.len()));
            // SAFETY: buffers of the kernel's sizes; `pk` has `pk_len` bytes.
            let rc = unsafe { (k.encaps)(pk.as_ptr(), sp, sn, ct.as_mut_ptr(), ss.as_mut_ptr()) };
            (rc, ct, ss)
        };
        let (rc, ct, ss) = if seeded_enc {
            let seed = rnd(k.enc_seed_len)?;
            let (a, b) = (encaps(p, Some(&seed)), encaps(k, Some(&seed)));
            if a != b {
                return Err(differs(op, "seeded encapsulation"));
            }
            b
        } else {
            encaps(k, None)
        };
        if rc != 0 {
            return Err(differs(op, "encapsulation (it failed)"));
        }
        let decaps = |k: &KemKernel, ct: &[u8]| {
            let mut ss = vec![0u8; k.ss_len];
            // SAFETY: `sk`/`ct` have the kernel's sizes; `ss` has `ss_len` bytes.
            let rc = unsafe { (k.decaps)(sk.as_ptr(), ct.as_ptr(), ss.as_mut_ptr()) };
            (rc, ss)
        };
        if decaps(k, &ct) != (0, ss.clone()) || decaps(p, &ct) != (0, ss) {
            return Err(differs(op, "decapsulation"));
        }
        let mut bad = ct.clone();
        let j = (round * 97) % bad.len();
        bad[j] ^= 0x10;
        if decaps(k, &bad) != decaps(p, &bad) {
            return Err(differs(op, "decapsulation of a corrupted ciphertext"));
        }
    }
    Ok(())
}
