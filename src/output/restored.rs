//! Where the resources in their restore form go, one at a time: a YAML stream, JSON, the patch,
//! a diff of their files, back into the file they were read from (`-O FILE --in-place`), or
//! Velero resource modifiers.
//!
//! YAML is written as an edit of the saved text (comments, quoting and layout kept) unless
//! `canonical` is asked for or the edit cannot be proven; each fallback is noted for stderr.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use super::diff;
use super::in_place::{self, Replacement};
use super::manifest::{ManifestFormat, ManifestStream};
use super::patch;
use super::spliced::Editor;
use super::velero::{self, Modifiers, VeleroOptions};
use crate::input::Document;
use crate::model::kind::Kind;
use crate::model::resource::{Classified, ResourceId, classify};
use crate::transform::restore::{Plan, Restored};

/// How the output is written.
pub enum Mode {
    Manifests(ManifestFormat),
    Patch,
    /// A unified diff of each input file against the file with its resources restored.
    Diff {
        colour: bool,
    },
    /// Back into the input file `name`.
    InPlace {
        name: Arc<str>,
    },
    /// Velero resource modifiers that make the restore forms during a Velero restore.
    Velero(VeleroOptions),
}

/// What the writer made: the output, what to tell the user, and whether anything changed.
pub struct Written {
    pub text: String,
    pub notes: Vec<String>,
    /// Whether the output differs from the input (`--exit-code`).
    pub changed: bool,
}

/// A document of a file to rewrite: its index, its resource's index in the plan, its new form.
type Rewrite = (usize, usize, Value);

pub struct RestoredWriter<'a> {
    mode: Mode,
    documents: &'a [Document],
    stream: Option<ManifestStream>,
    editor: Editor,
    /// For `InPlace`: the file's copy of each resource, by who it is.
    copies: HashMap<ResourceId, usize>,
    /// For `InPlace` and `Diff`: per file, in the order first met, the documents to rewrite.
    rewrites: Vec<(Arc<str>, Vec<Rewrite>)>,
    appended: Vec<Value>,
    modifiers: Option<Modifiers>,
    notes: Vec<String>,
    changed: bool,
}

