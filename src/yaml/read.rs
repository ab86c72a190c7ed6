//! YAML text to `serde_json::Value`, one document at a time, read as kubectl reads it.
//!
//! One pass over saphyr-parser's events builds the value, applies merge keys, resolves scalars with
//! YAML 1.1 rules (`scalar.rs`), notes duplicate keys where they stand, and bounds nesting depth and
//! alias expansion. Node positions are recorded only on request (`PositionReader`), because only a
//! document with findings needs them.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span, StrInput, Tag};
use serde_json::{Map, Value};

use super::block_subset;
use super::scalar::{resolve_plain_typed, resolve_tagged};
use crate::pointer;

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    fn at(marker: &Marker) -> Pos {
        Pos {
            line: marker.line(),
            column: marker.col() + 1,
        }
    }
}

/// A document that cannot be read, and where reading stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub message: String,
    pub pos: Pos,
}

/// Bounds that keep hostile input from exhausting the stack or memory.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_depth: usize,
    /// Nodes one document may hold, aliases expanded.
    pub max_nodes: usize,
    /// Nodes that aliases may copy in, per document (the "billion laughs" guard): manifests
    /// rarely use aliases at all, so this is far below what a bomb needs.
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_nodes: 1_000_000,
            max_alias_nodes: 100_000,
        }
    }
}

/// A mapping key that appears twice.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateKey {
    /// JSON Pointer of the field, within the document.
    pub pointer: String,
    pub pos: Pos,
}

#[derive(Debug)]
pub struct LoadedDocument {
    pub value: Value,
    /// Where the document's root node starts.
    pub pos: Pos,
    pub duplicates: Vec<DuplicateKey>,
}

/// Where each node of a document stands, by JSON Pointer.
#[derive(Debug, Default)]
pub struct Positions {
    values: HashMap<String, Pos>,
    keys: HashMap<String, Pos>,
}

impl Positions {
    /// The node at `pointer`, or its nearest recorded ancestor (nodes copied in by an alias or a
    /// merge key have no position of their own). `key` prefers the key of a mapping entry.
    pub fn find(&self, pointer: &str, key: bool) -> Option<Pos> {
        let mut p = pointer;
        loop {
            if key {
                if let Some(pos) = self.keys.get(p) {
                    return Some(*pos);
                }
            }
            if let Some(pos) = self.values.get(p) {
                return Some(*pos);
            }
            if p.is_empty() {
                return None;
            }
            p = &p[..p.rfind('/').unwrap_or(0)];
        }
    }
}

/// The documents of one YAML stream, in order.
pub struct DocumentReader<'a> {
    inner: Reading<'a>,
}

enum Reading<'a> {
    /// Read at once by the block-subset reader.
    Subset(std::vec::IntoIter<LoadedDocument>),
    Events(Box<EventReader<'a>>),
}

impl<'a> DocumentReader<'a> {
    pub fn new(text: &'a str, limits: Limits) -> Self {
        let inner = match block_subset::read_stream(text, limits) {
            Ok(documents) => Reading::Subset(documents.into_iter()),
            Err(block_subset::OutsideSubset) => {
                Reading::Events(Box::new(EventReader::new(text, limits)))
            }
        };
        DocumentReader { inner }
    }

    /// The general reader alone, without the block-subset reader: what the agreement tests and the
    /// fuzz target compare the subset reader with.
    pub fn general(text: &'a str, limits: Limits) -> Self {
        DocumentReader {
            inner: Reading::Events(Box::new(EventReader::new(text, limits))),
        }
    }

    /// Whether the block-subset reader read this stream.
    pub fn read_by_subset(&self) -> bool {
        matches!(self.inner, Reading::Subset(_))
    }
}

impl Iterator for DocumentReader<'_> {
    type Item = Result<LoadedDocument, YamlError>;
    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            Reading::Subset(documents) => documents.next().map(Ok),
            Reading::Events(reader) => reader.read(None),
        }
    }
}

