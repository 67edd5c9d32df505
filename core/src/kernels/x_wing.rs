//! X-Wing (draft-connolly-cfrg-xwing-kem, revision -10 — the revision whose Appendix C vectors
//! are in `tests/vectors/rfc/x-wing.json`; see SOURCES.md §6.3), composed from our own pieces:
//! ML-KEM-768 through the dispatch table (so it follows the active ML-KEM kernel), X25519 from
//! `kernels::x25519`, SHA3-256 and SHAKE256 through the active hash kernels.
//!
//! - Decapsulation key = the 32-byte seed `sk`; `expandDecapsulationKey(sk)`:
//!   `SHAKE256(sk, 96 bytes) = d ‖ z ‖ sk_X`, `(pk_M, sk_M) = ML-KEM-768.KeyGen_internal(d, z)`,
//!   `pk_X = X25519(sk_X, 9)`. Encapsulation key = `pk_M ‖ pk_X` (1216 bytes).
//! - Encapsulation seed (64 bytes) = ML-KEM `m` ‖ X25519 ephemeral secret `ek_X`;
//!   ciphertext = `ct_M ‖ ct_X` (1120 bytes).
//! - Combiner: `SHA3-256(ss_M ‖ ss_X ‖ ct_X ‖ pk_X ‖ "\./" "/^\")`.
//!
//! Errors: encapsulation to a `pk_M` failing the FIPS 203 §7.2 modulus check is `InvalidKey` (the
//! draft's MUST). Decapsulation never fails on a well-formed input: like ML-KEM it is total.
//!
//! X25519 all-zero outputs are **not** refused here (unlike the raw `x25519` op): the draft's
//! Encapsulate/Decapsulate define no such check and use the X25519 output as is — the combiner
//! binds `ct_X` and `pk_X`, and security then rests on ML-KEM-768. Refusing would make X-Wing
//! decapsulation observably fail where every other implementation returns a secret.
//!
//! Key expansion always needs ML-KEM's seeded key generation: when the active ML-KEM-768 kernel
//! lacks it (PQClean AVX2), expansion runs on the reference kernel and only the ML-KEM
//! encapsulation/decapsulation itself runs on the active kernel. Until the first table is
//! published (power-on self-test) every piece runs on its portable kernel, so the self-test
//! never re-enters table initialization.

use crate::dispatch::abi::{HashKernel, KemKernel, KernelDesc, CAP_SEEDED_ENCAPS, CAP_SEEDED_KEYPAIR, HASH_MODE_PLAIN};
use crate::error::Status;
use crate::kernels::ml_kem::{self, P768};
use crate::kernels::pk_util::{arr, code, seed_or_random, OK};
use crate::kernels::x25519;
use crate::secure::ct::Wiped;
use crate::Alg;
use zeroize::Zeroizing;

pub const SK_LEN: usize = 32;
pub const PK_LEN: usize = PK_M + 32;
pub const CT_LEN: usize = CT_M + 32;
pub const SS_LEN: usize = 32;
pub const ENC_SEED_LEN: usize = 64;
const PK_M: usize = P768.ek_len();
const SK_M: usize = P768.dk_len();
const CT_M: usize = P768.ct_len();
const LABEL: &[u8; 6] = b"\\.//^\\"; // 5c 2e 2f 2f 5e 5c

/// (active ML-KEM-768 kernel, portable ML-KEM-768 kernel).
fn mlkem() -> (KemKernel, KemKernel) {
    let portable = ml_kem::ML_KEM_768[0];
    let active = crate::dispatch::table_if_ready().and_then(|t| t.kem_kernel(Alg::MlKem768)).copied().filter(|k| k.pk_len == PK_M).unwrap_or(portable);
    (active, portable)
}

fn with_cap(k: (KemKernel, KemKernel), cap: u32) -> KemKernel {
    if k.0.caps & cap != 0 {
        k.0
    } else {
        k.1
    }
}

