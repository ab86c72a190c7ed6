//! A transform's JSON Patch made as an edit of the saved text (`yaml::splice`), for a whole
//! document or a List item lifted out of its List; the canonical form when that edit cannot be
//! proven, with a note saying why.

use json_patch::{Patch, PatchOperation};
use serde_json::Value;

use super::saved_file::{SavedFiles, list_item};
use crate::input::Document;
use crate::yaml::{Declined, Edit, splice, to_yaml};

/// Writes resources as edits of the files they were read from.
pub struct Editor {
    canonical: bool,
    files: SavedFiles,
    /// The resources written in canonical form although an edit was asked for, and why.
    pub notes: Vec<String>,
}

impl Editor {
    /// `canonical`: always the canonical form. `whole_files`: the files are rewritten whole, so
    /// their documents are proven one by one when read.
    pub fn new(canonical: bool, whole_files: bool) -> Editor {
        Editor {
            canonical,
            files: SavedFiles::new(whole_files),
            notes: Vec::new(),
        }
    }

    pub fn canonical(&self) -> bool {
        self.canonical
    }

    pub fn files(&mut self) -> &mut SavedFiles {
        &mut self.files
    }

    /// `saved` with `patch` made, which reads as `value`: its YAML, and whether the text carries
    /// its own `---` line.
    pub fn yaml(
        &mut self,
        saved: &Document,
        label: &str,
        patch: &Patch,
        value: &Value,
    ) -> (String, bool) {
        if self.canonical {
            return (to_yaml(value), false);
        }
        match self.edited(saved, patch, value) {
            Ok(written) => written,
            Err(Declined(why)) => {
                self.notes.push(format!(
                    "{}: {label} is written in canonical form: {why}",
                    saved.origin
                ));
                (to_yaml(value), false)
            }
        }
    }

    fn edited(
        &mut self,
        saved: &Document,
        patch: &Patch,
        value: &Value,
    ) -> Result<(String, bool), Declined> {
        let file = self.files.get(&saved.origin.file).map_err(Declined)?;
        let Some((chunk, text)) = file.document(saved.origin.document) else {
            return Err(Declined(
                "its document was not found again in its file".into(),
            ));
        };
        let patches = [("", patch)];
        // The edited text is proven to read as `value`: a file changed since it was read, or a
        // document cut wrongly, fails that proof.
        match saved.origin.item {
            None => Ok((
                patched_text(text, &saved.value, &patches, value)?,
                chunk.marker,
            )),
            Some(item) => {
                let Some(lifted) = list_item(text, item) else {
                    return Err(Declined(
                        "its List item cannot be lifted out as written".into(),
                    ));
                };
                Ok((patched_text(&lifted, &saved.value, &patches, value)?, false))
            }
        }
    }
}

/// `text`, a document that reads as `before`, with `patch` made in it, the patch's pointers
/// taken under `base` (`/items/3` for a List item edited inside its List); `expected` is what it
/// must read as afterwards.
pub fn patched_text(
    text: &str,
    before: &Value,
    patches: &[(&str, &Patch)],
    expected: &Value,
) -> Result<String, Declined> {
    let mut owned: Vec<(String, Option<&Value>)> = Vec::new();
    for (base, patch) in patches {
        for op in patch.iter() {
            let (path, value) = match op {
                PatchOperation::Add(op) => (op.path.as_str(), Some(&op.value)),
                PatchOperation::Replace(op) => (op.path.as_str(), Some(&op.value)),
                PatchOperation::Remove(op) => (op.path.as_str(), None),
                _ => return Err(Declined("a patch that moves, copies or tests".into())),
            };
            let pointer = format!("{base}{path}");
            // Setting a field to what it already holds changes nothing, its quoting included.
            if value.is_some() && before.pointer(&pointer) == value {
                continue;
            }
            owned.push((pointer, value));
        }
    }
    let edits: Vec<Edit<'_>> = owned
        .iter()
        .map(|(pointer, value)| match value {
            Some(v) => Edit::Set(pointer, v),
            None => Edit::Remove(pointer),
        })
        .collect();
    if edits.is_empty() && before == expected {
        return Ok(text.to_owned());
    }
    splice(text, &edits, expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_field_set_to_what_it_holds_keeps_its_quoting() {
        let text = "spec:\n  job:\n    state: \"running\"\n    upgradeMode: stateless\n";
        let before = json!({"spec": {"job": {"state": "running", "upgradeMode": "stateless"}}});
        let patch: Patch = serde_json::from_value(json!([
            {"op": "add", "path": "/spec/job/state", "value": "running"},
            {"op": "add", "path": "/spec/job/upgradeMode", "value": "savepoint"},
        ]))
        .unwrap();
        let expected = json!({"spec": {"job": {"state": "running", "upgradeMode": "savepoint"}}});
        let out = patched_text(text, &before, &[("", &patch)], &expected).unwrap();
        assert_eq!(
            out,
            "spec:\n  job:\n    state: \"running\"\n    upgradeMode: savepoint\n"
        );
    }
}