/// The general reader: saphyr-parser's events, for any YAML.
struct EventReader<'a> {
    parser: Parser<'a, StrInput<'a>>,
    limits: Limits,
    finished: bool,
}

impl<'a> EventReader<'a> {
    fn new(text: &'a str, limits: Limits) -> Self {
        EventReader {
            parser: Parser::new_from_str(text),
            limits,
            finished: false,
        }
    }

    fn read(
        &mut self,
        positions: Option<&mut Positions>,
    ) -> Option<Result<LoadedDocument, YamlError>> {
        if self.finished {
            return None;
        }
        let mut builder = Builder::new(self.limits, positions);
        loop {
            let (event, span) = match self.parser.next_event() {
                None => {
                    self.finished = true;
                    return None;
                }
                Some(Err(e)) => {
                    self.finished = true;
                    return Some(Err(YamlError {
                        message: e.info().to_owned(),
                        pos: Pos::at(e.marker()),
                    }));
                }
                Some(Ok(ev)) => ev,
            };
            match builder.on_event(event, span) {
                Ok(Some(doc)) => return Some(Ok(doc)),
                Ok(None) => {}
                Err(e) => {
                    // The parser cannot resynchronise inside a document, so stop here.
                    self.finished = true;
                    return Some(Err(e));
                }
            }
            if builder.stream_ended {
                self.finished = true;
                return None;
            }
        }
    }
}

/// The node positions of a stream's documents, asked for in order: one general reader walks the
/// stream once however many documents have something to report, and the positions of the last
/// document asked for are kept, because every object of a List asks for the same document. Asking
/// for an earlier document starts the walk again.
pub struct PositionReader<'a> {
    text: &'a str,
    limits: Limits,
    /// Made on the first question: most sources have nothing to report.
    reader: Option<Box<EventReader<'a>>>,
    /// 0-based index of the document `reader` reads next.
    next: usize,
    last: Option<(usize, Positions)>,
}

#[cfg(test)]
thread_local! {
    /// Documents the position readers of this thread have read: the tests that hold placing
    /// findings to one pass over a source count them.
    pub static DOCUMENTS_READ: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl<'a> PositionReader<'a> {
    pub fn new(text: &'a str, limits: Limits) -> Self {
        PositionReader {
            text,
            limits,
            reader: None,
            next: 0,
            last: None,
        }
    }

    /// Where the nodes of document `index` (0-based) stand; nothing if a document before it
    /// cannot be read.
    pub fn positions(&mut self, index: usize) -> &Positions {
        if self.last.as_ref().is_none_or(|(at, _)| *at != index) {
            let positions = self.read(index);
            self.last = Some((index, positions));
        }
        &self.last.as_ref().expect("just recorded").1
    }

    fn read(&mut self, index: usize) -> Positions {
        if index < self.next {
            self.reader = None;
        }
        let reader = match &mut self.reader {
            Some(reader) => reader,
            unread => {
                self.next = 0;
                unread.insert(Box::new(EventReader::new(self.text, self.limits)))
            }
        };
        // Documents before `index` are read and dropped; `index` is read with its positions.
        let mut positions = Positions::default();
        while self.next <= index {
            let wanted = self.next == index;
            self.next += 1;
            #[cfg(test)]
            DOCUMENTS_READ.set(DOCUMENTS_READ.get() + 1);
            let read = reader.read(wanted.then_some(&mut positions));
            if !wanted && !matches!(read, Some(Ok(_))) {
                // The reader has stopped for good; later documents have no positions either.
                break;
            }
        }
        positions
    }
}

enum PendingKey {
    Named(String, Pos),
    Merge,
}

enum Frame {
    Seq {
        items: Vec<Value>,
        anchor: usize,
        nodes_before: usize,
    },
    Map {
        map: Map<String, Value>,
        key: Option<PendingKey>,
        merges: Vec<Value>,
        anchor: usize,
        nodes_before: usize,
    },
}

struct Builder<'p> {
    limits: Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Value, usize)>,
    nodes: usize,
    alias_nodes: usize,
    root_pos: Option<Pos>,
    duplicates: Vec<DuplicateKey>,
    positions: Option<&'p mut Positions>,
    root: Option<Value>,
    stream_ended: bool,
}

