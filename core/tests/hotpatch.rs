//! Hot-patch pipeline: a real patch module applied and rolled back, and every refusal the issue
//! lists — each asserting the failing step (status), an unchanged generation and an audit record.

mod patchkit;

use patchkit::*;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use xpscrypto_core::hotpatch::{self, ApplyOptions, Step};
use xpscrypto_core::{dispatch, hash, Alg, Status};

const OP: &str = "hash.sha256";

fn uses(patch_id: &str) -> u64 {
    let p = hotpatch::loaded_module_symbol_for_testing(patch_id, "xps_sha256_patch_uses").expect("counter symbol");
    // SAFETY: the symbol is the module's `atomic_ulong` counter (64-bit on this target), and the
    // module is never unloaded.
    unsafe { &*(p as *const AtomicU64) }.load(Ordering::SeqCst)
}

fn sha256_ref(data: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(data).to_vec()
}

/// Applies and expects refusal at `step` with the generation unchanged and a `reject` audit line.
fn refused(manifest: &[u8], payload: &[u8], trust: &[u8], step: Step) -> String {
    let g = dispatch::generation();
    let active = dispatch::active_kernel(OP).unwrap();
    let e = hotpatch::apply(manifest, payload, trust, &ApplyOptions::default()).expect_err("must be refused");
    assert_eq!(e.status, step.status(), "wrong step: {e}");
    assert_eq!(Step::from_status(e.status), Some(step));
    assert_eq!(dispatch::generation(), g, "generation changed by a refused patch");
    assert_eq!(dispatch::active_kernel(OP).unwrap(), active);
    let a = last_audit();
    assert_eq!(a["action"], "reject");
    assert_eq!(a["result"], "rejected");
    assert_eq!(a["step"], step.name());
    assert_eq!(a["status"], step.status().name());
    assert_eq!(a["previous_generation"], g);
    assert_eq!(a["new_generation"], g);
    e.detail.to_string()
}

#[test]
fn apply_then_rollback_swaps_the_kernel_and_audits() {
    let _s = serial();
    let log = scratch().join("audit-apply.jsonl");
    let _ = std::fs::remove_file(&log);
    hotpatch::set_audit_log(Some(log.clone()));
    let payload = build_c_patch("good", &[]);
    let alice = signer("alice");
    let trust = trust_store(&[(&alice, &[OP])], 1);
    let man = sign(&manifest("c-sha256", 7, &[OP], &payload), &[&alice]);

    let before = dispatch::active_kernel(OP).unwrap();
    let g0 = dispatch::generation();
    let r = hotpatch::apply(&man, &payload, &trust, &ApplyOptions::default()).unwrap();
    assert_eq!((r.previous_generation, r.new_generation), (g0, g0 + 1));
    assert_eq!(dispatch::generation(), g0 + 1);
    assert_eq!(r.kernels, vec![(OP.to_string(), "sha256/c-portable".to_string())]);
    assert_eq!(r.signers, vec!["alice".to_string()]);
    assert_eq!(dispatch::active_kernel(OP).unwrap(), "sha256/c-portable");
    // Operations after apply returns run on the patch (and stay correct).
    let n0 = uses("c-sha256");
    for len in [0usize, 3, 64, 1000, 100_000] {
        let data: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
        assert_eq!(hash::hash(Alg::Sha256, &data).unwrap(), sha256_ref(&data));
    }
    assert_eq!(uses("c-sha256"), n0 + 5);
    // The info surface shows the patch kernel among the candidates.
    let info = dispatch::info().unwrap();
    let op = info.iter().find(|o| o.op == OP).unwrap();
    assert_eq!(op.active, "sha256/c-portable");
    assert!(op.candidates.iter().any(|c| c.name == "sha256/c-portable"));
    assert_eq!(hotpatch::applied().len(), 1);

    let rb = hotpatch::rollback().unwrap();
    assert_eq!((rb.patch_id.as_str(), rb.previous_generation, rb.new_generation), ("c-sha256", g0 + 1, g0 + 2));
    assert_eq!((rb.signers.clone(), rb.payload_sha256.to_vec()), (vec!["alice".to_string()], sha256_ref(&payload)));
    assert_eq!(dispatch::active_kernel(OP).unwrap(), before);
    let n1 = uses("c-sha256");
    hash::hash(Alg::Sha256, b"abc").unwrap();
    assert_eq!(uses("c-sha256"), n1, "after rollback the patch kernel must not run");
    assert_eq!(hotpatch::rollback().unwrap_err().status, Status::NothingToRollback);

    let h = hotpatch::history();
    let tail = &h[h.len() - 2..];
    assert_eq!((tail[0].action, tail[0].generation, tail[0].patch_id.as_str()), (hotpatch::Action::Apply, g0 + 1, "c-sha256"));
    assert_eq!((tail[1].action, tail[1].generation), (hotpatch::Action::Rollback, g0 + 2));
    assert!(tail[1].active.is_empty());

    // The audit file: one JSON object per line, apply then rollback (and the refused rollback).
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["action"], "apply");
    assert_eq!(lines[0]["result"], "ok");
    assert_eq!(lines[0]["patch_id"], "c-sha256");
    assert_eq!(lines[0]["version"], 7);
    assert_eq!(lines[0]["signers"], json!(["alice"]));
    assert_eq!(lines[0]["ops"], json!([OP]));
    assert_eq!(lines[0]["payload_sha256"], hex(&sha256_ref(&payload)));
    assert_eq!((lines[0]["previous_generation"].as_u64(), lines[0]["new_generation"].as_u64()), (Some(g0), Some(g0 + 1)));
    assert!(lines[0]["time"].as_str().unwrap().ends_with('Z'));
    assert_eq!(lines[1]["action"], "rollback");
    assert_eq!(lines[1]["payload_sha256"], hex(&sha256_ref(&payload)));
    assert_eq!(lines[1]["signers"], json!(["alice"]));
    assert_eq!(lines[2]["result"], "rejected");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&log).unwrap().permissions().mode() & 0o777, 0o600);
    }
    hotpatch::set_audit_log(None);
}