impl<'a> RestoredWriter<'a> {
    pub fn new(
        mode: Mode,
        canonical: bool,
        documents: &'a [Document],
        count: usize,
    ) -> RestoredWriter<'a> {
        let stream = match &mode {
            Mode::Manifests(format) => Some(ManifestStream::new(*format, count)),
            _ => None,
        };
        let copies = match &mode {
            Mode::InPlace { name } => copies_in_file(documents, name),
            _ => HashMap::new(),
        };
        let whole_files = matches!(mode, Mode::Diff { .. } | Mode::InPlace { .. });
        let modifiers = match &mode {
            Mode::Velero(options) => Some(Modifiers::new(options.clone())),
            _ => None,
        };
        RestoredWriter {
            mode,
            documents,
            stream,
            editor: Editor::new(canonical, whole_files),
            copies,
            rewrites: Vec::new(),
            appended: Vec::new(),
            modifiers,
            notes: Vec::new(),
            changed: false,
        }
    }

    /// Writes resource `index` of the plan, `restored`, in its restore form `value`, or says why
    /// that form cannot be written this way.
    pub fn push(&mut self, index: usize, restored: &Restored, value: Value) -> Result<(), String> {
        let saved = &self.documents[restored.document];
        self.changed |= saved.value != value;
        match &self.mode {
            Mode::Manifests(ManifestFormat::Yaml) => {
                let label = restored.id.to_string();
                let (text, marked) = self.editor.yaml(saved, &label, &restored.patch, &value);
                if let Some(stream) = &mut self.stream {
                    stream.push_text(&text, marked);
                }
            }
            Mode::Manifests(_) => {
                if let Some(stream) = &mut self.stream {
                    stream.push(&value);
                }
            }
            Mode::Patch => {}
            Mode::Diff { .. } => {
                let file = saved.origin.file.clone();
                self.rewrite_in(file, restored.document, index, value);
            }
            Mode::InPlace { name } => match self.copies.get(&restored.id) {
                Some(&copy) => {
                    let name = name.clone();
                    self.rewrite_in(name, copy, index, value);
                }
                None => self.appended.push(value),
            },
            Mode::Velero(_) => {
                if let Some(modifiers) = &mut self.modifiers {
                    modifiers.resource(&restored.id, &saved.value, &value, &restored.patch)?;
                }
            }
        }
        Ok(())
    }

    fn rewrite_in(&mut self, file: Arc<str>, document: usize, index: usize, value: Value) {
        match self.rewrites.iter_mut().find(|(f, _)| *f == file) {
            Some((_, list)) => list.push((document, index, value)),
            None => self.rewrites.push((file, vec![(document, index, value)])),
        }
    }

    /// The whole output, or why it cannot be written.
    pub fn finish(mut self, plan: &Plan<'_>) -> Result<Written, String> {
        let all = &plan.resources;
        self.left_out_in_files(plan)?;
        let text = match &self.mode {
            Mode::Manifests(_) => self
                .stream
                .take()
                .map(ManifestStream::finish)
                .unwrap_or_default(),
            Mode::Patch => patch::render(all),
            Mode::Diff { colour } => {
                let colour = *colour;
                let mut out = String::new();
                for (name, list) in std::mem::take(&mut self.rewrites) {
                    let (before, after) = self.rewritten(&name, &list, all)?;
                    let after = after.trim_start_matches('\u{feff}');
                    out.push_str(&diff::unified(&name, &before, after, colour));
                }
                out
            }
            Mode::InPlace { name } => {
                let name = name.clone();
                let list = std::mem::take(&mut self.rewrites)
                    .into_iter()
                    .flat_map(|(_, list)| list)
                    .collect::<Vec<_>>();
                let (before, mut out) = self.rewritten(&name, &list, all)?;
                if out.trim_start_matches('\u{feff}') == before && self.appended.is_empty() {
                    self.notes.push(format!(
                        "{name} already holds the restore form: it is left as it was"
                    ));
                }
                if !self.appended.is_empty() {
                    if !out.is_empty() && !out.ends_with('\n') {
                        out.push('\n');
                    }
                    let values: Vec<&Value> = self.appended.iter().collect();
                    out.push_str(&super::manifest::render(&values, ManifestFormat::Yaml));
                }
                out
            }
            Mode::Velero(options) => {
                let mut modifiers = self.modifiers.take().ok_or("no Velero rules were made")?;
                for recorded in &plan.recorded {
                    modifiers
                        .pin(recorded)
                        .map_err(|why| format!("{}: {why}", recorded.snapshot.id()))?;
                }
                let kinds: Vec<Kind> = all.iter().map(|r| r.id.kind).collect();
                self.notes.extend(velero::advice(
                    options,
                    &kinds,
                    &plan.ha_clusters,
                    &plan.unrecorded,
                ));
                modifiers.finish()
            }
        };
        Ok(Written {
            text,
            notes: self.notes.into_iter().chain(self.editor.notes).collect(),
            changed: self.changed,
        })
    }

    /// A file rewritten or diffed still holds what the restore leaves out (a blue/green child):
    /// refuse to write it in place, and say so beside a diff.
    fn left_out_in_files(&mut self, plan: &Plan<'_>) -> Result<(), String> {
        if plan.left_out.is_empty()
            || !matches!(self.mode, Mode::Diff { .. } | Mode::InPlace { .. })
        {
            return Ok(());
        }
        for document in self.documents {
            let Classified::Flink(resource) = classify(&document.value) else {
                continue;
            };
            let id = resource.id();
            if !plan.left_out.contains(&id) {
                continue;
            }
            let file = &document.origin.file;
            match &self.mode {
                Mode::InPlace { name } if name == file => {
                    return Err(format!(
                        "{file} holds {id}, which the blue/green controller makes: applied with \
                         the file, it would fight the controller; delete it from the file, then \
                         restore in place"
                    ));
                }
                Mode::Diff { .. } => self.notes.push(format!(
                    "{file} still holds {id}, which the blue/green controller makes: delete it \
                     from the file before applying it"
                )),
                _ => {}
            }
        }
        Ok(())
    }

    /// File `name` as it is (without a byte-order mark), and with `list` written into it.
    fn rewritten(
        &mut self,
        name: &Arc<str>,
        list: &[Rewrite],
        all: &[Restored],
    ) -> Result<(String, String), String> {
        let documents = self.documents;
        let canonical = self.editor.canonical();
        let file = self
            .editor
            .files()
            .get(name)
            .map_err(|why| format!("{name}: {why}"))?;
        let replacements: Vec<Replacement<'_>> = list
            .iter()
            .map(|(document, index, value)| Replacement {
                origin: &documents[*document].origin,
                saved: &documents[*document].value,
                patch: &all[*index].patch,
                restored: value,
            })
            .collect();
        let (after, notes) = in_place::rewrite(file, &replacements, canonical)
            .map_err(|why| format!("{name}: {why}"))?;
        let before = file.text.clone();
        self.notes.extend(notes);
        Ok((before, after))
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
