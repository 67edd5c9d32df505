fn main() {
    let t = std::time::Instant::now();
    xpscrypto_core::init().unwrap();
    println!("init (power-on self-tests): {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
}