#[test]
fn payload_and_signature_refusals() {
    let _s = serial();
    let payload = build_c_patch("good", &[]);
    let (alice, bob, mallory) = (signer("alice"), signer("bob"), signer("mallory"));
    let trust = trust_store(&[(&alice, &[OP])], 1);
    let m = manifest("c-sha256", 1, &[OP], &payload);
    let good = sign(&m, &[&alice]);

    // Payload tampered by one bit.
    let mut bad = payload.clone();
    bad[payload.len() / 2] ^= 0x04;
    refused(&good, &bad, &trust, Step::Digest);
    // Payload of the wrong size.
    let mut longer = payload.clone();
    longer.push(0);
    assert!(refused(&good, &longer, &trust, Step::Digest).contains("bytes"));
    // Manifest tampered after signing (version bumped in the JSON).
    let mut v: Value = serde_json::from_slice(&good).unwrap();
    v["version"] = json!(2);
    refused(&serde_json::to_vec(&v).unwrap(), &payload, &trust, Step::Signature);
    // A signature by a signer the trust store does not know.
    refused(&sign(&m, &[&mallory]), &payload, &trust, Step::Signature);
    // An unsigned manifest.
    refused(&serde_json::to_vec(&m).unwrap(), &payload, &trust, Step::Signature);
    // Signature bytes of another manifest under a known name.
    let mut forged: Value = serde_json::from_slice(&good).unwrap();
    let other: Value = serde_json::from_slice(&sign(&manifest("other", 1, &[OP], &payload), &[&alice])).unwrap();
    forged["signatures"] = other["signatures"].clone();
    refused(&serde_json::to_vec(&forged).unwrap(), &payload, &trust, Step::Signature);
    // Fewer signatures than the threshold; duplicates by one signer count once.
    let trust2 = trust_store(&[(&alice, &[OP]), (&bob, &[OP])], 2);
    refused(&good, &payload, &trust2, Step::Signature);
    let mut dup: Value = serde_json::from_slice(&good).unwrap();
    let first = dup["signatures"][0].clone();
    dup["signatures"] = json!([first.clone(), first]);
    assert!(refused(&serde_json::to_vec(&dup).unwrap(), &payload, &trust2, Step::Signature).contains("1 distinct"));
    // Both signers: accepted.
    let both = sign(&m, &[&alice, &bob]);
    hotpatch::apply(&both, &payload, &trust2, &ApplyOptions::default()).unwrap();
    hotpatch::rollback().unwrap();
    // A signer not allowed to patch this op.
    let trust3 = trust_store(&[(&alice, &["aead.aes-256-gcm"])], 1);
    assert!(refused(&good, &payload, &trust3, Step::Policy).contains("alice"));
}

