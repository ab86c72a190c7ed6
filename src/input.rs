//! Sources (paths, stdin) to documents, each with its origin.
//!
//! Files are read one at a time and their documents handed out lazily, so a run over thousands of
//! files holds one file's text at a time. `kind: List` (what `kubectl get` prints for several
//! objects) is unwrapped into its items.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::yaml::{DocumentReader, DuplicateKey, Limits, Pos, YamlError, read_positions};

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
            InputPath::Stdin => "<stdin>".to_owned(),
            InputPath::File(p) => p.display().to_string(),
        }
    }
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
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(unreadable)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(unreadable)?;
    entries.sort();
    for entry in entries {
        let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        if entry.is_dir() {
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
    pub text: String,
}

/// Reads a whole source; decoding problems become a document-level error, not a usage error.
pub fn read_source(path: &InputPath) -> Result<Result<Source, SourceDefect>, UnreadablePath> {
    let name: Arc<str> = path.display_name().into();
    let mut bytes = Vec::new();
    let read = match path {
        InputPath::Stdin => stdin_bytes().map(|b| bytes.extend_from_slice(b)),
        InputPath::File(p) => {
            std::fs::File::open(p).and_then(|mut f| f.read_to_end(&mut bytes).map(|_| ()))
        }
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

pub fn decode(name: Arc<str>, mut bytes: Vec<u8>) -> Result<Source, SourceDefect> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Source { name, text }),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let column =
                valid.len() - valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
            Err(SourceDefect {
                name,
                error: YamlError {
                    message: "the file is not valid UTF-8; save it as UTF-8 text".into(),
                    pos: Pos { line, column },
                },
            })
        }
    }
}

/// Where a document came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: Arc<str>,
    /// 1-based index of the document in its file's YAML stream.
    pub document: usize,
    /// 0-based index of the item, for an object inside a `kind: List`.
    pub item: Option<usize>,
    pub line: usize,
}

