//! The operator's schemas as trees, for the walks that do not need the compiled validator: is a
//! document valid (`admits`), which of its fields would the API server prune (`unknown_fields`).
//!
//! Built once per (release, kind) from the embedded JSON (read by `json.rs`, without a
//! `serde_json::Value`): each `$ref` becomes one shared node (the compiled validator copies the
//! referenced schema at every use), and each object's properties sit in a small open-addressing
//! table keyed by an integer packing a name's length and first bytes, so a lookup is one
//! multiplication and (almost always) one comparison of integers, and compares a name's bytes only
//! once it has found the candidate, and only when the name is longer than the integer holds.

use std::borrow::Cow;
use std::sync::OnceLock;

use serde_json::Value;

use super::json::{self, Json};
use crate::model::kind::Kind;
use crate::model::release::Release;
use crate::schemas;

/// The embedded schema of `kind` at `release`, as a tree; built once, on first use.
pub fn of(release: Release, kind: Kind) -> &'static Tree {
    const SLOTS: usize = Release::ALL.len() * Kind::ALL.len();
    static READ: [OnceLock<json::Counted>; SLOTS] = [const { OnceLock::new() }; SLOTS];
    static TREES: [OnceLock<Tree>; SLOTS] = [const { OnceLock::new() }; SLOTS];
    let slot = release.index() * Kind::ALL.len() + kind.index();
    TREES[slot].get_or_init(|| {
        let root = READ[slot].get_or_init(|| {
            schemas::text(release, kind)
                .and_then(json::parse)
                .expect("embedded schemas are generated JSON that `json::parse` reads (its tests)")
        });
        Tree::of(&root.json, root.objects_and_booleans)
    })
}

pub type Id = u32;

pub const OBJECT: u8 = 1;
pub const ARRAY: u8 = 2;
pub const STRING: u8 = 4;
pub const INTEGER: u8 = 8;
pub const NUMBER: u8 = 16;
pub const BOOLEAN: u8 = 32;
pub const NULL: u8 = 64;

/// `additionalProperties`: absent and `true` admit the same, but only `true` (or
/// `x-kubernetes-preserve-unknown-fields`) keeps an undeclared field from the API server's pruning.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
pub enum Additional {
    #[default]
    Absent,
    True,
    Denied,
    Schema(Id),
}

/// The two patterns the generated schemas carry: Kubernetes' DNS-1123 label and subdomain.
#[derive(Clone, Copy)]
pub enum Pattern {
    Label,
    Subdomain,
    Other,
}

#[derive(Default)]
pub struct Node {
    /// Bitmask of `OBJECT`...; 0 when `type` is absent.
    pub types: u8,
    /// `type: object` exactly (what makes an undeclared field unknown even without properties).
    pub is_object: bool,
    /// Declared properties, for lookup by name.
    pub properties: Properties,
    /// `properties` as the schema orders them (for suggestions).
    pub declared: Option<&'static [(Cow<'static, str>, Json)]>,
    pub additional: Additional,
    pub preserves_unknown: bool,
    pub required: Vec<&'static str>,
    pub items: Option<Id>,
    pub choices: Option<Vec<Value>>,
    pub constant: Option<Value>,
    pub any_of: Vec<Id>,
    pub pattern: Option<Pattern>,
    pub max_length: Option<u64>,
    /// A keyword (or a form of one) the walk does not decide.
    pub undecided: bool,
}

/// A schema as nodes: `$ref`s resolved to shared nodes, properties tabled for lookup.
pub struct Tree {
    nodes: Vec<Node>,
}

impl Tree {
    fn of(root: &'static Json, most_nodes: usize) -> Tree {
        let mut builder = Builder {
            root,
            // Growing the list by doubling was 8% of a one-file run's instructions.
            nodes: Vec::with_capacity(most_nodes),
            defs: Vec::new(),
        };
        builder.node(root);
        Tree {
            nodes: builder.nodes,
        }
    }

    pub const ROOT: Id = 0;

