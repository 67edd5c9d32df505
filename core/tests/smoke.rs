use xpscrypto_core::*;

#[test]
fn init_and_info() {
    init().expect("init");
    for op in dispatch::info().unwrap() {
        println!("{} -> {} ({:?})", op.op, op.active, op.candidates.iter().map(|c| (c.name, c.available)).collect::<Vec<_>>());
    }
    assert!(dispatch::generation() >= 1);
}
