// Sets the SONAME to carry the ABI major (libxpscrypto.so.<major>). For 0.x releases the minor is
// the ABI-breaking component, so the SONAME is libxpscrypto.so.0.<minor>.
fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap();
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap();
    let abi = if major == "0" { format!("0.{minor}") } else { major };
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "linux" || target_os == "android" || target_os == "freebsd" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libxpscrypto.so.{abi}");
        // Only `xps_*` may be exported. rustc exports every `#[no_mangle]` function of the crate
        // graph from a cdylib, including `PQCRYPTO_RUST_randombytes` (pqcrypto-internals' RNG hook
        // for the PQClean C code); the linker must not export symbols that come from archives.
        println!("cargo:rustc-cdylib-link-arg=-Wl,--exclude-libs,ALL");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
