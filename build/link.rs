//! How the `flink-backup` binary is linked.

use std::path::PathBuf;

pub fn configure() {
    println!("cargo:rerun-if-env-changed=CC");
    let target = |key: &str| std::env::var(key).unwrap_or_default();
    if target("CARGO_CFG_TARGET_OS") == "linux" && target("CARGO_CFG_TARGET_ENV") == "gnu" {
        // The binary has about 14,000 relative relocations (vtables, panic locations, the rule
        // table's strings). As 24-byte RELA entries the dynamic loader reads 334 KB to apply them
        // at every start: 80% of its time, a sixth of a one-file `validate`. Packed (DT_RELR,
        // glibc 2.36 and binutils 2.38 or later) they take 4 KB. The musl build of the image is
        // static and is not touched here.
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
        if let Some(static_unwinder) = static_unwinder() {
            link_unwinder_statically(PathBuf::from(target("OUT_DIR")), static_unwinder);
        }
    }
}

/// Rust's standard library asks for `-lgcc_s`, the shared unwinder. Loading it runs its
/// constructor, which asks the processor for its features with `cpuid` a dozen times; on a
/// virtual machine each `cpuid` exits to the hypervisor (over runs on a ConfigMap, perf sampled
/// libgcc_s 40% as often as the whole binary), and a one-file `validate` took 1.94-2.10 ms with it
/// and 1.86-1.93 ms without (back to back). A linker script named `libgcc_s.so`, found first, links
/// the static unwinder (`libgcc_eh.a`, what GCC's `-static-libgcc` and Rust's own `crt-static`
/// builds use) in its place: the binary needs only libc, and panics still unwind
/// (`tests/binary.rs`).
fn link_unwinder_statically(out_dir: PathBuf, static_unwinder: PathBuf) {
    let script = format!("INPUT({})\n", static_unwinder.display());
    std::fs::write(out_dir.join("libgcc_s.so"), script).expect("OUT_DIR is writable");
    println!("cargo:rustc-link-search=native={}", out_dir.display());
}

/// Where the C compiler that links the binary keeps `libgcc_eh.a`; `None` (and the shared
/// unwinder, as before) where it has none, as a toolchain without GCC's runtime may not.
fn static_unwinder() -> Option<PathBuf> {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let out = std::process::Command::new(cc)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .ok()?;
    let path = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    // Asked for a file it does not have, the compiler prints the bare name back.
    (out.status.success() && path.is_absolute() && path.is_file()).then_some(path)
}
