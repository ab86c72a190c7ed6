//! A source's text to documents, each with its origin. Lists are unwrapped into their items:
//! `kind: List` (what `kubectl get -o yaml` prints for several objects) and typed lists such as
//! `FlinkDeploymentList` (what the API and client libraries return).

use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::{ReadOptions, Source, SourceDefect, UnreadablePath};
use crate::pointer::Lookup;
use crate::yaml::{DocumentReader, DuplicateKey, LoadedDocument, Pos, PositionReader, YamlError};

/// Where a document came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: Arc<str>,
    /// 1-based index of the document in its file's YAML stream.
    pub document: usize,
    /// 0-based index of the item, for an object inside a List.
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
#[derive(Debug, Clone)]
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

/// The objects of one source, Lists unwrapped, empty documents skipped.
pub fn entries(source: &Source, options: &ReadOptions) -> Vec<Entry> {
    entries_placed(
        source,
        options,
        &mut PositionReader::new(&source.text, options.limits),
    )
}

/// The same, the positions of a List's items read by `positions`, which reads `source`: a caller
/// that goes on to place findings passes the reader it places them with, so that a List is read
/// for positions once, not twice.
pub fn entries_placed(
    source: &Source,
    options: &ReadOptions,
    positions: &mut PositionReader<'_>,
) -> Vec<Entry> {
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
            Ok(doc) => match ListShape::of(&doc.value) {
                Some(shape) => unwrap_list(source, index, doc, shape, positions, &mut out),
                None => out.push(Entry::Document(Document {
                    origin: origin(index, doc.pos.line),
                    value: doc.value,
                    duplicates: doc.duplicates,
                })),
            },
        }
    }
    out
}

/// A list of objects: `kind: List` (`apiVersion: v1`), or a typed list whose items may leave out
/// the `apiVersion` and `kind` the list implies (the API omits them).
#[derive(Debug, PartialEq)]
enum ListShape {
    Untyped,
    Typed { api_version: String, kind: String },
}

impl ListShape {
    fn of(value: &Value) -> Option<ListShape> {
        let text = |k: &str| value.field(k).and_then(Value::as_str);
        let (kind, api_version) = (text("kind")?, text("apiVersion")?);
        if !value.field("items").is_some_and(Value::is_array) {
            return None;
        }
        if kind == "List" && api_version == "v1" {
            return Some(ListShape::Untyped);
        }
        // A KRM ResourceList is a function's input, not a list of manifests.
        let item_kind = kind.strip_suffix("List").filter(|k| !k.is_empty())?;
        if api_version.starts_with("config.kubernetes.io/") || kind == "ResourceList" {
            return None;
        }
        Some(ListShape::Typed {
            api_version: api_version.to_owned(),
            kind: item_kind.to_owned(),
        })
    }

    /// An item as a manifest: a typed list's items get the `apiVersion` and `kind` it implies.
    fn complete(&self, item: Value) -> Value {
        let (ListShape::Typed { api_version, kind }, Value::Object(fields)) = (self, &item) else {
            return item;
        };
        if fields.contains_key("kind") && fields.contains_key("apiVersion") {
            return item;
        }
        let Value::Object(fields) = item else {
            return item;
        };
        let mut out = Map::with_capacity(fields.len() + 2);
        out.insert("apiVersion".into(), Value::String(api_version.clone()));
        out.insert("kind".into(), Value::String(kind.clone()));
        for (k, v) in fields {
            out.insert(k, v);
        }
        Value::Object(out)
    }
}

