//! Sources (paths, stdin) to documents, each with its origin.
//!
//! Files are read one at a time and their documents handed out lazily, so a run over thousands of
//! files holds one file's text at a time. `document` turns a source's text into documents (Lists
//! unwrapped); `locate` places a JSON Pointer at its line and column.

mod document;
pub mod locate;

pub use document::{
    Document, Entry, Kept, Loaded, Origin, entries, entries_placed, load_all, load_all_boiling,
    load_sources,
};

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::yaml::{Limits, Pos, YamlError};

/// Documents larger than this are refused unless `--max-document-size` says otherwise.
pub const DEFAULT_MAX_DOCUMENT_SIZE: usize = 8 * 1024 * 1024;

/// Where to read from, as the user named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputPath {
    Stdin,
    File(PathBuf),
}

impl InputPath {
    pub fn display_name(&self) -> String {
        match self {
            InputPath::Stdin => stdin_name().to_owned(),
            InputPath::File(p) => p.display().to_string(),
        }
    }
}

static STDIN_NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// `--stdin-filename`: the name standard input's documents carry, for the whole run.
pub fn name_stdin(name: &str) {
    let _ = STDIN_NAME.set(name.to_owned());
}

/// `<stdin>`, or the name `--stdin-filename` gave it.
pub fn stdin_name() -> &'static str {
    STDIN_NAME.get().map_or("<stdin>", String::as_str)
}

/// A path that cannot be read at all: a usage error (exit 2), not a finding.
#[derive(Debug)]
pub struct UnreadablePath {
    pub path: String,
    pub reason: String,
}

impl fmt::Display for UnreadablePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot read {}: {}", self.path, self.reason)
    }
}

/// Expands the command-line paths: directories recurse (sorted) for `*.yaml`, `*.yml`, `*.json`;
/// `-` or no path at all means standard input.
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<InputPath>, UnreadablePath> {
    if paths.is_empty() {
        return Ok(vec![InputPath::Stdin]);
    }
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            out.push(InputPath::Stdin);
            continue;
        }
        let meta = std::fs::metadata(path).map_err(|e| UnreadablePath {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        if meta.is_dir() {
            walk_dir(path, &mut out)?;
        } else {
            out.push(InputPath::File(path.clone()));
        }
    }
    Ok(out)
}

fn walk_dir(dir: &Path, out: &mut Vec<InputPath>) -> Result<(), UnreadablePath> {
    let unreadable = |e: std::io::Error| UnreadablePath {
        path: dir.display().to_string(),
        reason: e.to_string(),
    };
    // The directory listing says which entries are directories: asking the file system again for
    // each (a `stat` per file, before any file is checked) is left to symbolic links.
    let mut entries: Vec<(PathBuf, bool)> = std::fs::read_dir(dir)
        .map_err(unreadable)?
        .map(|e| {
            let e = e?;
            let kind = e.file_type()?;
            let path = e.path();
            let is_dir = if kind.is_symlink() {
                path.is_dir()
            } else {
                kind.is_dir()
            };
            Ok((path, is_dir))
        })
        .collect::<Result<_, std::io::Error>>()
        .map_err(unreadable)?;
    entries.sort();
    for (entry, is_dir) in entries {
        let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        if is_dir {
            walk_dir(&entry, out)?;
        } else if is_manifest_name(name) {
            out.push(InputPath::File(entry));
        }
    }
    Ok(())
}

fn is_manifest_name(name: &str) -> bool {
    [".yaml", ".yml", ".json"]
        .iter()
        .any(|ext| name.to_ascii_lowercase().ends_with(ext))
}

/// Standard input, read once: the KRM function check looks at it before the command reads it.
pub fn stdin_bytes() -> std::io::Result<&'static [u8]> {
    static STDIN: std::sync::OnceLock<Result<Vec<u8>, String>> = std::sync::OnceLock::new();
    let read = STDIN.get_or_init(|| {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map(|_| bytes)
            .map_err(|e| e.to_string())
    });
    read.as_deref()
        .map_err(|e| std::io::Error::other(e.clone()))
}

/// One file's (or stdin's) text.
pub struct Source {
    pub name: Arc<str>,
    /// The text, without a byte-order mark.
    pub text: String,
    /// Whether the bytes began with a UTF-8 byte-order mark, which a rewrite keeps.
    pub bom: bool,
}