fn hash_kernel(alg: Alg) -> Option<HashKernel> {
    crate::dispatch::table_if_ready().and_then(|t| t.hash_kernel(alg)).copied().or_else(|| crate::kernels::hash_candidates(alg).first().copied())
}

fn hash(alg: Alg, parts: &[&[u8]], out: &mut [u8]) -> Result<(), i32> {
    let k = hash_kernel(alg).ok_or(code(Status::Internal))?;
    let mut h = crate::hazmat::hasher_on_kernel(alg, &k, HASH_MODE_PLAIN, &[]).map_err(|e| code(e.status))?;
    for p in parts {
        h.update(p);
    }
    match alg {
        Alg::Shake256 => h.finalize_xof(out).map_err(|e| code(e.status)),
        _ => h.finalize_into(out).map(|_| ()).map_err(|e| code(e.status)),
    }
}

/// Raw X25519 (no all-zero refusal, see the module docs).
fn x25519_raw(k: &[u8; 32], u: &[u8; 32]) -> Wiped<32> {
    let ss = x25519_dalek::StaticSecret::from(*k).diffie_hellman(&x25519_dalek::PublicKey::from(*u));
    Wiped(ss.to_bytes())
}

/// The expanded decapsulation key.
struct Expanded {
    sk_m: Zeroizing<Vec<u8>>,
    pk_m: Vec<u8>,
    sk_x: Wiped<32>,
    pk_x: [u8; 32],
}

fn expand(sk: &[u8; SK_LEN]) -> Result<Expanded, i32> {
    let mut e = Wiped::<96>::new();
    hash(Alg::Shake256, &[sk], &mut e.0)?;
    let k = with_cap(mlkem(), CAP_SEEDED_KEYPAIR);
    let (mut sk_m, mut pk_m) = (Zeroizing::new(vec![0u8; SK_M]), vec![0u8; PK_M]);
    // SAFETY: 64-byte seed (d ‖ z); output buffers of the ML-KEM-768 sizes.
    let rc = unsafe { (k.keypair)(e.0.as_ptr(), 64, pk_m.as_mut_ptr(), sk_m.as_mut_ptr()) };
    if rc != OK {
        return Err(rc);
    }
    let mut sk_x = Wiped::<32>::new();
    sk_x.0.copy_from_slice(&e.0[64..]);
    let pk_x = x25519::public(&sk_x);
    Ok(Expanded { sk_m, pk_m, sk_x, pk_x })
}

fn combine(ss_m: &[u8], ss_x: &[u8], ct_x: &[u8], pk_x: &[u8], out: &mut Wiped<32>) -> Result<(), i32> {
    hash(Alg::Sha3_256, &[ss_m, ss_x, ct_x, pk_x, LABEL], &mut out.0)
}

unsafe extern "C" fn keypair(seed: *const u8, seed_len: usize, pk: *mut u8, sk: *mut u8) -> i32 {
    ml_kem::guard(|| {
        // SAFETY: kernel-ABI contract.
        let s = match unsafe { seed_or_random::<SK_LEN>(seed, seed_len) } {
            Ok(s) => s,
            Err(c) => return c,
        };
        let x = match expand(&s) {
            Ok(x) => x,
            Err(c) => return c,
        };
        // SAFETY: `pk`/`sk` hold PK_LEN/SK_LEN bytes (caller contract).
        unsafe {
            std::ptr::copy_nonoverlapping(x.pk_m.as_ptr(), pk, PK_M);
            std::ptr::copy_nonoverlapping(x.pk_x.as_ptr(), pk.add(PK_M), 32);
            std::ptr::copy_nonoverlapping(s.0.as_ptr(), sk, SK_LEN);
        }
        OK
    })
}

