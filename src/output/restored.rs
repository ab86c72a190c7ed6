//! Where the resources in their restore form go, one at a time: a YAML stream, JSON, the patch,
//! a diff, or back into the file they were read from (`-O FILE --in-place`).

use std::collections::HashMap;

use serde_json::Value;

use super::diff;
use super::in_place::{self, Replacement};
use super::manifest::{ManifestFormat, ManifestStream};
use super::patch;
use crate::input::Document;
use crate::model::resource::{Classified, ResourceId, classify};
use crate::transform::restore::Restored;

/// How the output is written.
pub enum Mode {
    Manifests(ManifestFormat),
    Patch,
    Diff {
        colour: bool,
    },
    /// Back into the input file `name`, whose text is `text`.
    InPlace {
        name: String,
        text: String,
    },
}

pub struct RestoredWriter<'a> {
    mode: Mode,
    documents: &'a [Document],
    stream: Option<ManifestStream>,
    text: String,
    /// For `InPlace`: the file's copy of each resource, by who it is.
    copies: HashMap<ResourceId, usize>,
    /// For `InPlace`: each restored resource's copy in the file (by document index), and what it
    /// becomes.
    in_place: Vec<(usize, Value)>,
    appended: Vec<Value>,
}

impl<'a> RestoredWriter<'a> {
    pub fn new(mode: Mode, documents: &'a [Document], count: usize) -> RestoredWriter<'a> {
        let stream = match &mode {
            Mode::Manifests(format) => Some(ManifestStream::new(*format, count)),
            _ => None,
        };
        let copies = match &mode {
            Mode::InPlace { name, .. } => copies_in_file(documents, name),
            _ => HashMap::new(),
        };
        RestoredWriter {
            mode,
            documents,
            stream,
            text: String::new(),
            copies,
            in_place: Vec::new(),
            appended: Vec::new(),
        }
    }

    /// Writes one resource in its restore form.
    pub fn push(&mut self, restored: &Restored, value: Value) {
        match &self.mode {
            Mode::Manifests(_) => {
                if let Some(stream) = &mut self.stream {
                    stream.push(&value);
                }
            }
            Mode::Patch => {}
            Mode::Diff { colour } => {
                let saved = &self.documents[restored.document].value;
                self.text.push_str(&diff::render_one(
                    &restored.id.to_string(),
                    saved,
                    &value,
                    *colour,
                ));
            }
            Mode::InPlace { .. } => match self.copies.get(&restored.id) {
                Some(&copy) => self.in_place.push((copy, value)),
                None => self.appended.push(value),
            },
        }
    }

    /// The whole output, or why it cannot be written.
    pub fn finish(self, all: &[Restored]) -> Result<String, String> {
        match self.mode {
            Mode::Manifests(_) => Ok(self.stream.map(ManifestStream::finish).unwrap_or_default()),
            Mode::Patch => Ok(patch::render(all)),
            Mode::Diff { .. } => Ok(self.text),
            Mode::InPlace { name, text } => {
                let by_origin: Vec<Replacement<'_>> = self
                    .in_place
                    .iter()
                    .map(|(copy, restored)| Replacement {
                        origin: &self.documents[*copy].origin,
                        saved: &self.documents[*copy].value,
                        restored,
                    })
                    .collect();
                let mut out =
                    in_place::rewrite(&text, &by_origin).map_err(|why| format!("{name}: {why}"))?;
                if !self.appended.is_empty() {
                    if !out.is_empty() && !out.ends_with('\n') {
                        out.push('\n');
                    }
                    let values: Vec<&Value> = self.appended.iter().collect();
                    out.push_str(&super::manifest::render(&values, ManifestFormat::Yaml));
                }
                Ok(out)
            }
        }
    }
}

/// The Flink resources the file `name` holds, by who they are.
fn copies_in_file(documents: &[Document], name: &str) -> HashMap<ResourceId, usize> {
    documents
        .iter()
        .enumerate()
        .filter(|(_, d)| *d.origin.file == *name)
        .filter_map(|(i, d)| match classify(&d.value) {
            Classified::Flink(r) => Some((r.id(), i)),
            _ => None,
        })
        .collect()
}
