//! `xps info`: what the library is and which kernels it runs.

use crate::args::{self, Spec};
use crate::{core_error, say, Fail};
use serde_json::json;
use std::io::Write;
use xpscrypto_core::{cpu, dispatch, hotpatch, policy};

pub const USAGE: &str = "\
usage: xps info [--json] [--autotune]

Prints the library version, the kernel ABI version, the CPU features kernels may use, the
dispatch generation, every op with its candidate kernels (available here? constant-time? which
CPU features?) and the active one, the kernel of each size bucket where they differ, and the
hot-patches applied in this process.

  --json       one JSON object instead of the table
  --autotune   time the candidates per size bucket first (as XPS_AUTOTUNE=1 does at start-up)
               and show the measurements
";

const SPEC: Spec = Spec { usage: USAGE, values: &[], repeated: &[], flags: &["json", "autotune"], positional: &[], more: None };

pub fn run(argv: &[String]) -> Result<(), Fail> {
    let a = args::parse(&SPEC, argv)?;
    if a.flag("autotune") {
        dispatch::set_autotune(true).map_err(|e| core_error("info", &e))?;
    }
    let ops = dispatch::info().map_err(|e| core_error("info", &e))?;
    let features = cpu::feature_names(cpu::features());
    let hardware = cpu::feature_names(cpu::hardware_features());
    let applied = hotpatch::applied();
    let generation = dispatch::generation();

    if a.flag("json") {
        let v = json!({
            "version": xpscrypto_core::VERSION,
            "kernel_abi": dispatch::KERNEL_ABI_VERSION,
            "cpu_features": features,
            "hardware_features": hardware,
            "ct_only": policy::ct_only(),
            "generation": generation,
            "autotune": dispatch::autotune_enabled(),
            "curve25519_backend": cpu::curve25519_backend(),
            "bucket_limits": dispatch::BUCKET_LIMITS,
            "probe_sizes": dispatch::autotune_probe_sizes(),
            "ops": ops.iter().map(|o| json!({
                "op": o.op,
                "active": o.active,
                "forced": o.forced,
                "by_size": o.by_size,
                "tuned_ns": o.tuned_ns.iter().map(|(k, ns)| (k.to_string(), json!(ns))).collect::<serde_json::Map<_, _>>(),
                "candidates": o.candidates.iter().map(|c| json!({
                    "name": c.name,
                    "available": c.available,
                    "constant_time": c.constant_time,
                    "requires": c.requires,
                    "priority": c.priority,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "applied_patches": applied.iter().map(|(id, version, ops)| json!({ "id": id, "version": version, "ops": ops })).collect::<Vec<_>>(),
        });
        say!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return Ok(());
    }

    say!("xpscrypto {} (kernel ABI {})", xpscrypto_core::VERSION, dispatch::KERNEL_ABI_VERSION);
    say!("CPU features:        {}", if features.is_empty() { "(none)".to_string() } else { features.join(" ") });
    if hardware != features {
        let hidden: Vec<&str> = hardware.iter().copied().filter(|f| !features.contains(f)).collect();
        say!("hidden by XPS_CPU_DISABLE: {}", hidden.join(" "));
    }
    say!("constant-time only:  {}", if policy::ct_only() { "yes" } else { "no" });
    say!("dispatch generation: {generation}");
    say!("curve25519 backend:  {} (Ed25519/X25519 field arithmetic, chosen by curve25519-dalek)", cpu::curve25519_backend());
    say!("autotune:            {}", if dispatch::autotune_enabled() { "on" } else { "off (XPS_AUTOTUNE=1 or --autotune to turn on)" });
    if applied.is_empty() {
        say!("applied patches:     none");
    } else {
        for (id, version, ops) in &applied {
            say!("applied patch:       {id} version {version} ({})", ops.join(", "));
        }
    }
    say!("");
    let op_w = ops.iter().map(|o| o.op.len()).max().unwrap_or(2).max(2);
    let k_w = ops.iter().flat_map(|o| o.candidates.iter().map(|c| c.name.len())).max().unwrap_or(6).max(6) + 2;
    say!("{:op_w$}  {:k_w$}  {:9}  {:13}  requires", "op", "kernel", "available", "constant-time");
    for o in &ops {
        for (i, c) in o.candidates.iter().enumerate() {
            let mark = match (c.name == o.active, o.forced) {
                (true, true) => "! ",
                (true, false) => "* ",
                _ => "  ",
            };
            say!(
                "{:op_w$}  {:k_w$}  {:9}  {:13}  {}",
                if i == 0 { o.op } else { "" },
                format!("{mark}{}", c.name),
                if c.available { "yes" } else { "no" },
                if c.constant_time { "yes" } else { "no" },
                if c.requires.is_empty() { "-".to_string() } else { c.requires.join(",") },
            );
        }
    }
    let labels = bucket_labels();
    let split: Vec<_> = ops.iter().filter(|o| o.by_size.iter().any(|k| *k != o.active) || !o.tuned_ns.is_empty()).collect();
    if !split.is_empty() {
        say!("");
        say!("kernel per message size (autotune; ns per call at {:?} bytes in brackets):", dispatch::autotune_probe_sizes());
        for o in split {
            let cells: Vec<String> = (0..dispatch::BUCKETS)
                .map(|b| {
                    let ns = o.tuned_ns.iter().find(|(k, _)| *k == o.by_size[b]).map(|(_, v)| format!(" [{:.0}]", v[b])).unwrap_or_default();
                    format!("{} {}{ns}", labels[b], o.by_size[b])
                })
                .collect();
            say!("{:op_w$}  {}", o.op, cells.join(", "));
        }
    }
    say!("");
    say!("* active kernel   ! active kernel, forced");
    Ok(())
}

/// "≤256 B", "≤2 KiB", "≤64 KiB", ">64 KiB" from the table's limits.
fn bucket_labels() -> Vec<String> {
    let fmt = |n: usize| if n >= 1024 { format!("{} KiB", n / 1024) } else { format!("{n} B") };
    let l = dispatch::BUCKET_LIMITS;
    let mut v: Vec<String> = l.iter().map(|n| format!("≤{}", fmt(*n))).collect();
    v.push(format!(">{}", fmt(l[l.len() - 1])));
    v
}