impl<'p> Builder<'p> {
    fn new(limits: Limits, positions: Option<&'p mut Positions>) -> Self {
        Builder {
            limits,
            stack: Vec::new(),
            anchors: HashMap::new(),
            nodes: 0,
            alias_nodes: 0,
            root_pos: None,
            duplicates: Vec::new(),
            positions,
            root: None,
            stream_ended: false,
        }
    }

    fn on_event(
        &mut self,
        event: Event<'_>,
        span: Span,
    ) -> Result<Option<LoadedDocument>, YamlError> {
        let pos = Pos::at(&span.start);
        let fail = |message: String| YamlError { message, pos };
        match event {
            Event::StreamStart | Event::Nothing | Event::DocumentStart(_) => Ok(None),
            Event::StreamEnd => {
                self.stream_ended = true;
                Ok(None)
            }
            Event::DocumentEnd => Ok(Some(LoadedDocument {
                value: self.root.take().unwrap_or(Value::Null),
                pos: self.root_pos.unwrap_or(pos),
                duplicates: std::mem::take(&mut self.duplicates),
            })),
            Event::Scalar(text, style, anchor, tag) => {
                let nodes_before = self.nodes;
                self.count(1, pos)?;
                if self.expects_key() {
                    let key = if style == ScalarStyle::Plain && tag.is_none() && text == "<<" {
                        PendingKey::Merge
                    } else {
                        let v = scalar_value(text, style, tag.as_deref()).map_err(fail)?;
                        PendingKey::Named(key_text(v).map_err(fail)?, pos)
                    };
                    if let (PendingKey::Named(k, _), true) = (&key, anchor != 0) {
                        self.anchors.insert(anchor, (Value::String(k.clone()), 1));
                    }
                    self.set_key(key, pos);
                    return Ok(None);
                }
                self.record_value(pos);
                let value = scalar_value(text, style, tag.as_deref()).map_err(fail)?;
                self.complete(value, anchor, nodes_before);
                Ok(None)
            }
            Event::SequenceStart(anchor, tag) => {
                self.open(tag.as_deref(), "seq", pos)?;
                self.stack.push(Frame::Seq {
                    items: Vec::new(),
                    anchor,
                    nodes_before: self.nodes - 1,
                });
                Ok(None)
            }
            Event::MappingStart(anchor, tag) => {
                self.open(tag.as_deref(), "map", pos)?;
                self.stack.push(Frame::Map {
                    map: Map::new(),
                    key: None,
                    merges: Vec::new(),
                    anchor,
                    nodes_before: self.nodes - 1,
                });
                Ok(None)
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor, nodes_before) = match self.stack.pop() {
                    Some(Frame::Seq {
                        items,
                        anchor,
                        nodes_before,
                    }) => (Value::Array(items), anchor, nodes_before),
                    Some(Frame::Map {
                        mut map,
                        merges,
                        anchor,
                        nodes_before,
                        ..
                    }) => {
                        apply_merges(&mut map, merges).map_err(fail)?;
                        (Value::Object(map), anchor, nodes_before)
                    }
                    None => return Err(fail("unbalanced end of a collection".into())),
                };
                self.complete(value, anchor, nodes_before);
                Ok(None)
            }
            Event::Alias(id) => {
                let Some(size) = self.anchors.get(&id).map(|a| a.1) else {
                    return Err(fail("alias to an unknown anchor".into()));
                };
                let nodes_before = self.nodes;
                // Count before cloning, so an alias bomb is refused before it allocates.
                self.alias_nodes = self.alias_nodes.saturating_add(size);
                if self.alias_nodes > self.limits.max_alias_nodes {
                    return Err(fail(format!(
                        "aliases in this document expand to more than {} nodes; refusing it \
                         (this is what an alias bomb, \"billion laughs\", looks like)",
                        self.limits.max_alias_nodes
                    )));
                }
                self.count(size, pos)?;
                let value = self.anchors[&id].0.clone();
                if self.expects_key() {
                    let key = key_text(value).map_err(fail)?;
                    self.set_key(PendingKey::Named(key, pos), pos);
                    return Ok(None);
                }
                self.record_value(pos);
                self.complete(value, 0, nodes_before);
                Ok(None)
            }
        }
    }

    fn count(&mut self, n: usize, pos: Pos) -> Result<(), YamlError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.limits.max_nodes {
            return Err(YamlError {
                message: format!(
                    "the document expands to more than {} nodes through its aliases or size; \
                     refusing it (an alias bomb looks like this)",
                    self.limits.max_nodes
                ),
                pos,
            });
        }
        Ok(())
    }

    fn expects_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    fn open(&mut self, tag: Option<&Tag>, expected: &str, pos: Pos) -> Result<(), YamlError> {
        let fail = |message: String| Err(YamlError { message, pos });
        if self.expects_key() {
            return fail(
                "a mapping or sequence used as a key cannot be represented in JSON".into(),
            );
        }
        if let Some(tag) = tag {
            if !(tag.is_yaml_core_schema() && tag.suffix == expected) && tag.handle != "!" {
                return fail(format!("the tag {tag} is not supported here"));
            }
        }
        if self.stack.len() >= self.limits.max_depth {
            return fail(format!(
                "the document nests deeper than {} levels",
                self.limits.max_depth
            ));
        }
        self.count(1, pos)?;
        // A mapping or list that is a field's value is best shown at its key: `state:` rather than
        // the first line inside it.
        let shown_at = match self.stack.last() {
            Some(Frame::Map {
                key: Some(PendingKey::Named(_, key_pos)),
                ..
            }) => *key_pos,
            _ => pos,
        };
        self.record_value(shown_at);
        Ok(())
    }

    fn set_key(&mut self, key: PendingKey, pos: Pos) {
        if let PendingKey::Named(name, _) = &key {
            if let Some(positions) = self.positions.as_deref_mut() {
                let pointer = child_pointer(&self.stack, Some(name));
                positions.keys.insert(pointer, pos);
            }
        }
        if let Some(Frame::Map { key: slot, .. }) = self.stack.last_mut() {
            *slot = Some(key);
        }
    }

    fn record_value(&mut self, pos: Pos) {
        if self.stack.is_empty() {
            self.root_pos = Some(pos);
        }
        if let Some(positions) = self.positions.as_deref_mut() {
            let pointer = child_pointer(&self.stack, None);
            positions.values.entry(pointer).or_insert(pos);
        }
    }

    /// Hands a finished node to its parent.
    fn complete(&mut self, value: Value, anchor: usize, nodes_before: usize) {
        if anchor != 0 {
            self.anchors
                .insert(anchor, (value.clone(), self.nodes - nodes_before));
        }
        let mut duplicate = None;
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame::Seq { items, .. }) => items.push(value),
            Some(Frame::Map {
                map, key, merges, ..
            }) => match key.take() {
                Some(PendingKey::Merge) => merges.push(value),
                // One hash per key: this runs for every key of every document.
                Some(PendingKey::Named(name, pos)) => match map.entry(name) {
                    serde_json::map::Entry::Occupied(mut slot) => {
                        duplicate = Some((slot.key().clone(), pos));
                        slot.insert(value);
                    }
                    serde_json::map::Entry::Vacant(slot) => {
                        slot.insert(value);
                    }
                },
                // Keys are read before their values: `expects_key` routes every key elsewhere.
                None => {}
            },
        }
        if let Some((name, pos)) = duplicate {
            let pointer = child_pointer(&self.stack, Some(&name));
            self.duplicates.push(DuplicateKey { pointer, pos });
        }
    }
}

