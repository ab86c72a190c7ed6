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

/// Huge pages are turned off before the first allocation for a small input and left to mimalloc
/// for a folder or when `MIMALLOC_ALLOW_THP` says otherwise (`src/allocator/huge_pages.rs`).
/// Read from mimalloc's own report of its options, which also holds that module's option number
/// to the option's name.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn huge_pages_only_for_inputs_that_use_them() {
    let allow_thp = |args: &[&str], setting: Option<&str>| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_flink-backup"));
        command
            .args(args)
            .env("MIMALLOC_VERBOSE", "1")
            .env_remove("MIMALLOC_ALLOW_THP");
        if let Some(setting) = setting {
            command.env("MIMALLOC_ALLOW_THP", setting);
        }
        let stderr = String::from_utf8(command.output().unwrap().stderr).unwrap();
        stderr
            .lines()
            .find_map(|l| l.strip_prefix("mimalloc: option 'allow_thp': "))
            .map(|v| v.trim().to_owned())
            .unwrap_or_else(|| panic!("mimalloc reported no allow_thp:\n{stderr}"))
    };
    let pair = [
        "restore",
        "fixtures/restore/seed-deployment.yaml",
        "fixtures/restore/seed-snapshot.yaml",
    ];
    assert_eq!(allow_thp(&pair, None), "0");
    assert_eq!(
        allow_thp(&["validate", "fixtures/restore/seed-deployment.yaml"], None),
        "0"
    );
    assert_eq!(allow_thp(&["validate", "fixtures/restore"], None), "1");
    assert_eq!(allow_thp(&pair, Some("1")), "1");
}
