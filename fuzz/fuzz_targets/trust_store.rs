//! Trust-store parser: never panics; a parsed store is internally consistent.
#![no_main]
use libfuzzer_sys::fuzz_target;
use xpscrypto_core::hotpatch::TrustStore;

fuzz_target!(|data: &[u8]| {
    if let Ok(t) = TrustStore::parse(data) {
        assert!(t.min_required_signatures <= t.signers.len());
        assert!(t.min_required_signatures >= 1 || t.allow_unsigned);
    }
});