#[test]
fn module_refusals() {
    let _s = serial();
    let alice = signer("alice");
    let trust = trust_store(&[(&alice, &["*"])], 1);
    let go = |tag: &str, defines: &[&str], step: Step| {
        let payload = build_c_patch(tag, defines);
        let man = sign(&manifest(&format!("c-{tag}"), 1, &[OP], &payload), &[&alice]);
        refused(&man, &payload, &trust, step)
    };
    go("abi", &["XPS_PATCH_ABI=99"], Step::Abi);
    go("noentry", &["XPS_PATCH_NO_ENTRY"], Step::Load);
    go("kat", &["XPS_PATCH_FAULT=1"], Step::Kat);
    assert!(go("random", &["XPS_PATCH_FAULT=2"], Step::Differential).contains("differs"));
    // A CPU feature this machine lacks (the first known bit not detected).
    let missing = xpscrypto_core::cpu::FEATURES.iter().map(|(b, _)| *b).find(|b| xpscrypto_core::cpu::features() & b == 0);
    if let Some(bit) = missing {
        let d = format!("XPS_PATCH_REQUIRES={bit}ull");
        go("cpu", &[d.as_str()], Step::Cpu);
    }
    // A declared state size smaller than the real state (clones and wipes would cut it).
    assert!(go("statesize", &["XPS_PATCH_STATE_SIZE=8"], Step::Differential).contains("state"));
    // A built-in kernel name is refused (a patch cannot impersonate one).
    go("name", &["XPS_PATCH_NAME=\"sha256/portable\""], Step::Abi);
    // The manifest declares another kernel ABI.
    let payload = build_c_patch("good", &[]);
    let mut m = manifest("c-abi-manifest", 1, &[OP], &payload);
    m["kernel_abi"] = json!(2);
    refused(&sign(&m, &[&alice]), &payload, &trust, Step::Abi);
    // The manifest lists an op the module does not provide.
    refused(&sign(&manifest("c-extra-op", 1, &[OP, "hash.sha512"], &payload), &[&alice]), &payload, &trust, Step::Abi);
    // Not a shared library at all (correctly signed).
    let junk: Vec<u8> = (0..4096u32).map(|i| (i * 31 % 251) as u8).collect();
    refused(&sign(&manifest("junk", 1, &[OP], &junk), &[&alice]), &junk, &trust, Step::Load);
    // Dependencies would be read from disk unverified: RUNPATH, or a library off the allowlist.
    let p = build_c_patch_with("rpath", &[], &["-Wl,-rpath,/tmp/xps-nowhere"]);
    assert!(refused(&sign(&manifest("c-rpath", 1, &[OP], &p), &[&alice]), &p, &trust, Step::Load).contains("RUNPATH"));
    let p = build_c_patch_with("needs-stdcxx", &[], &["-Wl,--no-as-needed", "-lstdc++"]);
    assert!(refused(&sign(&manifest("c-stdcxx", 1, &[OP], &p), &[&alice]), &p, &trust, Step::Load).contains("libstdc++"));
    let mut elf_junk = junk.clone();
    elf_junk[..4].copy_from_slice(b"\x7fELF");
    assert!(refused(&sign(&manifest("elf-junk", 1, &[OP], &elf_junk), &[&alice]), &elf_junk, &trust, Step::Load).contains("ELF"));
}

