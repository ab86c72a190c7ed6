//! Transparent huge pages only for inputs large enough to use them.
//!
//! mimalloc asks the kernel for huge pages (`madvise(MADV_HUGEPAGE)`) on the 1 GiB arena it
//! reserves at the first allocation. A run over thousands of documents gains from them: fewer page
//! faults. A run over one manifest touches two of them, and for each the kernel zeroes 2 MiB, after
//! a large process first compacting memory to find them: right after a 250 MB process, one-file
//! `validate` took 2.95 ms with them and 2.47 ms without, one restore 2.81 and 2.27 ms; from 1 MB of
//! input on, or back to back from 330 KB, they pay (`bench/compare.sh`'s conditions, README).
//!
//! The choice must be made before the first allocation, so it is made from the arguments, in a
//! function the C runtime calls before `main` (`src/main.rs` registers it): inputs that are only
//! regular files, under [`SMALL_INPUT`] bytes in all, run without huge pages. A directory, standard
//! input (`-`, or no file at all) and anything larger keep mimalloc's default; so does a run with
//! `MIMALLOC_ALLOW_THP` set, which mimalloc reads after this default is set. Getting it wrong
//! costs time, never a result.

use std::ffi::{CStr, OsStr, c_char, c_int, c_long};
use std::os::unix::ffi::OsStrExt;

/// Input size below which huge pages cost more than they save.
pub const SMALL_INPUT: u64 = 128 * 1024;

/// `mi_option_allow_thp` in `mimalloc.h`'s `mi_option_e` (v2.2), which libmimalloc-sys does not
/// name; `tests/binary.rs` checks it against mimalloc's own report of its options.
const MI_OPTION_ALLOW_THP: c_int = 37;

unsafe extern "C" {
    fn mi_option_set_default(option: c_int, value: c_long);
}

/// Called by glibc with the program's arguments, before `main` and before mimalloc's own
/// initialisation (which reads the options and reserves nothing yet); it runs in the section std
/// uses to learn the arguments the same way.
///
/// # Safety
/// `argv` holds `argc` NUL-terminated strings, as glibc passes them to `.init_array` functions.
pub unsafe extern "C" fn choose_before_main(
    argc: c_int,
    argv: *const *const c_char,
    _envp: *const *const c_char,
) {
    let count = usize::try_from(argc).unwrap_or(0);
    // SAFETY: the caller's contract: `argv[0..argc]` are valid C strings.
    let args = (1..count).map(|i| unsafe { CStr::from_ptr(*argv.add(i)) }.to_bytes());
    if small_input(args) {
        // SAFETY: setting an option's default touches only mimalloc's option table.
        unsafe { mi_option_set_default(MI_OPTION_ALLOW_THP, 0) };
    }
}

/// Whether the arguments name regular files, under `SMALL_INPUT` bytes in all, and nothing that
/// may be larger: no directory and no `-`. Arguments that are not paths (the subcommand, flags,
/// their values) name no file and do not count. Short paths are looked up without allocating.
pub fn small_input<'a>(args: impl Iterator<Item = &'a [u8]>) -> bool {
    let mut total = 0u64;
    let mut files = 0;
    for arg in args {
        if arg == b"-" {
            return false;
        }
        match std::fs::metadata(OsStr::from_bytes(arg)) {
            Ok(m) if m.is_dir() => return false,
            Ok(m) if m.is_file() => {
                total = total.saturating_add(m.len());
                files += 1;
            }
            _ => {}
        }
    }
    files > 0 && total < SMALL_INPUT
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStringExt;

    fn small(dir: &std::path::Path, args: &[&str]) -> bool {
        let args: Vec<Vec<u8>> = args
            .iter()
            .map(|a| {
                let path = dir.join(a);
                if path.exists() {
                    path.into_os_string().into_vec()
                } else {
                    a.as_bytes().to_vec()
                }
            })
            .collect();
        small_input(args.iter().map(Vec::as_slice))
    }

    #[test]
    fn only_small_regular_files_are_small_input() {
        let dir = std::env::temp_dir().join(format!("flink-backup-thp-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("folder")).unwrap();
        std::fs::write(dir.join("one.yaml"), vec![b'a'; 3_000]).unwrap();
        std::fs::write(dir.join("big.yaml"), vec![b'a'; SMALL_INPUT as usize]).unwrap();
        std::fs::write(dir.join("half.yaml"), vec![b'a'; SMALL_INPUT as usize / 2]).unwrap();

        assert!(small(&dir, &["validate", "--strict", "one.yaml"]));
        assert!(small(
            &dir,
            &[
                "restore",
                "one.yaml",
                "half.yaml",
                "--operator-version",
                "1.13"
            ]
        ));
        // Sizes add up.
        assert!(!small(&dir, &["validate", "half.yaml", "half.yaml"]));
        assert!(!small(&dir, &["validate", "big.yaml"]));
        assert!(!small(&dir, &["validate", "folder"]));
        assert!(!small(&dir, &["validate", "one.yaml", "-"]));
        // Standard input, or nothing that exists: the default.
        assert!(!small(&dir, &["validate"]));
        assert!(!small(&dir, &["validate", "missing.yaml"]));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
