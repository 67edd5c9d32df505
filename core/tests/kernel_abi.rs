//! `include/xpscrypto_kernel.h` (hand-written for patch authors) against the Rust definitions in
//! `core/src/dispatch/abi.rs`: a C file is generated with `_Static_assert`s on every struct's
//! size, alignment and field offsets and on every constant, and compiled against the header.

use std::mem::{align_of, offset_of, size_of};
use std::process::Command;
use xpscrypto_core::dispatch::abi::*;

macro_rules! layout {
    ($out:ident, $c:literal, $t:ty, [$($f:ident),*]) => {{
        $out.push(format!("_Static_assert(sizeof({}) == {}, \"size of {}\");", $c, size_of::<$t>(), $c));
        $out.push(format!("_Static_assert(_Alignof({}) == {}, \"alignment of {}\");", $c, align_of::<$t>(), $c));
        $(
            $out.push(format!("_Static_assert(offsetof({}, {}) == {}, \"offset of {}.{}\");", $c, stringify!($f), offset_of!($t, $f), $c, stringify!($f)));
        )*
    }};
}

#[test]
fn kernel_header_matches_the_rust_abi() {
    let mut a: Vec<String> = vec!["#include <stddef.h>".into(), "#include \"xpscrypto_kernel.h\"".into()];
    layout!(a, "xps_kernel_desc", KernelDesc, [name, requires, constant_time, priority]);
    layout!(a, "xps_hash_state", HashState, []);
    layout!(a, "xps_hash_kernel", HashKernel, [desc, state_size, init, update, finalize, oneshot, compress]);
    layout!(a, "xps_aead_schedule", AeadSchedule, []);
    layout!(a, "xps_aead_kernel", AeadKernel, [desc, sched_size, setup, seal, open]);
    layout!(a, "xps_argon2_params", Argon2Params, [t_cost, m_cost_kib, parallelism]);
    layout!(a, "xps_argon2_kernel", Argon2Kernel, [desc, run]);
    layout!(a, "xps_sign_kernel", SignKernel, [desc, pk_len, sk_len, sig_len, seed_len, max_ctx_len, caps, keypair, public_from_secret, sign, verify]);
    layout!(a, "xps_kem_kernel", KemKernel, [desc, pk_len, sk_len, ct_len, ss_len, seed_len, enc_seed_len, caps, keypair, encaps, decaps]);
    layout!(a, "xps_patch_kernel", PatchKernel, [op, kind, kernel]);
    layout!(a, "xps_patch_module", PatchModule, [abi_version, kernel_count, kernels]);
    let consts: &[(&str, u64)] = &[
        ("XPS_KERNEL_ABI_VERSION", KERNEL_ABI_VERSION.into()),
        ("XPS_KERNEL_HASH_STATE_BYTES", HASH_STATE_BYTES as u64),
        ("XPS_KERNEL_AEAD_SCHED_BYTES", AEAD_SCHED_BYTES as u64),
        ("XPS_KERNEL_HASH_MODE_PLAIN", HASH_MODE_PLAIN.into()),
        ("XPS_KERNEL_HASH_MODE_KEYED", HASH_MODE_KEYED.into()),
        ("XPS_KERNEL_HASH_MODE_DERIVE_KEY", HASH_MODE_DERIVE_KEY.into()),
        ("XPS_KERNEL_CAP_SEEDED_KEYPAIR", CAP_SEEDED_KEYPAIR.into()),
        ("XPS_KERNEL_CAP_DETERMINISTIC", CAP_DETERMINISTIC.into()),
        ("XPS_KERNEL_CAP_CONTEXT", CAP_CONTEXT.into()),
        ("XPS_KERNEL_CAP_SEEDED_ENCAPS", CAP_SEEDED_ENCAPS.into()),
        ("XPS_KERNEL_SIGN_FLAG_DETERMINISTIC", SIGN_FLAG_DETERMINISTIC.into()),
        ("XPS_KERNEL_KIND_HASH", KERNEL_KIND_HASH.into()),
        ("XPS_KERNEL_KIND_AEAD", KERNEL_KIND_AEAD.into()),
        ("XPS_KERNEL_KIND_ARGON2ID", KERNEL_KIND_ARGON2ID.into()),
        ("XPS_KERNEL_KIND_SIGN", KERNEL_KIND_SIGN.into()),
        ("XPS_KERNEL_KIND_KEM", KERNEL_KIND_KEM.into()),
    ];
    for (name, v) in consts {
        a.push(format!("_Static_assert({name} == {v}ull, \"{name}\");"));
    }
    // CPU feature bits: the header's XPS_KCPU_* names follow the library's feature table.
    let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../include/xpscrypto_kernel.h")).unwrap();
    let mut seen = 0;
    for (bit, name) in xpscrypto_core::cpu::FEATURES {
        let macro_name = match *name {
            "aes" => "XPS_KCPU_AESNI".to_string(),
            "pmull" => "XPS_KCPU_ARM_PMULL".to_string(),
            n => format!("XPS_KCPU_{}", n.replace('.', "").replace('-', "_").to_uppercase()),
        };
        assert!(header.contains(&format!("#define {macro_name} ")), "header lacks {macro_name} for feature {name}");
        a.push(format!("_Static_assert({macro_name} == {bit}ull, \"{macro_name}\");"));
        seen += 1;
    }
    assert_eq!(header.matches("#define XPS_KCPU_").count(), seen, "header defines CPU bits the library does not know");
    // The entry point's name and type.
    assert!(header.contains(&format!("#define XPS_KERNEL_ENTRY_SYMBOL \"{PATCH_ENTRY_SYMBOL}\"")));
    a.push(format!("const xps_patch_module *{PATCH_ENTRY_SYMBOL}(void) {{ return 0; }}"));
    a.push("static xps_kernel_module_fn entry_type_check = xps_kernel_module; void *keep(void) { return (void *)&entry_type_check; }".into());

    let dir = std::env::temp_dir().join(format!("xps-kernel-abi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("check.c");
    std::fs::write(&src, a.join("\n") + "\n").unwrap();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let out = Command::new(&cc)
        .args(["-std=c11", "-Wall", "-Werror", "-fsyntax-only"])
        .arg(format!("-I{}/../include", env!("CARGO_MANIFEST_DIR")))
        .arg(&src)
        .output()
        .unwrap_or_else(|e| panic!("cannot run the C compiler {cc:?}: {e}"));
    assert!(out.status.success(), "kernel ABI header disagrees with the Rust definitions:\n{}", String::from_utf8_lossy(&out.stderr));
    // C++ consumers include it too.
    let cxx = std::env::var("CXX").unwrap_or_else(|_| "c++".into());
    let cpp = dir.join("check.cpp");
    std::fs::write(&cpp, "#include \"xpscrypto_kernel.h\"\nint main() { return sizeof(xps_patch_module) == 0; }\n").unwrap();
    if let Ok(o) = Command::new(&cxx).args(["-std=c++17", "-Wall", "-Werror", "-fsyntax-only"]).arg(format!("-I{}/../include", env!("CARGO_MANIFEST_DIR"))).arg(&cpp).output() {
        assert!(o.status.success(), "xpscrypto_kernel.h does not compile as C++:\n{}", String::from_utf8_lossy(&o.stderr));
    }
}