#[test]
fn downgrades_and_windows() {
    let _s = serial();
    let payload = build_c_patch("good", &[]);
    let alice = signer("alice");
    let trust = trust_store(&[(&alice, &[OP])], 1);
    let v5 = sign(&manifest("c-sha256", 5, &[OP], &payload), &[&alice]);
    hotpatch::apply(&v5, &payload, &trust, &ApplyOptions::default()).unwrap();
    // Re-applying the same version, or an older one, is a downgrade.
    refused(&v5, &payload, &trust, Step::Downgrade);
    let v3 = sign(&manifest("c-sha256", 3, &[OP], &payload), &[&alice]);
    assert!(refused(&v3, &payload, &trust, Step::Downgrade).contains("not newer"));
    // Explicitly forced: accepted and stacked on top.
    let g = dispatch::generation();
    hotpatch::apply(&v3, &payload, &trust, &ApplyOptions { allow_downgrade: true }).unwrap();
    assert_eq!(dispatch::generation(), g + 1);
    assert_eq!(hotpatch::applied().iter().map(|a| a.1).collect::<Vec<_>>(), vec![5, 3]);
    hotpatch::rollback().unwrap();
    hotpatch::rollback().unwrap();
    // After the rollbacks, version 3 is newer than what is active (nothing).
    hotpatch::apply(&v3, &payload, &trust, &ApplyOptions::default()).unwrap();
    hotpatch::rollback().unwrap();
    // Time window.
    let mut expired = manifest("c-sha256", 9, &[OP], &payload);
    expired["not_after"] = json!(now() - 60);
    refused(&sign(&expired, &[&alice]), &payload, &trust, Step::Policy);
    let mut early = manifest("c-sha256", 9, &[OP], &payload);
    early["not_before"] = json!(now() + 3600);
    refused(&sign(&early, &[&alice]), &payload, &trust, Step::Policy);
}

#[test]
fn malformed_inputs() {
    let _s = serial();
    let payload = build_c_patch("good", &[]);
    let alice = signer("alice");
    let trust = trust_store(&[(&alice, &[OP])], 1);
    let good = sign(&manifest("c-sha256", 1, &[OP], &payload), &[&alice]);
    for bad in [&b"{"[..], b"", b"[]", b"null", b"{\"format\":\"xpscrypto-patch-manifest/1\"}", &[0xff, 0xfe]] {
        refused(bad, &payload, &trust, Step::Parse);
    }
    // Unknown fields, duplicate keys, wrong types, bad hex, bad ids, unknown ops.
    let base: Value = serde_json::from_slice(&good).unwrap();
    let mutate = |f: &dyn Fn(&mut Value)| {
        let mut v = base.clone();
        f(&mut v);
        serde_json::to_vec(&v).unwrap()
    };
    refused(&mutate(&|v| v["extra"] = json!(1)), &payload, &trust, Step::Parse);
    refused(&mutate(&|v| v["version"] = json!("1")), &payload, &trust, Step::Parse);
    refused(&mutate(&|v| v["version"] = json!(0)), &payload, &trust, Step::Parse);
    refused(&mutate(&|v| v["payload"]["sha256"] = json!("ABCD")), &payload, &trust, Step::Parse);
    refused(&mutate(&|v| v["id"] = json!("../etc")), &payload, &trust, Step::Parse);
    refused(&mutate(&|v| v["ops"] = json!(["hash.md5"])), &payload, &trust, Step::Parse);
    refused(&mutate(&|v| v["ops"] = json!([OP, OP])), &payload, &trust, Step::Parse);
    refused(&mutate(&|v| v["signatures"][0]["ed25519"] = json!("00")), &payload, &trust, Step::Parse);
    let text = String::from_utf8(good.clone()).unwrap();
    let dup_key = text.replacen("\"version\": 1", "\"version\": 1, \"version\": 2", 1);
    assert_ne!(dup_key, text);
    refused(dup_key.as_bytes(), &payload, &trust, Step::Parse);
    // Oversized JSON (valid, but above the limit).
    let mut big = base.clone();
    big["id"] = json!("x".repeat(70 * 1024));
    refused(&serde_json::to_vec(&big).unwrap(), &payload, &trust, Step::Parse);
    // Trust stores.
    refused(&good, &payload, b"{}", Step::Parse);
    let t: Value = serde_json::from_slice(&trust).unwrap();
    let tmut = |f: &dyn Fn(&mut Value)| {
        let mut v = t.clone();
        f(&mut v);
        serde_json::to_vec(&v).unwrap()
    };
    refused(&good, &payload, &tmut(&|v| v["min_required_signatures"] = json!(0)), Step::Parse);
    refused(&good, &payload, &tmut(&|v| v["min_required_signatures"] = json!(2)), Step::Parse);
    refused(&good, &payload, &tmut(&|v| v["signers"][0]["ed25519"] = json!("zz")), Step::Parse);
    let dup_signer = tmut(&|v| {
        let s = v["signers"][0].clone();
        v["signers"] = json!([s.clone(), s]);
    });
    refused(&good, &payload, &dup_signer, Step::Parse);
    // allow_unsigned: refused unless the development switch is on.
    let unsigned_ok = tmut(&|v| {
        v["allow_unsigned"] = json!(true);
        v["min_required_signatures"] = json!(0);
    });
    let plain = serde_json::to_vec(&manifest("dev-unsigned", 1, &[OP], &payload)).unwrap();
    refused(&plain, &payload, &unsigned_ok, Step::Policy);
    xpscrypto_core::policy::set_allow_unsigned_patches_for_development(true);
    let r = hotpatch::apply(&plain, &payload, &unsigned_ok, &ApplyOptions::default());
    xpscrypto_core::policy::set_allow_unsigned_patches_for_development(false);
    let r = r.unwrap();
    assert!(r.signers.is_empty());
    assert_eq!(last_audit()["reason"], "unsigned (development policy)");
    hotpatch::rollback().unwrap();
}

