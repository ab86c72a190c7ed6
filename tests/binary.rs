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

/// Transparent huge pages are off for the whole process (`src/allocator.rs`): mimalloc reports its
/// `allow_thp` option off, which also holds `allocator.rs`'s option number to the option's name,
/// unless `MIMALLOC_ALLOW_THP` says otherwise; and the kernel reports the process's huge pages
/// disabled while it waits on standard input.
#[cfg(target_os = "linux")]
#[test]
fn transparent_huge_pages_are_off() {
    use std::process::{Command, Stdio};
    let binary = env!("CARGO_BIN_EXE_flink-backup");
    let allow_thp = |setting: Option<&str>| {
        let mut command = Command::new(binary);
        command
            .args(["validate", "fixtures/restore/seed-deployment.yaml"])
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
    assert_eq!(allow_thp(None), "0");
    assert_eq!(allow_thp(Some("1")), "1");

    let mut child = Command::new(binary)
        .args(["validate", "-"])
        .env_remove("MIMALLOC_ALLOW_THP")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    // mimalloc turns them off as it starts, before `main` reads standard input: ask once the
    // process sleeps, waiting for input.
    let mut enabled = None;
    for _ in 0..500 {
        let status = std::fs::read_to_string(&status_file).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_owned())
        };
        if field("State:").is_some_and(|s| s.starts_with('S')) {
            enabled = field("THP_enabled:");
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    drop(child.stdin.take());
    child.wait().unwrap();
    assert_eq!(enabled.as_deref(), Some("0"));
}