unsafe extern "C" fn encaps(pk: *const u8, seed: *const u8, seed_len: usize, ct: *mut u8, ss: *mut u8) -> i32 {
    ml_kem::guard(|| {
        // SAFETY: `pk` holds PK_LEN bytes (caller contract).
        let pk_x: [u8; 32] = unsafe { arr(pk.add(PK_M)) };
        let (m_ptr, m_len, ek_x) = if seed.is_null() || seed_len == 0 {
            // SAFETY: NULL seed: fresh OS randomness, nothing is read.
            match unsafe { seed_or_random::<32>(std::ptr::null(), 0) } {
                Ok(e) => (std::ptr::null(), 0, e),
                Err(c) => return c,
            }
        } else if seed_len != ENC_SEED_LEN {
            return code(Status::InvalidLength);
        } else {
            // SAFETY: `seed` has ENC_SEED_LEN bytes: m = seed[0..32], ek_X = seed[32..64].
            (seed, 32, Wiped(unsafe { arr::<32>(seed.add(32)) }))
        };
        let k = if m_ptr.is_null() { mlkem().0 } else { with_cap(mlkem(), CAP_SEEDED_ENCAPS) };
        let (mut ct_m, mut ss_m) = (vec![0u8; CT_M], Wiped::<32>::new());
        // SAFETY: `pk` starts with the PK_M-byte ML-KEM key; `m_ptr` NULL or 32 bytes; outputs sized.
        let rc = unsafe { (k.encaps)(pk, m_ptr, m_len, ct_m.as_mut_ptr(), ss_m.0.as_mut_ptr()) };
        if rc != OK {
            return rc;
        }
        let ct_x = x25519::public(&ek_x);
        let ss_x = x25519_raw(&ek_x, &pk_x);
        let mut out = Wiped::<32>::new();
        if let Err(c) = combine(&ss_m.0, &ss_x.0, &ct_x, &pk_x, &mut out) {
            return c;
        }
        // SAFETY: `ct`/`ss` hold CT_LEN/SS_LEN bytes (caller contract).
        unsafe {
            std::ptr::copy_nonoverlapping(ct_m.as_ptr(), ct, CT_M);
            std::ptr::copy_nonoverlapping(ct_x.as_ptr(), ct.add(CT_M), 32);
            std::ptr::copy_nonoverlapping(out.0.as_ptr(), ss, SS_LEN);
        }
        OK
    })
}

unsafe extern "C" fn decaps(sk: *const u8, ct: *const u8, ss: *mut u8) -> i32 {
    ml_kem::guard(|| {
        // SAFETY: `sk` holds SK_LEN bytes, `ct` CT_LEN bytes (caller contract).
        let (s, ct_x) = unsafe { (Wiped(arr::<SK_LEN>(sk)), arr::<32>(ct.add(CT_M))) };
        let x = match expand(&s) {
            Ok(x) => x,
            Err(c) => return c,
        };
        let k = mlkem().0;
        let mut ss_m = Wiped::<32>::new();
        // SAFETY: `sk_m` is an ML-KEM-768 dk, `ct` starts with the CT_M-byte ML-KEM ciphertext.
        let rc = unsafe { (k.decaps)(x.sk_m.as_ptr(), ct, ss_m.0.as_mut_ptr()) };
        if rc != OK {
            return rc;
        }
        let ss_x = x25519_raw(&x.sk_x, &ct_x);
        let mut out = Wiped::<32>::new();
        if let Err(c) = combine(&ss_m.0, &ss_x.0, &ct_x, &x.pk_x, &mut out) {
            return c;
        }
        // SAFETY: `ss` holds SS_LEN bytes.
        unsafe { std::ptr::copy_nonoverlapping(out.0.as_ptr(), ss, SS_LEN) };
        OK
    })
}

static DESC: KernelDesc = KernelDesc { name: c"x-wing/composed".as_ptr(), requires: 0, constant_time: true, priority: 0 };

pub static CANDIDATES: [KemKernel; 1] = [KemKernel {
    desc: &DESC,
    pk_len: PK_LEN,
    sk_len: SK_LEN,
    ct_len: CT_LEN,
    ss_len: SS_LEN,
    seed_len: SK_LEN,
    enc_seed_len: ENC_SEED_LEN,
    caps: CAP_SEEDED_KEYPAIR | CAP_SEEDED_ENCAPS,
    keypair,
    encaps,
    decaps,
}];
