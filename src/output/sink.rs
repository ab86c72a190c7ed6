//! Where a finished output goes: stdout in one write, or a file replaced atomically. Nothing is
//! written anywhere until the whole output exists.

use std::io::Write;
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
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
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
            replace_atomically(path, bytes)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))
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

/// A temporary file in the same folder, renamed over the target: readers see the old file or the
/// new one, never half of it.
fn replace_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut temp = tempfile::NamedTempFile::new_in(folder)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        // Keep the permissions of the file being replaced.
        temp.as_file().set_permissions(meta.permissions())?;
    }
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