#[test]
fn ml_dsa_65_cosignature_is_required_when_listed() {
    let _s = serial();
    let payload = build_c_patch("good", &[]);
    let alice = signer("alice");
    let (ml_pk, ml_sk) = xpscrypto_core::sign::keypair(Alg::MlDsa65, None).unwrap();
    let mut t: Value = serde_json::from_slice(&trust_store(&[(&alice, &[OP])], 1)).unwrap();
    t["signers"][0]["ml_dsa_65"] = json!(hex(&ml_pk));
    let trust = serde_json::to_vec(&t).unwrap();
    let m = manifest("c-sha256-pq", 1, &[OP], &payload);
    // Ed25519 alone is not enough for this signer.
    assert!(refused(&sign(&m, &[&alice]), &payload, &trust, Step::Signature).contains("ML-DSA-65"));
    let both = hotpatch::sign_manifest(&serde_json::to_vec(&m).unwrap(), "alice", &alice.secret, Some(ml_sk.as_slice())).unwrap();
    // A corrupted ML-DSA signature is refused.
    let mut v: Value = serde_json::from_str(&both).unwrap();
    let s = v["signatures"][0]["ml_dsa_65"].as_str().unwrap().to_string();
    v["signatures"][0]["ml_dsa_65"] = json!(format!("{}{}", if &s[..1] == "0" { "1" } else { "0" }, &s[1..]));
    refused(&serde_json::to_vec(&v).unwrap(), &payload, &trust, Step::Signature);
    hotpatch::apply(both.as_bytes(), &payload, &trust, &ApplyOptions::default()).unwrap();
    hotpatch::rollback().unwrap();
}

