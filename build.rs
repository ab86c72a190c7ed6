//! How the `flink-backup` binary is linked.

use std::path::PathBuf;

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
        link_unwinder_statically(PathBuf::from(target("OUT_DIR")));
    }
}

/// Rust's standard library asks for `-lgcc_s`, the shared unwinder. Loading it runs its
/// constructor, which asks the processor for its features with `cpuid` a dozen times; on a
/// virtual machine each `cpuid` exits to the hypervisor, and a fifth of the user time of a
/// one-file `validate` was spent there. A linker script named `libgcc_s.so`, found first,
/// links the static unwinder (`libgcc_eh.a`, what GCC's `-static-libgcc` and Rust's own
/// `crt-static` builds use) in its place: the binary needs only libc, and panics still unwind.
fn link_unwinder_statically(out_dir: PathBuf) {
    let script = out_dir.join("libgcc_s.so");
    std::fs::write(&script, "INPUT(-lgcc_eh)\n").expect("OUT_DIR is writable");
    println!("cargo:rustc-link-search=native={}", out_dir.display());
}
