//! How the `flink-backup` binary is linked.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let target = |key: &str| std::env::var(key).unwrap_or_default();
    if target("CARGO_CFG_TARGET_OS") == "linux" && target("CARGO_CFG_TARGET_ENV") == "gnu" {
        // The binary has about 14,000 relative relocations (vtables, panic locations, the rule
        // table's strings). As 24-byte RELA entries the dynamic loader reads 334 KB to apply them
        // at every start: 80% of its time, a sixth of a one-file `validate`. Packed (DT_RELR,
        // glibc 2.36 and binutils 2.38 or later) they take 4 KB. The musl build of the image is
        // static and is not touched here.
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