/// Reads a whole source; decoding problems become a document-level error, not a usage error.
pub fn read_source(path: &InputPath) -> Result<Result<Source, SourceDefect>, UnreadablePath> {
    let name: Arc<str> = path.display_name().into();
    let mut bytes = Vec::new();
    let read = match path {
        InputPath::Stdin => stdin_bytes().map(|b| bytes.extend_from_slice(b)),
        // `fs::read` sizes the buffer from the file's metadata, without `read_to_end`'s seek.
        InputPath::File(p) => std::fs::read(p).map(|read| bytes = read),
    };
    read.map_err(|e| UnreadablePath {
        path: name.to_string(),
        reason: e.to_string(),
    })?;
    Ok(decode(name, bytes))
}

/// A source whose bytes are not text.
#[derive(Debug)]
pub struct SourceDefect {
    pub name: Arc<str>,
    pub error: YamlError,
}

impl Source {
    /// A Helm (Go) template: `{{` outside quotes and comments, which no YAML reader reads as
    /// what it will be once rendered. Skipped and counted, never reported as broken YAML.
    pub fn is_template(&self) -> bool {
        self.text.contains("{{") && self.text.lines().any(template_action_outside_strings)
    }
}

fn template_action_outside_strings(line: &str) -> bool {
    let mut quote = None;
    let mut previous = ' ';
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '#') if previous.is_whitespace() => return false,
            (None, '\'' | '"') => quote = Some(c),
            (None, '{') if chars.peek() == Some(&'{') => return true,
            (Some('"'), '\\') => {
                chars.next();
            }
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
        previous = c;
    }
    false
}

pub fn decode(name: Arc<str>, mut bytes: Vec<u8>) -> Result<Source, SourceDefect> {
    if let Some(text) = utf16(&bytes) {
        return match text {
            // kubectl reads UTF-16 with a byte-order mark; the mark is not written back.
            Ok(text) => Ok(Source {
                name,
                text,
                bom: false,
            }),
            Err(encoding) => Err(SourceDefect {
                name,
                error: YamlError {
                    message: format!(
                        "the file is not valid {encoding} (its byte-order mark says it is); save it as UTF-8 text"
                    ),
                    pos: Pos { line: 1, column: 1 },
                },
            }),
        };
    }
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    if bom {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Source { name, text, bom }),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let column =
                valid.len() - valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
            Err(SourceDefect {
                name,
                error: YamlError {
                    message: "the file is not valid UTF-8 (and has no UTF-16 byte-order mark); save it as UTF-8 text".into(),
                    pos: Pos { line, column },
                },
            })
        }
    }
}

/// Text with a UTF-16 byte-order mark, decoded; `None` without one; the encoding's name when
/// the bytes do not decode.
fn utf16(bytes: &[u8]) -> Option<Result<String, &'static str>> {
    let (little, encoding) = match bytes {
        [0xFF, 0xFE, 0, 0, ..] => return Some(Err("UTF-32LE")),
        [0, 0, 0xFE, 0xFF, ..] => return Some(Err("UTF-32BE")),
        [0xFF, 0xFE, ..] => (true, "UTF-16LE"),
        [0xFE, 0xFF, ..] => (false, "UTF-16BE"),
        _ => return None,
    };
    let body = &bytes[2..];
    if body.len() % 2 != 0 {
        return Some(Err(encoding));
    }
    let units = body.chunks_exact(2).map(|pair| {
        if little {
            u16::from_le_bytes([pair[0], pair[1]])
        } else {
            u16::from_be_bytes([pair[0], pair[1]])
        }
    });
    Some(
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|_| encoding),
    )
}

pub struct ReadOptions {
    pub limits: Limits,
    pub max_document_size: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            limits: Limits::default(),
            max_document_size: DEFAULT_MAX_DOCUMENT_SIZE,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_directory_expands_to_its_manifests_sorted_through_subdirectories_and_links() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path();
        for file in [
            "b.yml",
            "a.yaml",
            "c.txt",
            ".hidden.yaml",
            "E.YAML",
            "sub/d.json",
        ] {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "{}").unwrap();
        }
        std::fs::create_dir(dir.join(".git")).unwrap();
        std::fs::write(dir.join(".git/x.yaml"), "{}").unwrap();
        std::os::unix::fs::symlink(dir.join("sub"), dir.join("linked")).unwrap();
        std::os::unix::fs::symlink(dir.join("a.yaml"), dir.join("z.yaml")).unwrap();
        let found: Vec<String> = expand_paths(&[dir.to_path_buf()])
            .unwrap()
            .iter()
            .map(|p| match p {
                InputPath::File(path) => path.strip_prefix(dir).unwrap().display().to_string(),
                InputPath::Stdin => "-".to_owned(),
            })
            .collect();
        assert_eq!(
            found,
            [
                "E.YAML",
                "a.yaml",
                "b.yml",
                "linked/d.json",
                "sub/d.json",
                "z.yaml"
            ]
        );
    }
}
