//! Manifest parser: never panics; whatever parses re-serializes to JSON that parses to the same
//! signed bytes (so `xps patch sign` output is always accepted and signatures stay valid).
#![no_main]
use libfuzzer_sys::fuzz_target;
use xpscrypto_core::hotpatch::Manifest;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = Manifest::parse(data) {
        let again = Manifest::parse(m.to_json().as_bytes()).expect("re-serialized manifest parses");
        assert_eq!(again.signed_bytes(), m.signed_bytes());
    }
});