/// The pointer of the node being read now: the path of the open collections, plus the pending key
/// (or the next index) of the innermost one.
fn child_pointer(stack: &[Frame], key_override: Option<&str>) -> String {
    let mut out = String::new();
    let last = stack.len().saturating_sub(1);
    for (i, frame) in stack.iter().enumerate() {
        out.push('/');
        match frame {
            Frame::Seq { items, .. } => out.push_str(&items.len().to_string()),
            Frame::Map { key, .. } => {
                let name = match (i == last, key_override, key) {
                    (true, Some(k), _) => k,
                    (_, _, Some(PendingKey::Named(k, _))) => k.as_str(),
                    (_, _, Some(PendingKey::Merge)) => "<<",
                    (_, _, None) => "",
                };
                pointer::push_escaped(&mut out, name);
            }
        }
    }
    out
}

/// The scalar's value; the text is moved, not copied, when it stays a string.
fn scalar_value(
    text: Cow<'_, str>,
    style: ScalarStyle,
    tag: Option<&Tag>,
) -> Result<Value, String> {
    match tag {
        Some(tag) if tag.is_yaml_core_schema() => resolve_tagged(&tag.suffix, &text),
        // The non-specific tag `!` forces a string.
        Some(tag) if tag.handle == "!" && tag.suffix.is_empty() => {
            Ok(Value::String(text.into_owned()))
        }
        Some(tag) => Err(format!(
            "the custom tag {tag} is not supported: Kubernetes manifests use plain YAML values"
        )),
        None if style == ScalarStyle::Plain => match resolve_plain_typed(&text) {
            Ok(Some(value)) => Ok(value),
            Ok(None) => Ok(Value::String(text.into_owned())),
            Err(e) => Err(e.0.to_owned()),
        },
        None => Ok(Value::String(text.into_owned())),
    }
}

