//! Where a finished output goes: stdout in one write, or a file. Nothing is written anywhere until
//! the whole output exists.
//!
//! A regular file is replaced atomically (a temporary file in its folder, renamed over it), so it
//! holds the old content or the new, never half. A symlink is followed and its target replaced
//! that way; a FIFO or a character device (`-O /dev/stdout`) is written to directly, never replaced
//! by a regular file; anything else is refused.

use std::fs::{self, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::input::InputPath;

#[derive(Debug, Clone, PartialEq)]
pub enum Destination {
    Stdout,
    File { path: PathBuf, in_place: bool },
}

pub fn write(bytes: &[u8], destination: &Destination, inputs: &[InputPath]) -> Result<(), String> {
    match destination {
        Destination::Stdout => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
                Ok(()) => Ok(()),
                // A closed pipe (`| head`) is the reader's choice, not our error.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(format!("cannot write to stdout: {e}")),
            }
        }
        Destination::File { path, in_place } => {
            if !in_place && is_an_input(path, inputs) {
                return Err(format!(
                    "--output-file {} is one of the inputs; add --in-place to replace it",
                    path.display()
                ));
            }
            write_file(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
    }
}

fn is_an_input(output: &Path, inputs: &[InputPath]) -> bool {
    let Ok(output) = output.canonicalize() else {
        // It does not exist yet, so it cannot be an input file.
        return false;
    };
    inputs.iter().any(|input| match input {
        InputPath::File(p) => p.canonicalize().is_ok_and(|p| p == output),
        InputPath::Stdin => false,
    })
}

/// Symlink chains longer than this are a loop (Linux's own limit is 40).
const MAX_LINKS: usize = 40;

fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut path = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        let meta = match fs::symlink_metadata(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return replace_atomically(&path, bytes, None);
            }
            other => other?,
        };
        let kind = meta.file_type();
        if kind.is_symlink() {
            path = link_target(&path)?;
        } else if kind.is_file() {
            return replace_atomically(&path, bytes, Some(meta.permissions()));
        } else if kind.is_fifo() || kind.is_char_device() {
            // A pipe or a terminal is written to, not replaced.
            let mut file = fs::OpenOptions::new().write(true).open(&path)?;
            return file.write_all(bytes).and_then(|()| file.flush());
        } else {
            let what = if kind.is_dir() {
                "a directory"
            } else if kind.is_block_device() {
                "a block device"
            } else if kind.is_socket() {
                "a socket"
            } else {
                "not a regular file"
            };
            return Err(io::Error::other(format!(
                "it is {what}; give the path of a file"
            )));
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Where a symlink points, relative to the link's own folder when the target is relative.
fn link_target(link: &Path) -> io::Result<PathBuf> {
    let target = fs::read_link(link)?;
    Ok(match link.parent() {
        Some(folder) if target.is_relative() => folder.join(target),
        _ => target,
    })
}

/// A temporary file in the same folder, renamed over the target: readers see the old file or the
/// new one, never half of it. The file keeps its permissions; a new one gets what the umask gives.
fn replace_atomically(path: &Path, bytes: &[u8], keep: Option<Permissions>) -> io::Result<()> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".flink-backup-")
        // Created as open(2) creates files, so the umask applies (0644 under umask 022).
        .permissions(Permissions::from_mode(0o666))
        .tempfile_in(folder)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    if let Some(permissions) = keep {
        temp.as_file().set_permissions(permissions)?;
    }
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