impl Origin {
    /// JSON Pointer prefix of this object inside its YAML document.
    pub fn pointer_base(&self) -> String {
        self.item.map(|i| format!("/items/{i}")).unwrap_or_default()
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One Kubernetes object as read.
#[derive(Debug)]
pub struct Document {
    pub origin: Origin,
    pub value: Value,
    /// Duplicate keys within this object, with pointers relative to it.
    pub duplicates: Vec<DuplicateKey>,
}

/// What reading a source yields, in order.
#[derive(Debug)]
pub enum Entry {
    Document(Document),
    /// A document that could not be read; reading the source stops here.
    Broken {
        origin: Origin,
        error: YamlError,
    },
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

/// The objects of one source, Lists unwrapped, empty documents skipped.
pub fn entries(source: &Source, options: &ReadOptions) -> Vec<Entry> {
    let origin = |document: usize, line: usize| Origin {
        file: source.name.clone(),
        document,
        item: None,
        line,
    };
    if source.text.len() > options.max_document_size
        && largest_document(&source.text) > options.max_document_size
    {
        return vec![Entry::Broken {
            origin: origin(1, 1),
            error: YamlError {
                message: format!(
                    "a document is larger than {} bytes; raise --max-document-size if this is intended",
                    options.max_document_size
                ),
                pos: Pos { line: 1, column: 1 },
            },
        }];
    }
    let mut out = Vec::new();
    for (i, loaded) in DocumentReader::new(&source.text, options.limits).enumerate() {
        let index = i + 1;
        match loaded {
            Err(error) => {
                out.push(Entry::Broken {
                    origin: origin(index, error.pos.line),
                    error,
                });
                break;
            }
            Ok(doc) if doc.value.is_null() => {}
            Ok(doc) if is_list(&doc.value) => unwrap_list(source, index, doc, options, &mut out),
            Ok(doc) => out.push(Entry::Document(Document {
                origin: origin(index, doc.pos.line),
                value: doc.value,
                duplicates: doc.duplicates,
            })),
        }
    }
    out
}

fn is_list(value: &Value) -> bool {
    value.get("kind").and_then(Value::as_str) == Some("List")
        && value.get("apiVersion").and_then(Value::as_str) == Some("v1")
        && value.get("items").is_some_and(Value::is_array)
}

fn unwrap_list(
    source: &Source,
    index: usize,
    doc: crate::yaml::LoadedDocument,
    options: &ReadOptions,
    out: &mut Vec<Entry>,
) {
    // Item lines need node positions; a List is rare enough to read twice.
    let positions = read_positions(&source.text, index - 1, options.limits);
    let Value::Object(mut list) = doc.value else {
        return;
    };
    let Some(Value::Array(items)) = list.remove("items") else {
        return;
    };
    for (i, item) in items.into_iter().enumerate() {
        let prefix = format!("/items/{i}/");
        let origin = Origin {
            file: source.name.clone(),
            document: index,
            item: Some(i),
            line: positions
                .find(&format!("/items/{i}"), false)
                .map_or(doc.pos.line, |p| p.line),
        };
        if is_list(&item) {
            out.push(Entry::Broken {
                error: YamlError {
                    message: "a List inside a List is not something kubectl produces or accepts; \
                              flatten the items"
                        .into(),
                    pos: Pos {
                        line: origin.line,
                        column: 1,
                    },
                },
                origin,
            });
            continue;
        }
        let duplicates = doc
            .duplicates
            .iter()
            .filter_map(|d| {
                d.pointer
                    .strip_prefix(&prefix[..prefix.len() - 1])
                    .map(|rest| DuplicateKey {
                        pointer: rest.to_owned(),
                        pos: d.pos,
                    })
            })
            .filter(|d| d.pointer.is_empty() || d.pointer.starts_with('/'))
            .collect();
        out.push(Entry::Document(Document {
            origin,
            value: item,
            duplicates,
        }));
    }
}

/// The size of the largest `---`-separated chunk, cheaply, before anything is parsed.
fn largest_document(text: &str) -> usize {
    let mut largest = 0;
    let mut start = 0;
    for (offset, _) in text.match_indices("\n---") {
        largest = largest.max(offset - start);
        start = offset;
    }
    largest.max(text.len() - start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn source(text: &str) -> Source {
        Source {
            name: "t.yaml".into(),
            text: text.into(),
        }
    }

    #[test]
    fn unwraps_lists_with_item_origins() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- kind: A\n  x: 1\n- kind: B\n";
        let entries = entries(&source(text), &ReadOptions::default());
        let docs: Vec<_> = entries
            .iter()
            .map(|e| match e {
                Entry::Document(d) => (d.origin.item, d.origin.line, d.value.clone()),
                Entry::Broken { error, .. } => panic!("{error:?}"),
            })
            .collect();
        assert_eq!(
            docs,
            vec![
                (Some(0), 4, json!({"kind": "A", "x": 1})),
                (Some(1), 6, json!({"kind": "B"}))
            ]
        );
    }

    #[test]
    fn skips_empty_documents_and_keeps_indices() {
        let entries = entries(
            &source("---\n# only a comment\n---\nkind: A\n"),
            &ReadOptions::default(),
        );
        assert_eq!(entries.len(), 1);
        let Entry::Document(d) = &entries[0] else {
            panic!()
        };
        assert_eq!((d.origin.document, d.origin.line), (2, 4));
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let err = decode("f".into(), b"a: 1\nb: \xff\n".to_vec())
            .err()
            .unwrap();
        assert_eq!(err.error.pos, Pos { line: 2, column: 4 });
    }

    #[test]
    fn oversized_documents_are_refused() {
        let options = ReadOptions {
            max_document_size: 10,
            ..ReadOptions::default()
        };
        let entries = entries(&source("a: 123456789012345\n"), &options);
        assert!(
            matches!(&entries[0], Entry::Broken { error, .. } if error.message.contains("--max-document-size"))
        );
    }
}

/// Everything a transforming command reads, held at once: a restore pairs resources across files.
#[derive(Debug, Default)]
pub struct Loaded {
    pub documents: Vec<Document>,
    pub broken: Vec<(Origin, YamlError)>,
}

pub fn load_all(paths: &[InputPath], options: &ReadOptions) -> Result<Loaded, UnreadablePath> {
    load_sources(paths.iter().map(read_source), options)
}

pub fn load_sources(
    sources: impl IntoIterator<Item = Result<Result<Source, SourceDefect>, UnreadablePath>>,
    options: &ReadOptions,
) -> Result<Loaded, UnreadablePath> {
    let mut loaded = Loaded::default();
    for source in sources {
        match source? {
            Err(defect) => loaded.broken.push((
                Origin {
                    file: defect.name,
                    document: 1,
                    item: None,
                    line: defect.error.pos.line,
                },
                defect.error,
            )),
            Ok(source) => {
                for entry in entries(&source, options) {
                    match entry {
                        Entry::Document(d) => loaded.documents.push(d),
                        Entry::Broken { origin, error } => loaded.broken.push((origin, error)),
                    }
                }
            }
        }
    }
    Ok(loaded)
}