    pub fn node(&self, id: Id) -> &Node {
        &self.nodes[id as usize]
    }
}

/// A declared property: its name, its probe (see `probe`) and its schema.
pub struct Property {
    probe: u64,
    name: &'static str,
    id: Id,
}

/// An object's declared properties in an open-addressing table: a slot holds a property's index
/// plus one (0 is empty), the table is a power of two at least twice the properties, and a probe
/// is placed by its Fibonacci hash, then the next free slot. A binary search over the probes took
/// five dependent, mispredicted steps a lookup, and each document's every field is looked up
/// twice (`admits`, `unknown_fields`).
#[derive(Default)]
pub struct Properties {
    list: Vec<Property>,
    slots: Vec<u16>,
    /// 64 less the table's bits: the hash is the product's top bits.
    shift: u32,
}

impl Properties {
    fn new(list: Vec<Property>) -> Properties {
        if list.is_empty() {
            return Properties::default();
        }
        let size = (2 * list.len()).next_power_of_two();
        let mut table = Properties {
            slots: vec![0; size],
            shift: 64 - size.trailing_zeros(),
            list: Vec::new(),
        };
        for (i, property) in list.iter().enumerate() {
            let mut at = table.home(property.probe);
            while table.slots[at] != 0 {
                at = (at + 1) & (size - 1);
            }
            table.slots[at] = u16::try_from(i + 1)
                .expect("a schema object declares fewer than 65,535 properties");
        }
        table.list = list;
        table
    }

