//! Replays the committed fuzz seed corpora (fuzz/corpus/) through the properties the fuzz
//! targets check, so every normal test run covers them (and any crash input added to them).

use xpscrypto_core::hotpatch::{Manifest, TrustStore};

fn corpus(name: &str) -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus").join(name);
    let mut v: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    v.sort();
    assert!(v.len() >= 5, "seed corpus {name} is too small");
    v
}

#[test]
fn manifest_corpus() {
    let mut parsed = 0;
    for (name, data) in corpus("manifest") {
        if let Ok(m) = Manifest::parse(&data) {
            let again = Manifest::parse(m.to_json().as_bytes()).unwrap_or_else(|e| panic!("{name}: re-serialized manifest refused: {e:?}"));
            assert_eq!(again.signed_bytes(), m.signed_bytes(), "{name}");
            parsed += 1;
        }
    }
    assert!(parsed >= 3, "the corpus should hold valid manifests too");
}

#[test]
fn trust_store_corpus() {
    let mut parsed = 0;
    for (_, data) in corpus("trust_store") {
        if let Ok(t) = TrustStore::parse(&data) {
            assert!(t.min_required_signatures <= t.signers.len());
            assert!(t.min_required_signatures >= 1 || t.allow_unsigned);
            parsed += 1;
        }
    }
    assert!(parsed >= 2);
}

#[test]
fn envelope_corpus() {
    use xpscrypto_core::keyring::envelope;
    let mut parsed = 0;
    for (name, data) in corpus("envelope") {
        if let Ok(e) = envelope::parse(&data) {
            assert_eq!(envelope::header(e.kind, e.alg, e.key, e.version, e.nonce), e.header, "{name}");
            assert_eq!(e.header.len() + e.body.len(), data.len());
            parsed += 1;
        }
    }
    assert!(parsed >= 3);
}

#[test]
fn keyring_file_corpus() {
    use xpscrypto_core::keyring::{model, store};
    let mut decoded = 0;
    for (_, data) in corpus("keyring_file") {
        let _ = store::peek_revision(&data);
        if let Ok(keys) = model::decode(&data) {
            assert_eq!(model::decode(&model::encode(&keys)).map(|k| k.len()).ok(), Some(keys.len()));
            decoded += 1;
        }
    }
    assert!(decoded >= 1);
}
