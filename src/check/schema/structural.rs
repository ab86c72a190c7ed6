//! The operator's schemas as trees, for the walks that do not need the compiled validator: is a
//! document valid (`admits`), which of its fields would the API server prune (`unknown_fields`).
//!
//! Built once per (release, kind) from the embedded JSON (read by `json.rs`, without a
//! `serde_json::Value`): each `$ref` becomes one shared node (the compiled validator copies the
//! referenced schema at every use), and each object's properties are sorted by length and then
//! bytes, so a lookup is a binary search with no hashing, most of whose steps compare two lengths
//! and never reach the bytes.

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
    /// Sorted by `lookup_order`, for binary search.
    pub properties: Vec<(&'static str, Id)>,
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

/// A schema as nodes: `$ref`s resolved to shared nodes, properties sorted for lookup.
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

impl Node {
    /// The schema of a declared property.
    pub fn property(&self, key: &str) -> Option<Id> {
        self.properties
            .binary_search_by(|(k, _)| lookup_order(k, key))
            .ok()
            .map(|i| self.properties[i].1)
    }
}

/// Shorter names first: comparing names byte by byte was a fifth of a validation run over
/// thousands of documents, and names of different lengths need no bytes compared.
fn lookup_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
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
                        let mut list: Vec<(&'static str, Id)> = properties
                            .iter()
                            .map(|(k, v)| (k.as_ref(), self.node(v)))
                            .collect();
                        list.sort_unstable_by(|a, b| lookup_order(a.0, b.0));
                        node.properties = list;
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
}