fn unwrap_list(
    source: &Source,
    index: usize,
    doc: LoadedDocument,
    shape: ListShape,
    positions: &mut PositionReader<'_>,
    out: &mut Vec<Entry>,
) {
    // Item lines need node positions: the List is read a second time, by the general reader.
    let positions = positions.positions(index - 1);
    let Value::Object(mut list) = doc.value else {
        return;
    };
    let Some(Value::Array(items)) = list.remove("items") else {
        return;
    };
    let mut duplicates = duplicates_by_item(doc.duplicates, items.len());
    for (i, item) in items.into_iter().enumerate() {
        let origin = Origin {
            file: source.name.clone(),
            document: index,
            item: Some(i),
            line: positions
                .find(&format!("/items/{i}"), false)
                .map_or(doc.pos.line, |p| p.line),
        };
        if ListShape::of(&item).is_some() {
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
        out.push(Entry::Document(Document {
            origin,
            value: shape.complete(item),
            duplicates: std::mem::take(&mut duplicates[i]),
        }));
    }
}

/// A List's duplicate keys shared out to its items, each pointer made relative to its item; keys
/// outside the items (the List's own) belong to none. One pass, however many items and keys.
fn duplicates_by_item(duplicates: Vec<DuplicateKey>, items: usize) -> Vec<Vec<DuplicateKey>> {
    let mut by_item = vec![Vec::new(); items];
    for d in duplicates {
        let Some(rest) = d.pointer.strip_prefix("/items/") else {
            continue;
        };
        let (item, within) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        // The reader wrote this index from the item's place in the array.
        if let Some(slot) = item.parse::<usize>().ok().and_then(|i| by_item.get_mut(i)) {
            slot.push(DuplicateKey {
                pointer: within.to_owned(),
                pos: d.pos,
            });
        }
    }
    by_item
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

/// Everything a transforming command reads, held at once: a restore pairs resources across files.
#[derive(Debug, Default)]
pub struct Loaded {
    pub documents: Vec<Document>,
    pub broken: Vec<(Origin, YamlError)>,
    /// Files skipped as Helm templates.
    pub templates: Vec<std::sync::Arc<str>>,
}

pub fn load_all(
    paths: &[super::InputPath],
    options: &ReadOptions,
) -> Result<Loaded, UnreadablePath> {
    load_sources(paths.iter().map(super::read_source), options)
}

pub fn load_sources(
    sources: impl IntoIterator<Item = Result<Result<Source, SourceDefect>, UnreadablePath>>,
    options: &ReadOptions,
) -> Result<Loaded, UnreadablePath> {
    load_sources_with(sources, options, Some)
}

/// What `load_all_boiling` makes of one document: kept whole, or boiled down to a `T`.
pub enum Kept<T> {
    Whole(Document),
    Boiled(T),
}

/// Every document of `paths`, each passed through `boil` as it is read: files are read in
/// parallel (two files or more), and what `boil` keeps comes back in input order. Boiling in the
/// reading thread keeps only the boiled-down form of a file in memory once it is read.
pub fn load_all_boiling<T: Send>(
    paths: &[super::InputPath],
    options: &ReadOptions,
    boil: impl Fn(Document) -> Kept<T> + Sync,
) -> Result<(Loaded, Vec<T>), UnreadablePath> {
    use rayon::prelude::*;
    let one_file = |path: &super::InputPath| {
        let mut boiled = Vec::new();
        let loaded = load_sources_with([super::read_source(path)], options, |d| match boil(d) {
            Kept::Whole(d) => Some(d),
            Kept::Boiled(t) => {
                boiled.push(t);
                None
            }
        })?;
        Ok((loaded, boiled))
    };
    let mut loaded = Loaded::default();
    let mut boiled = Vec::new();
    // A few files at a time, merged as they come: the whole input read at once would hold every
    // file's boiled-down form twice while merging.
    let batch = if paths.len() < 2 {
        1
    } else {
        2 * rayon::current_num_threads()
    };
    for files in paths.chunks(batch) {
        let per_file: Vec<Result<(Loaded, Vec<T>), UnreadablePath>> = match files {
            // One file does not pay for starting the thread pool.
            [_] => files.iter().map(one_file).collect(),
            _ => files.par_iter().map(one_file).collect(),
        };
        for file in per_file {
            let (file, file_boiled) = file?;
            loaded.documents.extend(file.documents);
            loaded.broken.extend(file.broken);
            loaded.templates.extend(file.templates);
            boiled.extend(file_boiled);
        }
    }
    Ok((loaded, boiled))
}

/// Every document, each offered to `keep` as it is read: what `keep` takes (returns `None` for) is
/// not held, so a caller can boil documents down to what it needs while reading thousands.
fn load_sources_with(
    sources: impl IntoIterator<Item = Result<Result<Source, SourceDefect>, UnreadablePath>>,
    options: &ReadOptions,
    mut keep: impl FnMut(Document) -> Option<Document>,
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
            Ok(source) if source.is_template() => loaded.templates.push(source.name),
            Ok(source) => {
                for entry in entries(&source, options) {
                    match entry {
                        Entry::Document(d) => loaded.documents.extend(keep(d)),
                        Entry::Broken { origin, error } => loaded.broken.push((origin, error)),
                    }
                }
            }
        }
    }
    Ok(loaded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::decode;
    use serde_json::json;

    fn source(text: &str) -> Source {
        Source {
            name: "t.yaml".into(),
            text: text.into(),
            bom: false,
        }
    }

    fn documents(text: &str) -> Vec<(Option<usize>, usize, Value)> {
        entries(&source(text), &ReadOptions::default())
            .into_iter()
            .map(|e| match e {
                Entry::Document(d) => (d.origin.item, d.origin.line, d.value),
                Entry::Broken { error, .. } => panic!("{error:?}"),
            })
            .collect()
    }

    #[test]
    fn unwraps_lists_with_item_origins() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- kind: A\n  x: 1\n- kind: B\n";
        assert_eq!(
            documents(text),
            vec![
                (Some(0), 4, json!({"kind": "A", "x": 1})),
                (Some(1), 6, json!({"kind": "B"}))
            ]
        );
    }

    #[test]
    fn typed_lists_are_lists_and_give_their_items_kind_and_api_version() {
        let text = "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeploymentList\nmetadata: {}\nitems:\n\
                    - metadata: {name: a}\n\
                    - apiVersion: flink.apache.org/v1beta1\n  kind: FlinkDeployment\n  metadata: {name: b}\n";
        let docs = documents(text);
        assert_eq!(
            docs[0].2,
            json!({"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment", "metadata": {"name": "a"}})
        );
        assert_eq!(docs[1].2["metadata"]["name"], "b");
        assert_eq!((docs[0].1, docs[1].1), (5, 6));
        // A KRM ResourceList is not a list of manifests.
        let krm = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n";
        assert_eq!(documents(krm).len(), 1);
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

    #[test]
    fn a_lists_duplicate_keys_go_to_their_own_items() {
        let text = "apiVersion: v1\nkind: List\nkind: List\nitems:\n\
                    - kind: A\n  spec: {x: 1, x: 2}\n\
                    - kind: B\n\
                    - kind: C\n  kind: C\n";
        let duplicates: Vec<Vec<(String, usize)>> = entries(&source(text), &ReadOptions::default())
            .into_iter()
            .map(|e| match e {
                Entry::Document(d) => d
                    .duplicates
                    .into_iter()
                    .map(|k| (k.pointer, k.pos.line))
                    .collect(),
                Entry::Broken { error, .. } => panic!("{error:?}"),
            })
            .collect();
        // The List's own `kind` belongs to no item.
        assert_eq!(
            duplicates,
            vec![
                vec![("/spec/x".to_owned(), 6)],
                vec![],
                vec![("/kind".to_owned(), 9)]
            ]
        );
    }

    #[test]
    fn duplicates_by_item_reads_the_item_index_whole() {
        let key = |pointer: &str| DuplicateKey {
            pointer: pointer.into(),
            pos: Pos::default(),
        };
        let by_item = duplicates_by_item(
            vec![
                key("/items/1/a"),
                key("/items/12"),
                key("/items/12/b/c"),
                key("/items"),
                key("/items/99/a"),
            ],
            13,
        );
        let pointers: Vec<Vec<&str>> = by_item
            .iter()
            .map(|keys| keys.iter().map(|k| k.pointer.as_str()).collect())
            .collect();
        let mut expected = vec![Vec::<&str>::new(); 13];
        expected[1] = vec!["/a"];
        expected[12] = vec!["", "/b/c"];
        assert_eq!(pointers, expected);
    }
}