/// A plain, untagged scalar's value.
pub(super) fn plain_scalar_value(text: &str) -> Result<Value, String> {
    scalar_value(Cow::Borrowed(text), ScalarStyle::Plain, None)
}

/// A mapping key as `sigs.k8s.io/yaml` turns it into a JSON object key.
pub(super) fn key_text(value: Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Null => Err("a null mapping key cannot be represented in JSON".into()),
        _ => Err("a mapping or sequence used as a key cannot be represented in JSON".into()),
    }
}

/// YAML 1.1 merge keys: explicit keys win, then earlier merged mappings over later ones.
fn apply_merges(map: &mut Map<String, Value>, merges: Vec<Value>) -> Result<(), String> {
    for merge in merges {
        let sources = match merge {
            Value::Object(m) => vec![m],
            Value::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    Value::Object(m) => Ok(m),
                    _ => Err(()),
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(|()| merge_error())?,
            _ => return Err(merge_error()),
        };
        for source in sources {
            for (k, v) in source {
                map.entry(k).or_insert(v);
            }
        }
    }
    Ok(())
}

fn merge_error() -> String {
    "a merge key (<<) must refer to a mapping or a list of mappings".into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read_all(text: &str) -> Vec<Result<Value, YamlError>> {
        DocumentReader::new(text, Limits::default())
            .map(|d| d.map(|d| d.value))
            .collect()
    }

    #[test]
    fn reads_a_stream_of_documents() {
        let docs = read_all("a: 1\n---\nb: [x, 'on', on]\n---\n");
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0], Ok(json!({"a": 1})));
        assert_eq!(docs[1], Ok(json!({"b": ["x", "on", true]})));
        assert_eq!(docs[2], Ok(Value::Null));
    }

    #[test]
    fn applies_merge_keys_with_explicit_keys_winning() {
        let docs = read_all("base: &b {x: 1, z: 2}\nm:\n  <<: *b\n  z: 3\n");
        assert_eq!(
            docs[0],
            Ok(json!({"base": {"x": 1, "z": 2}, "m": {"z": 3, "x": 1}}))
        );
    }

    #[test]
    fn reports_duplicate_keys_where_they_stand() {
        let mut r = DocumentReader::new("spec:\n  a: 1\n  a: 2\n", Limits::default());
        let doc = r.next().unwrap().unwrap();
        assert_eq!(
            doc.duplicates,
            vec![DuplicateKey {
                pointer: "/spec/a".into(),
                pos: Pos { line: 3, column: 3 }
            }]
        );
        assert_eq!(doc.value, json!({"spec": {"a": 2}}));
    }

    #[test]
    fn non_string_keys_become_text_as_in_kubectl() {
        assert_eq!(
            read_all("on: 1\n2: x\ny: z\n")[0],
            Ok(json!({"true": "z", "2": "x"}))
        );
    }

    #[test]
    fn refuses_an_alias_bomb() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = (b'a' + i - 1) as char;
            let cur = (b'a' + i) as char;
            text.push_str(&format!(
                "{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let err = read_all(&text).remove(0).unwrap_err();
        assert!(err.message.contains("billion laughs"), "{}", err.message);
    }

    #[test]
    fn refuses_deep_nesting() {
        let text = "[".repeat(10_000);
        // saphyr-parser stops first, at its own recursion limit; either way nothing overflows.
        let err = read_all(&text).remove(0).unwrap_err();
        assert!(err.message.contains("recursion limit"), "{}", err.message);
        let text = "- ".repeat(300) + "x";
        let err = read_all(&text).remove(0).unwrap_err();
        assert!(err.message.contains("deeper than 256"), "{}", err.message);
    }

    #[test]
    fn positions_of_keys_and_values() {
        let text =
            "a: 1\n---\nspec:\n  job:\n    upgradeMode: savepont\n  list:\n    - x\n    - y\n";
        let mut reader = PositionReader::new(text, Limits::default());
        let p = reader.positions(1);
        assert_eq!(
            p.find("/spec/job/upgradeMode", false),
            Some(Pos {
                line: 5,
                column: 18
            })
        );
        assert_eq!(
            p.find("/spec/job/upgradeMode", true),
            Some(Pos { line: 5, column: 5 })
        );
        assert_eq!(
            p.find("/spec/list/1", false),
            Some(Pos { line: 8, column: 7 })
        );
        assert_eq!(
            p.find("/spec/job/missing/deeper", true),
            Some(Pos { line: 4, column: 3 })
        );
    }

    #[test]
    fn positions_asked_in_order_read_the_stream_once() {
        let text: String = (0..50)
            .map(|i| format!("---\nname: d{i}\nspec:\n  count: {i}\n"))
            .collect();
        let line_of = |reader: &mut PositionReader, i: usize| {
            reader
                .positions(i)
                .find("/spec/count", false)
                .map(|p| p.line)
        };
        DOCUMENTS_READ.set(0);
        let mut reader = PositionReader::new(&text, Limits::default());
        for i in 0..50 {
            assert_eq!(line_of(&mut reader, i), Some(4 * i + 4), "document {i}");
            // Every object of a List asks for its document: answered from what was kept.
            assert_eq!(line_of(&mut reader, i), Some(4 * i + 4));
        }
        assert_eq!(DOCUMENTS_READ.get(), 50);
        // Skipping ahead reads the documents between once; going back starts again.
        DOCUMENTS_READ.set(0);
        let mut reader = PositionReader::new(&text, Limits::default());
        assert_eq!(line_of(&mut reader, 40), Some(164));
        assert_eq!(line_of(&mut reader, 45), Some(184));
        assert_eq!(DOCUMENTS_READ.get(), 46);
        assert_eq!(line_of(&mut reader, 2), Some(12));
        assert_eq!(DOCUMENTS_READ.get(), 49);
    }

    #[test]
    fn no_positions_past_a_document_that_cannot_be_read() {
        let text = "a: 1\n---\nb: [\n---\nc: 3\n";
        let mut reader = PositionReader::new(text, Limits::default());
        assert_eq!(reader.positions(2).find("/c", false), None);
        // Still there for the documents before it, and as far as the broken one goes.
        assert_eq!(
            reader.positions(0).find("/a", false),
            Some(Pos { line: 1, column: 4 })
        );
        assert_eq!(
            reader.positions(1).find("/b", true),
            Some(Pos { line: 3, column: 1 })
        );
        assert_eq!(reader.positions(2).find("/c", false), None);
    }
}
