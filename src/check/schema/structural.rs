//! The operator's schemas as trees, for the walks that do not need the compiled validator: is a
//! document valid (`admits`), which of its fields would the API server prune (`unknown_fields`).
//!
//! The build script prebuilds a tree from each embedded schema (`build/schema_trees.rs`), so a run
//! neither reads schema JSON nor allocates nodes. Each `$ref` is one shared node (the compiled
//! validator copies the referenced schema at every use), and each object's properties sit in an
//! open-addressing table (`property_table.rs`) keyed by an integer packing a name's length and
//! first bytes: a lookup is one multiplication and (almost always) one comparison of integers, and
//! compares a name's bytes only once it has found the candidate, and only when the name is longer
//! than the integer holds. Nodes hold integers only, spans into their tree's lists and text.

use super::property_table::{home, probe};
use crate::model::kind::Kind;
use crate::model::release::Release;

/// The embedded schema of `kind` at `release`, as a tree. The release's operator must serve the
/// kind (`schemas::serves`).
pub fn of(release: Release, kind: Kind) -> &'static Tree {
    prebuilt(release.minor(), kind.file_stem())
        .expect("callers ask only for kinds the release serves, and each has its schema")
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
///
/// No embedded schema says `additionalProperties: true` or `false` today; the generator writes
/// either for one that does.
#[derive(Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)]
pub enum Additional {
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
    // Every pattern of today's embedded schemas is one of the two; the generator writes this for
    // any other.
    #[allow(dead_code)]
    Other,
}

/// A stretch of one of a tree's lists, or of its text: where it starts, and how long it is.
#[derive(Clone, Copy)]
pub struct Span(u32, u32);

impl Span {
    fn range(self) -> std::ops::Range<usize> {
        self.0 as usize..(self.0 + self.1) as usize
    }
}

pub struct Node {
    /// Bitmask of `OBJECT`...; 0 when `type` is absent.
    pub types: u8,
    /// `type: object` exactly (what makes an undeclared field unknown even without properties).
    pub is_object: bool,
    pub preserves_unknown: bool,
    /// A keyword (or a form of one) the walk does not decide.
    pub undecided: bool,
    pub pattern: Option<Pattern>,
    pub additional: Additional,
    pub items: Option<Id>,
    pub max_length: Option<u64>,
    /// `properties`, in the schema's order: a span of `Tree::properties`; `None` without the keyword.
    declared: Option<Span>,
    /// The lookup table of `declared`: a span of `Tree::slots`, `1 << table_bits` long.
    table: Span,
    table_bits: u8,
    /// Spans of `Tree::names`.
    required: Span,
    choices: Option<Span>,
    /// A span of `Tree::text`.
    constant: Option<Span>,
    /// A span of `Tree::ids`.
    any_of: Span,
}

impl Node {
    /// Whether the API server prunes a field this node does not declare: it has `properties`
    /// (even none) or `type: object`, and neither `additionalProperties` (`true` or a schema) nor
    /// `x-kubernetes-preserve-unknown-fields` keeps the field.
    pub fn prunes_undeclared(&self) -> bool {
        (self.declared.is_some() || self.is_object)
            && !self.preserves_unknown
            && !matches!(self.additional, Additional::True | Additional::Schema(_))
    }

    /// What a node without keywords (`{}`) is; the generated nodes say only how they differ.
    const EMPTY: Node = Node {
        types: 0,
        is_object: false,
        preserves_unknown: false,
        undecided: false,
        pattern: None,
        additional: Additional::Absent,
        items: None,
        max_length: None,
        declared: None,
        table: Span(0, 0),
        table_bits: 0,
        required: Span(0, 0),
        choices: None,
        constant: None,
        any_of: Span(0, 0),
    };
}

/// A declared property: its name's probe (`property_table::probe`), its name and its schema.
pub struct Property {
    probe: u64,
    name: Span,
    id: Id,
}

/// A schema as nodes, `Tree::ROOT` first, and the lists their spans point into.
pub struct Tree {
    nodes: &'static [Node],
    properties: &'static [Property],
    /// Each slot holds an index into its node's `declared` plus one; 0 is empty.
    slots: &'static [u16],
    /// Spans of `text`: the strings of `required` and `enum`.
    names: &'static [Span],
    ids: &'static [Id],
    /// Every name and string of the schema, each written once.
    text: &'static str,
}

impl Tree {
    pub const ROOT: Id = 0;

