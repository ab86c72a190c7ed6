//! `-O FILE --in-place`: the file rewritten where its resources stand. Every document that is not
//! restored (the saved snapshot next to the deployment, a ConfigMap, comments between documents)
//! stays byte for byte; a document whose restore form is what it already holds is not touched.

use std::ops::Range;

use serde_json::Value;

use crate::input::Origin;
use crate::yaml::{DocumentReader, Limits, to_yaml};

/// A resource to write back into its file: where it was read, and its new form.
pub struct Replacement<'a> {
    pub origin: &'a Origin,
    pub saved: &'a Value,
    pub restored: &'a Value,
}

/// `text` with each replacement written where its document stands.
pub fn rewrite(text: &str, replacements: &[Replacement<'_>]) -> Result<String, String> {
    let chunks = document_chunks(text)?;
    let mut out = String::with_capacity(text.len());
    for (i, chunk) in chunks.iter().enumerate() {
        let stream_index = i + 1;
        let here: Vec<&Replacement<'_>> = replacements
            .iter()
            .filter(|r| r.origin.document == stream_index && r.saved != r.restored)
            .collect();
        let original = &text[chunk.range.clone()];
        if here.is_empty() {
            out.push_str(original);
            continue;
        }
        let mut value = chunk.value.clone();
        for r in &here {
            match r.origin.item {
                None => value = r.restored.clone(),
                Some(item) => {
                    let slot = value
                        .get_mut("items")
                        .and_then(|items| items.get_mut(item))
                        .ok_or_else(|| {
                            format!("{}: the List no longer has item {item}", r.origin)
                        })?;
                    *slot = r.restored.clone();
                }
            }
        }
        if chunk.marker {
            out.push_str("---\n");
        }
        out.push_str(&to_yaml(&value));
    }
    Ok(out)
}

struct Chunk {
    range: Range<usize>,
    /// Whether the chunk starts with its own `---` line.
    marker: bool,
    value: Value,
}

/// The text of each document of the stream, found at its `---` lines and proven by reading each
/// piece on its own: the pieces must read as the same documents as the whole.
fn document_chunks(text: &str) -> Result<Vec<Chunk>, String> {
    let cannot = |why: &str| {
        format!("cannot tell where each document of the file starts ({why}); write to another file")
    };
    let whole: Vec<Value> = DocumentReader::new(text, Limits::default())
        .map(|d| d.map(|d| d.value))
        .collect::<Result<_, _>>()
        .map_err(|e| cannot(&e.message))?;
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
                value,
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
    use serde_json::json;

    fn origin(document: usize, item: Option<usize>) -> Origin {
        Origin {
            file: "f.yaml".into(),
            document,
            item,
            line: 1,
        }
    }

    #[test]
    fn only_the_replaced_document_changes() {
        let text = "# head\n---\nkind: A # keep\nx: 1\n---\n# snapshot\nkind: B\n";
        let saved = json!({"kind": "A", "x": 1});
        let restored = json!({"kind": "A", "x": 2});
        let origin = origin(1, None);
        let out = rewrite(
            text,
            &[Replacement {
                origin: &origin,
                saved: &saved,
                restored: &restored,
            }],
        )
        .unwrap();
        assert_eq!(out, "---\nkind: A\nx: 2\n---\n# snapshot\nkind: B\n");
    }

    #[test]
    fn an_unchanged_document_keeps_its_bytes_and_list_items_are_replaced() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- kind: A\n  x: 1\n- kind: B\n";
        let saved = json!({"kind": "A", "x": 1});
        let same = rewrite(
            text,
            &[Replacement {
                origin: &origin(1, Some(0)),
                saved: &saved,
                restored: &saved,
            }],
        )
        .unwrap();
        assert_eq!(same, text);
        let restored = json!({"kind": "A", "x": 2});
        let out = rewrite(
            text,
            &[Replacement {
                origin: &origin(1, Some(0)),
                saved: &saved,
                restored: &restored,
            }],
        )
        .unwrap();
        assert!(out.contains("- kind: A\n    x: 2\n  - kind: B\n"), "{out}");
    }

    #[test]
    fn a_marker_inside_a_value_is_refused_rather_than_guessed() {
        let text = "a: |\n  x\n---\n";
        assert!(document_chunks(text).is_ok());
        let root_literal = "--- |\n  text\n---\nb: 1\n";
        assert!(document_chunks(root_literal).is_ok());
    }
}
