//! Hot-patch costs (issue 6 item 10), printed as a table (recorded in BENCHMARKS.md):
//!  1. dispatch indirection at 64 B: SHA-256 and BLAKE3 through the public API, through the
//!     table (atomic load + slot + indirect call, no API checks), and through a kernel pointer
//!     fetched once (the "direct" call);
//!  2. time of `apply` (whole pipeline: signatures, digest, load, KATs, differential tests, audit,
//!     swap) and of `rollback` for the example C SHA-256 patch and the Rust AES-256-GCM patch;
//!  3. a thread hashing 4 KiB messages across repeated swaps: rate and the longest gap between
//!     two consecutive hashes, with and without swaps.
//!
//! `cargo bench -p xpscrypto-core --bench hotpatch` (needs a C compiler for the example module).

#[path = "../tests/patchkit/mod.rs"]
mod patchkit;

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use xpscrypto_core::dispatch::{self, HashKernel, HashState};
use xpscrypto_core::hotpatch::{self, ApplyOptions};
use xpscrypto_core::{hash, Alg};

/// Fastest of 31 runs of `iters` calls, in ns per call (the least disturbed run: these are
/// differences of a few ns).
fn ns_per_call(iters: u32, mut f: impl FnMut()) -> f64 {
    let mut v: Vec<f64> = (0..31)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..iters {
                f();
            }
            t.elapsed().as_nanos() as f64 / f64::from(iters)
        })
        .collect();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[0]
}

fn kernel_call(k: &HashKernel, data: &[u8], out: &mut [u8; 32]) {
    // SAFETY: valid slices; init → update → finalize on a fresh state, as the kernel ABI requires.
    unsafe {
        if let Some(f) = k.oneshot {
            f(data.as_ptr(), data.len(), out.as_mut_ptr(), 32);
        } else {
            let mut st = std::mem::MaybeUninit::<HashState>::uninit();
            (k.init)(st.as_mut_ptr(), std::ptr::null(), 0, 0);
            (k.update)(st.as_mut_ptr(), data.as_ptr(), data.len());
            (k.finalize)(st.as_mut_ptr(), out.as_mut_ptr(), 32);
        }
    }
}

fn indirection() {
    println!("1. dispatch indirection, 64-byte one-shot hash (best of 31 runs, ns/call)");
    println!("   {:<9} {:>10} {:>14} {:>12} {:>10}", "op", "public API", "table+indirect", "direct ptr", "API−direct");
    let data = [0x61u8; 64];
    for alg in [Alg::Sha256, Alg::Blake3] {
        let mut out = [0u8; 32];
        let api = ns_per_call(200_000, || {
            hash::hash_into(alg, black_box(&data), &mut out).unwrap();
        });
        let table = ns_per_call(200_000, || {
            let k = dispatch::table().unwrap().hash_kernel(black_box(alg)).unwrap();
            kernel_call(k, black_box(&data), &mut out);
        });
        let fixed: HashKernel = *dispatch::table().unwrap().hash_kernel(alg).unwrap();
        let direct = ns_per_call(200_000, || kernel_call(black_box(&fixed), black_box(&data), &mut out));
        println!("   {:<9} {api:>10.1} {table:>14.1} {direct:>12.1} {:>10.1}   ({})", alg.name(), api - direct, fixed.desc.name());
    }
    let lookup = ns_per_call(2_000_000, || {
        let k = dispatch::table().unwrap().hash_kernel(black_box(Alg::Sha256)).unwrap();
        black_box(k.update);
    });
    println!("   the lookup alone (Acquire load of the table + slot index): {lookup:.2} ns");
}

fn apply_times() {
    println!("2. apply (whole pipeline) and rollback, median of 25");
    let alice = patchkit::signer("bench");
    for (id, op, payload) in [
        ("c-sha256", "hash.sha256", patchkit::build_c_patch("bench", &[])),
        ("rust-aes256gcm", "aead.aes-256-gcm", patchkit::build_rust_patch()),
    ] {
        let trust = patchkit::trust_store(&[(&alice, &[op])], 1);
        let man = patchkit::sign(&patchkit::manifest(id, 1, &[op], &payload), &[&alice]);
        // First apply loads the module (dlopen from the memfd); later ones reuse it.
        let t = Instant::now();
        hotpatch::apply(&man, &payload, &trust, &ApplyOptions::default()).unwrap();
        let first = t.elapsed();
        hotpatch::rollback().unwrap();
        let (mut a, mut r) = (Vec::new(), Vec::new());
        for _ in 0..25 {
            let t = Instant::now();
            hotpatch::apply(&man, &payload, &trust, &ApplyOptions::default()).unwrap();
            a.push(t.elapsed());
            let t = Instant::now();
            hotpatch::rollback().unwrap();
            r.push(t.elapsed());
        }
        a.sort();
        r.sort();
        println!(
            "   {id:<15} {:>7} KiB payload: first apply {:>8.2} ms, apply {:>7.2} ms, rollback {:>6.3} ms",
            payload.len() / 1024,
            first.as_secs_f64() * 1e3,
            a[12].as_secs_f64() * 1e3,
            r[12].as_secs_f64() * 1e3
        );
    }
}

fn hashing_across_swaps() {
    println!("3. a thread hashing 4 KiB messages (SHA-256), 1 s each");
    let alice = patchkit::signer("bench");
    let payload = patchkit::build_c_patch("bench", &[]);
    let trust = patchkit::trust_store(&[(&alice, &["hash.sha256"])], 1);
    let man = patchkit::sign(&patchkit::manifest("c-sha256", 1, &["hash.sha256"], &payload), &[&alice]);
    for swapping in [false, true] {
        let stop = Arc::new(AtomicBool::new(false));
        let (count, max_gap) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let th = {
            let (stop, count, max_gap) = (stop.clone(), count.clone(), max_gap.clone());
            std::thread::spawn(move || {
                let data = [0x5cu8; 4096];
                let mut out = [0u8; 32];
                let mut last = Instant::now();
                while !stop.load(Ordering::Relaxed) {
                    hash::hash_into(Alg::Sha256, &data, &mut out).unwrap();
                    let now = Instant::now();
                    max_gap.fetch_max((now - last).as_nanos() as u64, Ordering::Relaxed);
                    last = now;
                    count.fetch_add(1, Ordering::Relaxed);
                }
            })
        };
        let t = Instant::now();
        let mut swaps = 0;
        while t.elapsed() < Duration::from_secs(1) {
            if swapping {
                hotpatch::apply(&man, &payload, &trust, &ApplyOptions::default()).unwrap();
                std::thread::sleep(Duration::from_millis(20));
                hotpatch::rollback().unwrap();
                swaps += 2;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        stop.store(true, Ordering::Relaxed);
        th.join().unwrap();
        println!(
            "   {:<22} {:>8.0} hashes/s, longest gap {:>6.3} ms",
            if swapping { format!("with {swaps} swaps") } else { "no swaps".to_string() },
            count.load(Ordering::Relaxed) as f64 / t.elapsed().as_secs_f64(),
            max_gap.load(Ordering::Relaxed) as f64 / 1e6
        );
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return; // `cargo test --benches` / harness probes
    }
    xpscrypto_core::init().unwrap();
    println!("xpscrypto hot-patch benchmarks ({} CPUs)", std::thread::available_parallelism().map_or(0, |n| n.get()));
    indirection();
    apply_times();
    hashing_across_swaps();
}
