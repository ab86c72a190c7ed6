//! A saved file read again for edits made in its own text: its documents' stretches of text
//! (found at the `---` lines; for a rewrite of the whole file, proven by reading each stretch
//! alone), and a List item's text lifted out of its List.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use serde_json::Value;

use crate::input::{self, InputPath};
use crate::yaml::tree;
use crate::yaml::{DocumentReader, Limits};

pub struct SavedFile {
    pub text: String,
    pub bom: bool,
    pub chunks: Vec<Chunk>,
}

impl SavedFile {
    /// The file with its documents' stretches proven, and their values: what a rewrite of the
    /// whole file needs.
    pub fn new(text: String, bom: bool) -> Result<SavedFile, String> {
        let chunks = document_chunks(&text)?;
        Ok(SavedFile { text, bom, chunks })
    }

    /// The file cut at its `---` lines, unproven: enough to find a document whose edit is proven
    /// on its own (a wrong cut fails that proof).
    pub fn cut(text: String, bom: bool) -> SavedFile {
        let chunks = cut_at_markers(&text)
            .into_iter()
            .map(|(range, marker)| Chunk {
                range,
                marker,
                value: None,
            })
            .collect();
        SavedFile { text, bom, chunks }
    }

    /// Document `document` (1-based, as origins count) and its text.
    pub fn document(&self, document: usize) -> Option<(&Chunk, &str)> {
        let chunk = self.chunks.get(document.checked_sub(1)?)?;
        Some((chunk, &self.text[chunk.range.clone()]))
    }
}

/// The input files, each read again when one of its documents is written as an edit; the few
/// most recent are kept, as targets come file by file.
pub struct SavedFiles {
    proven: bool,
    files: HashMap<Arc<str>, Result<SavedFile, String>>,
    recent: Vec<Arc<str>>,
}

const KEPT: usize = 8;

impl SavedFiles {
    /// `proven`: whole files are rewritten, so each document's stretch is proven.
    pub fn new(proven: bool) -> SavedFiles {
        SavedFiles {
            proven,
            files: HashMap::new(),
            recent: Vec::new(),
        }
    }

    pub fn get(&mut self, name: &Arc<str>) -> Result<&SavedFile, String> {
        if !self.files.contains_key(name) {
            if self.recent.len() == KEPT {
                let oldest = self.recent.remove(0);
                self.files.remove(&oldest);
            }
            self.recent.push(name.clone());
            self.files.insert(name.clone(), read(name, self.proven));
        }
        self.files[name].as_ref().map_err(Clone::clone)
    }
}

fn read(name: &str, proven: bool) -> Result<SavedFile, String> {
    let path = if name == input::stdin_name() {
        InputPath::Stdin
    } else {
        InputPath::File(name.into())
    };
    match input::read_source(&path) {
        Ok(Ok(source)) if proven => SavedFile::new(source.text, source.bom),
        Ok(Ok(source)) => Ok(SavedFile::cut(source.text, source.bom)),
        Ok(Err(defect)) => Err(defect.error.message),
        Err(e) => Err(e.to_string()),
    }
}

/// Item `index` of the List in `text`, as a document of its own: its lines, with the item's
/// indentation taken off (and its `- ` with it). `None` when its lines cannot be lifted out as
/// they are (a flow item, a line indented less than the item).
pub fn list_item(text: &str, index: usize) -> Option<String> {
    let root = tree::parse(text)?;
    let item = root.at(&format!("/items/{index}"))?;
    if !matches!(item.shape, tree::Shape::Map { flow: false, .. }) {
        return None;
    }
    let start = item.span.start;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..start];
    let dash = prefix.trim_end_matches(' ');
    if !dash.ends_with('-') || !dash[..dash.len() - 1].bytes().all(|b| b == b' ') {
        return None;
    }
    let indent = prefix.len();
    let mut out = String::with_capacity(item.span.len() + 64);
    out.push_str(
        text[start..]
            .split_inclusive('\n')
            .next()
            .unwrap_or_default(),
    );
    let mut at = start + out.len();
    // The item's lines: through its last value, then every line indented deeper than its `-`.
    while at < text.len() {
        let line = text[at..].split_inclusive('\n').next().unwrap_or_default();
        let bare = line.trim_end_matches(['\n', '\r']);
        let spaces = bare.len() - bare.trim_start_matches(' ').len();
        let inside = at < item.span.end || (!bare.trim().is_empty() && spaces > dash.len() - 1);
        if !inside && !bare.trim().is_empty() {
            break;
        }
        if bare.trim().is_empty() {
            out.push_str(&line[bare.len().min(line.len())..]);
        } else if spaces >= indent {
            out.push_str(&line[indent..]);
        } else {
            return None;
        }
        at += line.len();
    }
    // Blank lines after the item's last line belong to what follows.
    let trimmed = out.trim_end_matches(['\n', '\r']).len();
    let eol = if out[trimmed..].starts_with("\r\n") {
        2
    } else {
        1
    };
    out.truncate((trimmed + eol).min(out.len()));
    Some(out)
}

