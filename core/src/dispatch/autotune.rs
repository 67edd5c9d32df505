//! Autotune: times the eligible candidates of each sized op (hashes, AEADs) at one message size
//! per bucket and keeps the fastest. Runs only when asked (`set_autotune(true)` or `XPS_AUTOTUNE`
//! at start-up), under the writer lock, after a table has been published.
//!
//! Method: per op and bucket, every candidate is timed in 7 interleaved trials of at least 60 µs
//! each (calls doubled until then, after one warm-up call) and keeps its fastest trial, so a
//! burst of noise hurts one trial, not the decision. The priority choice keeps its bucket unless
//! another candidate is at least 5% faster there, so near-ties do not flip between runs.

use super::abi::{AeadSchedule, HashState, HASH_MODE_PLAIN};
use super::{is_available, ops, Candidate, Slot, AEAD_OPS, BUCKETS, HASH_OPS};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

pub(super) const ENV: &str = "XPS_AUTOTUNE";
/// The message length timed for each bucket (≤256 B, ≤2 KiB, ≤64 KiB, larger).
pub(super) const PROBE_SIZES: [usize; BUCKETS] = [64, 1024, 16384, 131072];
const TRIALS: usize = 7;
const MIN_TRIAL: Duration = Duration::from_micros(60);
/// A non-priority candidate must be this much faster (ratio of times) to take a bucket.
const MARGIN: f64 = 0.95;

/// Measured winners of one op.
#[derive(Clone)]
pub(crate) struct Tuned {
    pub winners: [&'static str; BUCKETS],
    pub ns: Vec<(&'static str, [f64; BUCKETS])>,
}

pub(super) fn wanted_by_env() -> bool {
    std::env::var(ENV).is_ok_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "on" | "true" | "yes"))
}

/// Measures every sized op that has at least two candidates available now.
pub(super) fn tune_all() -> BTreeMap<usize, Tuned> {
    let mut out = BTreeMap::new();
    let mut buf = vec![0u8; PROBE_SIZES[BUCKETS - 1]];
    for (i, op) in ops().iter().enumerate() {
        let cands: Vec<Candidate> = op.candidates.iter().copied().filter(|c| is_available(c.desc())).collect();
        if cands.len() < 2 || !matches!(op.slot, Slot::Hash(_) | Slot::Aead(_)) {
            continue;
        }
        // Ops the policy refuses (e.g. ChaCha20 in FIPS mode) are not worth measuring.
        let alg = match op.slot {
            Slot::Hash(i) => HASH_OPS[i],
            Slot::Aead(i) => AEAD_OPS[i],
            _ => continue,
        };
        if !crate::policy::allowed(alg) {
            continue;
        }
        let favourite = super::select(op).desc().name();
        let mut runners: Vec<Runner> = cands.iter().filter_map(|c| Runner::new(op.slot, *c)).collect();
        if runners.len() < 2 {
            continue;
        }
        let mut ns = vec![[f64::INFINITY; BUCKETS]; runners.len()];
        for (b, &size) in PROBE_SIZES.iter().enumerate() {
            let data = &mut buf[..size];
            for _ in 0..TRIALS {
                for (r, best) in runners.iter_mut().zip(ns.iter_mut()) {
                    best[b] = best[b].min(time_per_call(|| r.run(data)));
                }
            }
        }
        let winners = std::array::from_fn(|b| {
            let fav = runners.iter().position(|r| r.name == favourite);
            let (fastest, t) =
                ns.iter().enumerate().map(|(j, v)| (j, v[b])).min_by(|x, y| x.1.total_cmp(&y.1)).expect("at least two runners");
            match fav {
                Some(f) if t >= ns[f][b] * MARGIN => runners[f].name,
                _ => runners[fastest].name,
            }
        });
        out.insert(i, Tuned { winners, ns: runners.iter().map(|r| r.name).zip(ns).collect() });
    }
    out
}

/// Nanoseconds per call of `f`, over at least [`MIN_TRIAL`] after one warm-up call.
fn time_per_call(mut f: impl FnMut()) -> f64 {
    f();
    let mut reps: u32 = 1;
    loop {
        let t = Instant::now();
        for _ in 0..reps {
            f();
        }
        let e = t.elapsed();
        if e >= MIN_TRIAL || reps >= 1 << 20 {
            return e.as_nanos() as f64 / f64::from(reps);
        }
        reps *= 2;
    }
}

/// One candidate ready to run on a probe message: hashes one-shot, AEADs seal in place under a
/// fixed all-zero key (nothing secret is involved in tuning).
struct Runner {
    name: &'static str,
    kind: Kind,
}

enum Kind {
    Hash { k: super::HashKernel, out_len: usize, st: Box<HashState> },
    Aead { k: super::AeadKernel, sched: Box<AeadSchedule>, nonce_len: usize },
}

impl Runner {
    fn new(slot: Slot, c: Candidate) -> Option<Runner> {
        let name = c.desc().name();
        let kind = match (slot, c) {
            (Slot::Hash(i), Candidate::Hash(k)) => {
                let out_len = crate::hash::fixed_len(HASH_OPS[i]).unwrap_or(32);
                Kind::Hash { k, out_len, st: Box::new(HashState([0; super::abi::HASH_STATE_BYTES])) }
            }
            (Slot::Aead(i), Candidate::Aead(k)) => {
                let alg = AEAD_OPS[i];
                let (key_len, nonce_len) = (crate::aead::key_len(alg).ok()?, crate::aead::nonce_len(alg).ok()?);
                let mut sched = Box::new(AeadSchedule([0; super::abi::AEAD_SCHED_BYTES]));
                let key = [0u8; 32];
                // SAFETY: our own aligned schedule blob; a key of the length this op takes.
                if unsafe { (k.setup)(&mut *sched, key.as_ptr(), key_len) } != 0 {
                    return None;
                }
                Kind::Aead { k, sched, nonce_len }
            }
            _ => return None,
        };
        Some(Runner { name, kind })
    }

    fn run(&mut self, data: &mut [u8]) {
        let mut out = [0u8; 64];
        match &mut self.kind {
            Kind::Hash { k, out_len, st } => {
                // SAFETY: valid slices; the one-shot entry, or init → update → finalize on our
                // own state blob, as the kernel ABI requires.
                unsafe {
                    if let Some(f) = k.oneshot {
                        f(data.as_ptr(), data.len(), out.as_mut_ptr(), *out_len);
                    } else {
                        (k.init)(&mut **st, std::ptr::null(), 0, HASH_MODE_PLAIN);
                        (k.update)(&mut **st, data.as_ptr(), data.len());
                        (k.finalize)(&mut **st, out.as_mut_ptr(), *out_len);
                    }
                }
            }
            Kind::Aead { k, sched, nonce_len } => {
                let nonce = [0u8; 24];
                let p = data.as_mut_ptr();
                // SAFETY: the schedule was set up by this kernel; in-place seal of `data` (the
                // ABI allows input == output); a 16-byte tag buffer.
                unsafe { (k.seal)(&**sched, nonce.as_ptr(), *nonce_len, nonce.as_ptr(), 0, p, p, data.len(), out.as_mut_ptr()) };
            }
        }
        std::hint::black_box(&out);
    }
}