    fn home(&self, probe: u64) -> usize {
        (probe.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// The schema of the property named `key`.
    pub fn get(&self, key: &str) -> Option<Id> {
        if self.slots.is_empty() {
            return None;
        }
        let probe = probe(key);
        let mut at = self.home(probe);
        loop {
            let slot = self.slots[at];
            let property = self.list.get(usize::from(slot).checked_sub(1)?)?;
            // Up to seven bytes, the probe is the whole name.
            if property.probe == probe && (key.len() < 8 || property.name == key) {
                return Some(property.id);
            }
            at = (at + 1) & (self.slots.len() - 1);
        }
    }
}

impl Node {
    /// The schema of a declared property.
    pub fn property(&self, key: &str) -> Option<Id> {
        self.properties.get(key)
    }
}

/// A name's length and first seven bytes as one integer: two names that differ in length or in
/// their first seven bytes differ here, and a name of up to seven bytes is all here. Comparing
/// names byte by byte (a call to `memcmp` at every step of a search) was a tenth of a validation
/// run over thousands of documents.
fn probe(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let head = match bytes.first_chunk::<8>() {
        Some(first) => u64::from_be_bytes(*first) >> 8,
        None => {
            let packed = bytes.iter().fold(0, |acc, &b| acc << 8 | u64::from(b));
            packed << (8 * (7 - bytes.len()))
        }
    };
    (bytes.len().min(255) as u64) << 56 | head
}

struct Builder {
    root: &'static Json,
    nodes: Vec<Node>,
    /// `$defs` entries built so far (`None` while one is being built: a cycle is left undecided).
    defs: Vec<(&'static str, Option<Id>)>,
}

const LABEL: &str = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
const SUBDOMAIN: &str = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

/// Keywords that constrain nothing.
const ANNOTATIONS: &[&str] = &[
    "$schema",
    "$defs",
    "title",
    "description",
    "x-kubernetes-int-or-string",
];

impl Builder {
    fn push(&mut self, node: Node) -> Id {
        self.nodes.push(node);
        (self.nodes.len() - 1) as Id
    }

    fn node(&mut self, schema: &'static Json) -> Id {
        if let Some(target) = schema.get("$ref") {
            // A `$ref` stands alone in the generated schemas (the schema tests hold them to it):
            // the node is its target, built once however many places refer to it.
            return match self.reference(target) {
                Some(id) if schema.as_object().is_some_and(|k| k.len() == 1) => id,
                _ => self.push(Node {
                    undecided: true,
                    ..Node::default()
                }),
            };
        }
        let id = self.push(Node::default());
        let mut node = Node::default();
        let Some(keywords) = schema.as_object() else {
            // `true` admits everything; `false` (never generated) is left to the validator.
            node.undecided = !matches!(schema, Json::Bool(true));
            self.nodes[id as usize] = node;
            return id;
        };
        for (keyword, value) in keywords {
            match keyword.as_ref() {
                "type" => {
                    node.is_object = value.as_str() == Some("object");
                    match type_bits(value) {
                        Some(bits) => node.types = bits,
                        None => node.undecided = true,
                    }
                }
                "properties" => match value.as_object() {
                    Some(properties) => {
                        node.declared = Some(properties);
                        let list: Vec<Property> = properties
                            .iter()
                            .map(|(k, v)| Property {
                                probe: probe(k),
                                name: k.as_ref(),
                                id: self.node(v),
                            })
                            .collect();
                        node.properties = Properties::new(list);
                    }
                    None => node.undecided = true,
                },
                "additionalProperties" => match value {
                    Json::Bool(true) => node.additional = Additional::True,
                    Json::Bool(false) => node.additional = Additional::Denied,
                    Json::Object(_) => node.additional = Additional::Schema(self.node(value)),
                    _ => node.undecided = true,
                },
                "required" => match value.as_array() {
                    Some(names) if names.iter().all(|n| n.as_str().is_some()) => {
                        node.required = names.iter().filter_map(Json::as_str).collect();
                    }
                    _ => node.undecided = true,
                },
                "items" if matches!(value, Json::Object(_) | Json::Bool(_)) => {
                    node.items = Some(self.node(value));
                }
                "enum" => match value.as_array() {
                    Some(choices) => {
                        node.choices = Some(choices.iter().map(Json::to_value).collect())
                    }
                    None => node.undecided = true,
                },
                "const" => node.constant = Some(value.to_value()),
                "anyOf" => match value.as_array() {
                    Some(branches) if !branches.is_empty() => {
                        node.any_of = branches.iter().map(|b| self.node(b)).collect();
                    }
                    _ => node.undecided = true,
                },
                "pattern" => {
                    node.pattern = Some(match value.as_str() {
                        Some(LABEL) => Pattern::Label,
                        Some(SUBDOMAIN) => Pattern::Subdomain,
                        _ => Pattern::Other,
                    });
                }
                "maxLength" => match value.as_u64() {
                    Some(max) => node.max_length = Some(max),
                    None => node.undecided = true,
                },
                "x-kubernetes-preserve-unknown-fields" => {
                    node.preserves_unknown = matches!(value, Json::Bool(true));
                }
                other if ANNOTATIONS.contains(&other) => {}
                _ => node.undecided = true,
            }
        }
        self.nodes[id as usize] = node;
        id
    }

    /// `#/$defs/NAME`.
    fn reference(&mut self, target: &'static Json) -> Option<Id> {
        let name = target.as_str()?.strip_prefix("#/$defs/")?;
        if let Some(&(_, built)) = self.defs.iter().find(|(n, _)| *n == name) {
            return built;
        }
        let schema = self.root.get("$defs")?.get(name)?;
        self.defs.push((name, None));
        let id = self.node(schema);
        if let Some(entry) = self.defs.iter_mut().find(|(n, _)| *n == name) {
            entry.1 = Some(id);
        }
        Some(id)
    }
}

fn type_bits(value: &Json) -> Option<u8> {
    let one = |name: &str| match name {
        "object" => Some(OBJECT),
        "array" => Some(ARRAY),
        "string" => Some(STRING),
        "integer" => Some(INTEGER),
        "number" => Some(NUMBER),
        "boolean" => Some(BOOLEAN),
        "null" => Some(NULL),
        _ => None,
    };
    match value {
        Json::String(name) => one(name),
        Json::Array(names) => names
            .iter()
            .try_fold(0, |bits, n| Some(bits | one(n.as_str()?)?)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_objects_and_booleans_bound_every_tree() {
        for release in Release::ALL {
            for kind in Kind::ALL {
                let Some(text) = schemas::text(release, kind) else {
                    continue;
                };
                let read = json::parse(text).expect("embedded schemas read");
                let json: &'static json::Json = Box::leak(Box::new(read.json));
                let tree = Tree::of(json, read.objects_and_booleans);
                assert!(
                    tree.nodes.len() <= read.objects_and_booleans,
                    "{release} {kind}: {} nodes, {} counted",
                    tree.nodes.len(),
                    read.objects_and_booleans
                );
                // The bound is close: the list is not reserved many times over.
                assert!(
                    tree.nodes.len() * 2 >= read.objects_and_booleans,
                    "{release} {kind}"
                );
            }
        }
    }

    #[test]
    fn every_declared_property_is_found_and_no_other_name() {
        for release in Release::ALL {
            for kind in Kind::ALL {
                if schemas::text(release, kind).is_none() {
                    continue;
                }
                let tree = of(release, kind);
                for node in &tree.nodes {
                    let declared = node.declared.unwrap_or_default();
                    for (name, _) in declared {
                        assert!(
                            node.property(name).is_some(),
                            "{release} {kind}: {name} not found"
                        );
                        let mut near: Vec<String> = vec![
                            format!("{name}x"),
                            format!("x{name}"),
                            name[..name.len() - 1].to_owned(),
                        ];
                        // Differs only past the seven bytes the probe holds, or within them.
                        for at in [0, 6, 7, name.len() - 1] {
                            if let Some(&byte) = name.as_bytes().get(at) {
                                let mut bytes = name.as_bytes().to_vec();
                                bytes[at] = if byte == b'~' { b'!' } else { byte + 1 };
                                near.extend(String::from_utf8(bytes).ok());
                            }
                        }
                        for other in near {
                            let is_declared = declared.iter().any(|(k, _)| *k == other);
                            assert_eq!(
                                node.property(&other).is_some(),
                                is_declared,
                                "{release} {kind}: {other:?} beside {name:?}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn names_sharing_their_first_seven_bytes_are_told_apart() {
        let names = [
            "",
            "a",
            "abcdefg",
            "abcdefgh",
            "abcdefgi",
            "abcdefgh1",
            "zzzzzzz",
        ];
        let node = Node {
            properties: table(&names),
            ..Node::default()
        };
        for (i, name) in names.iter().enumerate() {
            assert_eq!(node.property(name), Some(i as Id), "{name:?}");
        }
        for absent in ["b", "abcdefgj", "abcdefgh2", "abcdefg ", "zzzzzzzz"] {
            assert_eq!(node.property(absent), None, "{absent:?}");
        }
    }

    /// Each name's schema is its index.
    fn table(names: &[&'static str]) -> Properties {
        let list = names
            .iter()
            .enumerate()
            .map(|(i, name)| Property {
                probe: probe(name),
                name,
                id: i as Id,
            })
            .collect();
        Properties::new(list)
    }

    /// A table crowded enough that names share home slots and runs wrap around its end: every
    /// name is found at its own schema, and names not in it (some sharing a run) are not.
    #[test]
    fn crowded_tables_find_every_name_and_no_other() {
        for count in [1, 2, 3, 7, 8, 9, 100, 1000] {
            let names: Vec<&'static str> = (0..count)
                .map(|i| &*Box::leak(format!("field{i}").into_boxed_str()))
                .collect();
            let properties = table(&names);
            for (i, name) in names.iter().enumerate() {
                assert_eq!(properties.get(name), Some(i as Id), "{name} of {count}");
            }
            for i in count..count + 50 {
                assert_eq!(
                    properties.get(&format!("field{i}")),
                    None,
                    "field{i} of {count}"
                );
            }
            assert_eq!(properties.get(""), None);
        }
        assert_eq!(Properties::default().get("spec"), None);
    }
}
