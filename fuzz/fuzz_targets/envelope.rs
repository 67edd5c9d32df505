//! Envelope parser: never panics; a parsed envelope re-encodes its header to the same bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use xpscrypto_core::keyring::envelope;

fuzz_target!(|data: &[u8]| {
    if let Ok(e) = envelope::parse(data) {
        assert_eq!(envelope::header(e.kind, e.alg, e.key, e.version, e.nonce), e.header);
        assert_eq!(e.header.len() + e.body.len(), data.len());
    }
});