    pub fn node(&self, id: Id) -> &'static Node {
        &self.nodes[id as usize]
    }

    /// The schema of the property of `node` named `key`.
    pub fn property(&self, node: &Node, key: &str) -> Option<Id> {
        let declared = &self.properties[node.declared?.range()];
        let slots = &self.slots[node.table.range()];
        if slots.is_empty() {
            return None;
        }
        let probe = probe(key);
        let mut at = home(probe, u32::from(node.table_bits));
        loop {
            let slot = *slots.get(at)?;
            let property = declared.get(usize::from(slot).checked_sub(1)?)?;
            // Up to seven bytes, the probe is the whole name.
            if property.probe == probe && (key.len() < 8 || self.text(property.name) == key) {
                return Some(property.id);
            }
            at = (at + 1) & (slots.len() - 1);
        }
    }

    /// The names `node` declares under `properties`, in the schema's order (for suggestions);
    /// `None` where it has no `properties`.
    pub fn declared(&self, node: &Node) -> Option<impl Iterator<Item = &'static str> + Clone> {
        let text = self.text;
        let declared = &self.properties[node.declared?.range()];
        Some(declared.iter().map(move |p| &text[p.name.range()]))
    }

    pub fn required(&self, node: &Node) -> impl Iterator<Item = &'static str> {
        self.strings(node.required)
    }

    /// `enum`'s strings.
    pub fn choices(&self, node: &Node) -> Option<impl Iterator<Item = &'static str>> {
        node.choices.map(|span| self.strings(span))
    }

    /// `const`'s string.
    pub fn constant(&self, node: &Node) -> Option<&'static str> {
        node.constant.map(|span| self.text(span))
    }

    pub fn any_of(&self, node: &Node) -> &'static [Id] {
        &self.ids[node.any_of.range()]
    }

    fn text(&self, span: Span) -> &'static str {
        &self.text[span.range()]
    }

    fn strings(&self, span: Span) -> impl Iterator<Item = &'static str> {
        let text = self.text;
        self.names[span.range()]
            .iter()
            .map(move |s| &text[s.range()])
    }
}

// `static TREE_<release>_<KIND>: Tree`s and `fn prebuilt(minor, stem)`.
include!(concat!(env!("OUT_DIR"), "/schema_trees.rs"));

#[cfg(test)]
mod tests {
    use super::super::property_table::layout;
    use super::*;
    use crate::schemas;

    #[test]
    fn every_schema_the_releases_serve_is_prebuilt_and_no_other() {
        for release in Release::ALL {
            for kind in Kind::ALL {
                assert_eq!(
                    prebuilt(release.minor(), kind.file_stem()).is_some(),
                    schemas::serves(release, kind),
                    "{release} {kind}"
                );
            }
        }
        assert!(prebuilt("1.9", "flinkdeployment").is_none());
    }

    #[test]
    fn every_declared_property_is_found_and_no_other_name() {
        for release in Release::ALL {
            for kind in Kind::ALL {
                if !schemas::serves(release, kind) {
                    continue;
                }
                let tree = of(release, kind);
                let mut tabled = 0;
                for node in tree.nodes {
                    let declared: Vec<&str> = tree.declared(node).into_iter().flatten().collect();
                    for name in &declared {
                        tabled += 1;
                        assert!(
                            tree.property(node, name).is_some(),
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
                            assert_eq!(
                                tree.property(node, &other).is_some(),
                                declared.contains(&other.as_str()),
                                "{release} {kind}: {other:?} beside {name:?}"
                            );
                        }
                    }
                }
                // The smallest schema, FlinkStateSnapshot's, declares 43.
                assert!(tabled > 40, "{release} {kind}: {tabled} properties");
                let root = tree.node(Tree::ROOT);
                for field in ["apiVersion", "kind", "metadata", "spec", "status"] {
                    assert!(tree.property(root, field).is_some(), "{release} {kind}");
                }
            }
        }
    }

    /// A tree of one node declaring `names`, each name's schema its index.
    fn table(names: &[&str]) -> (Tree, Node) {
        let mut text = String::new();
        let mut properties = Vec::new();
        for (i, name) in names.iter().enumerate() {
            properties.push(Property {
                probe: probe(name),
                name: Span(text.len() as u32, name.len() as u32),
                id: i as Id,
            });
            text.push_str(name);
        }
        let probes: Vec<u64> = properties.iter().map(|p| p.probe).collect();
        let (bits, slots) = layout(&probes);
        let node = Node {
            declared: Some(Span(0, names.len() as u32)),
            table: Span(0, slots.len() as u32),
            table_bits: bits as u8,
            ..Node::EMPTY
        };
        let tree = Tree {
            nodes: &[],
            properties: Vec::leak(properties),
            slots: Vec::leak(slots),
            names: &[],
            ids: &[],
            text: String::leak(text),
        };
        (tree, node)
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
        let (tree, node) = table(&names);
        for (i, name) in names.iter().enumerate() {
            assert_eq!(tree.property(&node, name), Some(i as Id), "{name:?}");
        }
        for absent in ["b", "abcdefgj", "abcdefgh2", "abcdefg ", "zzzzzzzz"] {
            assert_eq!(tree.property(&node, absent), None, "{absent:?}");
        }
    }

    /// A table crowded enough that names share home slots and runs wrap around its end: every
    /// name is found at its own schema, and names not in it (some sharing a run) are not.
    #[test]
    fn crowded_tables_find_every_name_and_no_other() {
        for count in [1, 2, 3, 7, 8, 9, 100, 1000] {
            let names: Vec<String> = (0..count).map(|i| format!("field{i}")).collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let (tree, node) = table(&names);
            for (i, name) in names.iter().enumerate() {
                assert_eq!(
                    tree.property(&node, name),
                    Some(i as Id),
                    "{name} of {count}"
                );
            }
            for i in count..count + 50 {
                assert_eq!(
                    tree.property(&node, &format!("field{i}")),
                    None,
                    "field{i} of {count}"
                );
            }
            assert_eq!(tree.property(&node, ""), None);
        }
        let (tree, _) = table(&[]);
        assert_eq!(tree.property(&Node::EMPTY, "spec"), None);
    }
}
