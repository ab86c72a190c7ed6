//! How the binary is linked (`build/link.rs`): what it needs from the system, and that what it left
//! out is not missed.

/// The shared unwinder is replaced by the static one: the binary asks the dynamic loader for
/// libc alone, so it starts without `libgcc_s`'s constructor and runs where `libgcc_s.so.1` is
/// not installed (distroless `base` images, for one).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_binary_needs_only_libc() {
    let binary = std::fs::read(env!("CARGO_BIN_EXE_flink-backup")).unwrap();
    let names = |name: &[u8]| binary.windows(name.len()).any(|w| w == name);
    // A needed library is named, NUL-terminated, in the dynamic string table.
    assert!(
        names(b"libc.so.6\0"),
        "the test reads the names of needed libraries"
    );
    assert!(
        !names(b"libgcc_s.so.1\0"),
        "the binary still needs libgcc_s"
    );
}

/// Test binaries are linked as the binary is; a panic must still unwind through the static
/// unwinder: destructors run on the way out, and `catch_unwind` gets the payload.
#[test]
fn a_panic_still_unwinds() {
    use std::sync::atomic::{AtomicBool, Ordering};
    static DROPPED: AtomicBool = AtomicBool::new(false);
    struct Guard;
    impl Drop for Guard {
        fn drop(&mut self) {
            DROPPED.store(true, Ordering::SeqCst);
        }
    }
    let caught = std::panic::catch_unwind(|| {
        let _guard = Guard;
        panic!("unwinds");
    });
    let payload = caught.expect_err("the panic was caught");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"unwinds"));
    assert!(
        DROPPED.load(Ordering::SeqCst),
        "the guard was dropped while unwinding"
    );
}