#[test]
fn verify_only_checks_without_loading() {
    let _s = serial();
    let payload = build_c_patch("good", &[]);
    let alice = signer("alice");
    let trust = trust_store(&[(&alice, &[OP])], 1);
    let good = sign(&manifest("c-sha256", 1, &[OP], &payload), &[&alice]);
    let g = dispatch::generation();
    let n = hotpatch::audit_records().len();
    let (m, signers) = hotpatch::verify_only(&good, &payload, &trust).unwrap();
    assert_eq!((m.id.as_str(), signers), ("c-sha256", vec!["alice".to_string()]));
    let mut bad = payload.clone();
    bad[100] ^= 1;
    assert_eq!(hotpatch::verify_only(&good, &bad, &trust).unwrap_err().status, Status::PatchDigest);
    assert_eq!(dispatch::generation(), g);
    assert_eq!(hotpatch::audit_records().len(), n, "verify writes no audit record");
    // The time window and versions are checked too (as apply would).
    let mut expired = manifest("c-sha256", 1, &[OP], &payload);
    expired["not_after"] = json!(now() - 1);
    assert_eq!(hotpatch::verify_only(&sign(&expired, &[&alice]), &payload, &trust).unwrap_err().status, Status::PatchPolicy);
    hotpatch::apply(&good, &payload, &trust, &ApplyOptions::default()).unwrap();
    assert_eq!(hotpatch::verify_only(&good, &payload, &trust).unwrap_err().status, Status::PatchDowngrade);
    hotpatch::rollback().unwrap();
    let (g, n) = (dispatch::generation(), hotpatch::audit_records().len());
    // Bad signer names are a parameter error, not a malformed manifest.
    let unsigned = serde_json::to_vec(&manifest("c-sha256", 1, &[OP], &payload)).unwrap();
    assert_eq!(hotpatch::sign_manifest(&unsigned, "bad name", &alice.secret, None).unwrap_err().status, Status::InvalidParameter);
    assert_eq!(dispatch::generation(), g);
    assert_eq!(hotpatch::audit_records().len(), n);
}

#[test]
fn patches_that_would_not_take_effect_are_refused() {
    let _s = serial();
    let payload = build_c_patch("good", &[]);
    let alice = signer("alice");
    let trust = trust_store(&[(&alice, &["*"])], 1);
    let man = sign(&manifest("c-sha256", 1, &[OP], &payload), &[&alice]);
    // A forced kernel would shadow the patch: refused at policy, nothing changes.
    let forced = dispatch::info().unwrap().into_iter().find(|o| o.op == OP).unwrap().active;
    dispatch::force(OP, forced).unwrap();
    assert!(refused(&man, &payload, &trust, Step::Policy).contains("forced"));
    dispatch::reset().unwrap();
    // CT-only policy: a kernel without a constant-time claim is refused at cpu.
    let nct = build_c_patch("nct", &["XPS_PATCH_CT=0"]);
    let man_nct = sign(&manifest("c-nct", 1, &[OP], &nct), &[&alice]);
    xpscrypto_core::policy::set_ct_only(true).unwrap();
    let r = std::panic::catch_unwind(|| refused(&man_nct, &nct, &trust, Step::Cpu));
    xpscrypto_core::policy::set_ct_only(false).unwrap();
    assert!(r.unwrap().contains("constant-time"));
    // Two applied patches may not share a kernel name for one op.
    hotpatch::apply(&man, &payload, &trust, &ApplyOptions::default()).unwrap();
    let twin = build_c_patch("twin", &["XPS_PATCH_FAULT=0", "XPS_PATCH_CT=1", "XPS_PATCH_REQUIRES=0"]);
    let twin = [twin, b"\0".to_vec()].concat(); // other bytes, same kernel name
    let man_twin = sign(&manifest("c-twin", 2, &[OP], &twin), &[&alice]);
    assert!(refused(&man_twin, &twin, &trust, Step::Abi).contains("already used"));
    hotpatch::rollback().unwrap();
    // The audit record cannot be written (the path is a directory): nothing activates.
    hotpatch::set_audit_log(Some(scratch()));
    let g = dispatch::generation();
    let e = hotpatch::apply(&man, &payload, &trust, &ApplyOptions::default()).unwrap_err();
    hotpatch::set_audit_log(None);
    assert_eq!(e.status, Status::PatchAudit);
    assert_eq!(dispatch::generation(), g);
    assert!(hotpatch::applied().is_empty());
    // Audit records carry the kernels, what they replace and the downgrade flag.
    hotpatch::apply(&man, &payload, &trust, &ApplyOptions { allow_downgrade: true }).unwrap();
    let a = last_audit();
    assert_eq!(a["kernels"][OP], "sha256/c-portable");
    assert_eq!(a["replaced"][OP], "built-in");
    assert_eq!(a["allow_downgrade"], true);
    assert!(a["reason"].as_str().unwrap().contains("allow_downgrade"));
    hotpatch::rollback().unwrap();
}
