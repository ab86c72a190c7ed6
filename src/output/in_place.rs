//! A file rewritten where its resources stand (`-O FILE --in-place`, and what `--diff` compares
//! the file with). Every document that is not restored (the saved snapshot next to the
//! deployment, a ConfigMap, comments between documents) stays byte for byte; a restored one is
//! edited in its own text, or written in canonical form when that edit cannot be proven (the
//! note says why), or always with `canonical`. A byte-order mark stays.

use json_patch::Patch;
use serde_json::Value;

use super::saved_file::SavedFile;
use super::spliced::patched_text;
use crate::input::Origin;
use crate::yaml::to_yaml;

/// A resource to write back into its file: where it was read, its patch, and its new form.
pub struct Replacement<'a> {
    pub origin: &'a Origin,
    pub saved: &'a Value,
    pub patch: &'a Patch,
    pub restored: &'a Value,
}

/// The file's text with each replacement written where its document stands, and notes on the
/// documents written in canonical form.
pub fn rewrite(
    file: &SavedFile,
    replacements: &[Replacement<'_>],
    canonical: bool,
) -> Result<(String, Vec<String>), String> {
    let mut out = String::with_capacity(file.text.len() + 64);
    let mut notes = Vec::new();
    if file.bom {
        out.push('\u{feff}');
    }
    for (i, chunk) in file.chunks.iter().enumerate() {
        let stream_index = i + 1;
        let here: Vec<&Replacement<'_>> = replacements
            .iter()
            .filter(|r| r.origin.document == stream_index && r.saved != r.restored)
            .collect();
        let original = &file.text[chunk.range.clone()];
        if here.is_empty() {
            out.push_str(original);
            continue;
        }
        let Some(before) = &chunk.value else {
            return Err("its documents were not proven".into());
        };
        let mut value = before.clone();
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
        let bases: Vec<String> = here.iter().map(|r| r.origin.pointer_base()).collect();
        let patches: Vec<(&str, &Patch)> = bases
            .iter()
            .zip(&here)
            .map(|(base, r)| (base.as_str(), r.patch))
            .collect();
        let edited = if canonical {
            None
        } else {
            match patched_text(original, before, &patches, &value) {
                Ok(text) => Some(text),
                Err(declined) => {
                    notes.push(format!(
                        "{}: written in canonical form: {}",
                        here[0].origin, declined.0
                    ));
                    None
                }
            }
        };
        match edited {
            Some(text) => out.push_str(&text),
            None => {
                if chunk.marker {
                    out.push_str("---\n");
                }
                out.push_str(&to_yaml(&value));
            }
        }
    }
    Ok((out, notes))
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

    fn patch(ops: Value) -> Patch {
        serde_json::from_value(ops).unwrap()
    }

    #[test]
    fn only_the_replaced_document_changes_and_keeps_its_comments() {
        let text = "# head\n---\nkind: A # keep\nx: 1\n---\n# snapshot\nkind: B\n";
        let file = SavedFile::new(text.into(), true).unwrap();
        let saved = json!({"kind": "A", "x": 1});
        let restored = json!({"kind": "A", "x": 2});
        let p = patch(json!([{"op": "replace", "path": "/x", "value": 2}]));
        let origin = origin(1, None);
        let replacement = Replacement {
            origin: &origin,
            saved: &saved,
            patch: &p,
            restored: &restored,
        };
        let (out, notes) = rewrite(&file, std::slice::from_ref(&replacement), false).unwrap();
        assert_eq!(
            out,
            "\u{feff}# head\n---\nkind: A # keep\nx: 2\n---\n# snapshot\nkind: B\n"
        );
        assert!(notes.is_empty());
        let (out, _) = rewrite(&file, &[replacement], true).unwrap();
        assert_eq!(
            out,
            "\u{feff}---\nkind: A\nx: 2\n---\n# snapshot\nkind: B\n"
        );
    }

    #[test]
    fn an_unchanged_document_keeps_its_bytes_and_list_items_are_edited_in_their_list() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- kind: A\n  x: 1   # one\n- kind: B\n";
        let file = SavedFile::new(text.into(), false).unwrap();
        let saved = json!({"kind": "A", "x": 1});
        let p = patch(json!([{"op": "replace", "path": "/x", "value": 2}]));
        let origin = origin(1, Some(0));
        let same = Replacement {
            origin: &origin,
            saved: &saved,
            patch: &p,
            restored: &saved,
        };
        assert_eq!(rewrite(&file, &[same], false).unwrap().0, text);
        let restored = json!({"kind": "A", "x": 2});
        let edited = Replacement {
            origin: &origin,
            saved: &saved,
            patch: &p,
            restored: &restored,
        };
        let (out, _) = rewrite(&file, &[edited], false).unwrap();
        assert_eq!(out, text.replace("x: 1", "x: 2"));
    }
}