/// One document's stretch of the file: from its `---` line (or the file's start) to the next.
pub struct Chunk {
    pub range: Range<usize>,
    /// Whether the chunk has its own `---` line.
    pub marker: bool,
    /// What it reads as, when proven.
    pub value: Option<Value>,
}

/// The text of each document of the stream, found at its `---` lines and proven by reading each
/// piece on its own: the pieces must read as the same documents as the whole.
/// Each document's stretch of `text` (and whether it has its own `---` line), cut at the `---`
/// lines; comments before the first `---` go with the first document.
fn cut_at_markers(text: &str) -> Vec<(Range<usize>, bool)> {
    let mut starts: Vec<(usize, bool)> = vec![(0, false)];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        let is_marker = bare == "---"
            || bare.starts_with("--- ")
            || bare.starts_with("---\t")
            || bare.starts_with("--- #");
        if is_marker && offset > 0 {
            starts.push((offset, true));
        } else if is_marker {
            starts[0].1 = true;
        }
        offset += line.len();
    }
    let mut ranges: Vec<(Range<usize>, bool)> = starts
        .iter()
        .enumerate()
        .map(|(i, &(start, marker))| {
            let end = starts.get(i + 1).map_or(text.len(), |s| s.0);
            (start..end, marker)
        })
        .collect();
    // Comments before the first `---` belong to the first document, not to one of their own.
    if ranges.len() > 1 && !ranges[0].1 && only_comments(&text[ranges[0].0.clone()]) {
        let first_end = ranges[1].0.end;
        ranges.remove(0);
        ranges[0].0.start = 0;
        ranges[0].0.end = first_end;
    }
    ranges
}

pub fn document_chunks(text: &str) -> Result<Vec<Chunk>, String> {
    let cannot = |why: &str| {
        format!("cannot tell where each document of the file starts ({why}); write to another file")
    };
    let whole: Vec<Value> = DocumentReader::new(text, Limits::default())
        .map(|d| d.map(|d| d.value))
        .collect::<Result<_, _>>()
        .map_err(|e| cannot(&e.message))?;
    let ranges = cut_at_markers(text);
    if ranges.len() != whole.len() {
        return Err(cannot(
            "a `---` line inside a value, or a document marker it does not use",
        ));
    }
    ranges
        .into_iter()
        .zip(whole)
        .map(|((range, marker), value)| {
            let piece: Vec<Value> = DocumentReader::new(&text[range.clone()], Limits::default())
                .map(|d| d.map(|d| d.value))
                .collect::<Result<_, _>>()
                .map_err(|e| cannot(&e.message))?;
            let alone = match piece.as_slice() {
                [one] => one.clone(),
                [] => Value::Null,
                _ => return Err(cannot("a document splits in two")),
            };
            if alone != value {
                return Err(cannot("a document reads differently on its own"));
            }
            Ok(Chunk {
                range,
                marker,
                value: Some(value),
            })
        })
        .collect()
}

fn only_comments(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_inside_a_value_is_refused_rather_than_guessed() {
        let text = "a: |\n  x\n---\n";
        assert!(document_chunks(text).is_ok());
        let root_literal = "--- |\n  text\n---\nb: 1\n";
        assert!(document_chunks(root_literal).is_ok());
    }

    #[test]
    fn a_list_item_is_lifted_out_with_its_comments() {
        let list = "apiVersion: v1\nkind: List\nitems:\n- kind: A\n  # about x\n  x: 1\n  y:\n  - 2\n\n- kind: B\n";
        assert_eq!(
            list_item(list, 0).unwrap(),
            "kind: A\n# about x\nx: 1\ny:\n- 2\n"
        );
        assert_eq!(list_item(list, 1).unwrap(), "kind: B\n");
        assert_eq!(list_item("items: [{kind: A}]\n", 0), None);
        assert_eq!(list_item("items:\n- kind: A\n x: 1\n", 0), None);
    }
}
