//! Whether a schema admits a document, decided without compiling it.
//!
//! Compiling the FlinkDeployment schema is two thirds of a one-file run, and most documents are
//! valid. The operator's schemas use a dozen keywords (`KEYWORDS` in `schemas.rs`'s tests), simple
//! enough to walk directly: this walk answers "valid" or "not valid" as `jsonschema` would, or
//! "undecided" where it does not decide a keyword itself. Only "valid" is trusted; anything else
//! goes to the compiled validator, whose errors are the findings. The tests hold the walk to
//! `jsonschema` over every fixture, mutations of them, and a fuzz target.

use std::cell::Cell;

use serde_json::{Map, Number, Value};

use super::structural::{
    self, ARRAY, Additional, BOOLEAN, INTEGER, Id, NULL, NUMBER, Node, OBJECT, Pattern, STRING,
    Tree,
};
use crate::model::kind::Kind;
use crate::model::release::Release;

/// `Some(valid)`, or `None` where the walk does not decide.
pub type Answer = Option<bool>;

/// The walk's answer for `value` (with the API server's null-field pruning: a `null` field is
/// absent, as `without_nulls` makes it for the validator).
pub fn admits(release: Release, kind: Kind, value: &Value) -> Answer {
    walk(release, kind, value).answer
}

/// What one walk over a document found.
pub struct Walked {
    pub answer: Answer,
    /// A field the unknown-field walk would report (or one like it, off its path) was met.
    undeclared: bool,
}

impl Walked {
    /// The unknown-field walk would find nothing: this walk ran to its end (it stops only at a
    /// "not valid"), visiting every field that walk visits under the same schema node, and met
    /// none that node leaves undeclared. Most documents are clean, and the second walk was 6% of
    /// a validation run.
    pub fn prunes_nothing(&self) -> bool {
        self.answer != Some(false) && !self.undeclared
    }
}

pub fn walk(release: Release, kind: Kind, value: &Value) -> Walked {
    let walk = Walk {
        tree: structural::of(release, kind),
        undeclared: Cell::new(false),
    };
    let answer = walk.admits(Tree::ROOT, value);
    Walked {
        answer,
        undeclared: walk.undeclared.get(),
    }
}

/// `answer = answer and next`, returning at the first `Some(false)`.
macro_rules! and {
    ($answer:ident, $next:expr) => {
        match $next {
            Some(false) => return Some(false),
            next => $answer = both($answer, next),
        }
    };
}

struct Walk<'t> {
    tree: &'t Tree,
    undeclared: Cell<bool>,
}

impl Walk<'_> {
    fn admits(&self, id: Id, value: &Value) -> Answer {
        let node = self.tree.node(id);
        let mut answer = if node.undecided { None } else { Some(true) };
        if node.types != 0 {
            and!(answer, has_type(node.types, value));
        }
        if let Some(mut choices) = self.tree.choices(node) {
            and!(answer, one_of(choices.any(|c| is_string(value, c)), value));
        }
        if let Some(constant) = self.tree.constant(node) {
            and!(answer, one_of(is_string(value, constant), value));
        }
        if let Value::String(text) = value {
            if let Some(max) = node.max_length {
                if text.chars().count() as u64 > max {
                    return Some(false);
                }
            }
            match node.pattern {
                Some(Pattern::Label) if !is_label(text) => return Some(false),
                Some(Pattern::Subdomain) if !text.split('.').all(is_label) => return Some(false),
                Some(Pattern::Other) => answer = None,
                _ => {}
            }
        }
        let any_of = self.tree.any_of(node);
        if !any_of.is_empty() {
            let mut any = Some(false);
            for &branch in any_of {
                match self.admits(branch, value) {
                    Some(true) => {
                        any = Some(true);
                        break;
                    }
                    Some(false) => {}
                    None => any = None,
                }
            }
            and!(answer, any);
        }
        match value {
            Value::Object(fields) => both(answer, self.object(node, fields)),
            Value::Array(items) => {
                if let Some(item) = node.items {
                    for item_value in items {
                        and!(answer, self.admits(item, item_value));
                    }
                }
                answer
            }
            _ => answer,
        }
    }

    fn object(&self, node: &Node, fields: &Map<String, Value>) -> Answer {
        let mut answer = Some(true);
        for name in self.tree.required(node) {
            if fields.get(name).is_none_or(Value::is_null) {
                return Some(false);
            }
        }
        for (key, value) in fields {
            let declared = self.tree.property(node, key);
            // As the unknown-field walk sees fields: `null` ones too.
            if declared.is_none() && node.prunes_undeclared() {
                self.undeclared.set(true);
            }
            if value.is_null() {
                continue;
            }
            let schema = match declared {
                Some(id) => Some(id),
                None => match node.additional {
                    Additional::Absent | Additional::True => None,
                    Additional::Denied => return Some(false),
                    Additional::Schema(id) => Some(id),
                },
            };
            if let Some(id) = schema {
                and!(answer, self.admits(id, value));
            }
        }
        answer
    }
}

/// `a` and `b`, where `None` (undecided) loses only to `Some(false)`.
fn both(a: Answer, b: Answer) -> Answer {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn has_type(types: u8, value: &Value) -> Answer {
    let bit = match value {
        Value::Null => NULL,
        Value::Bool(_) => BOOLEAN,
        Value::String(_) => STRING,
        Value::Array(_) => ARRAY,
        Value::Object(_) => OBJECT,
        Value::Number(n) => return number_has_type(types, n),
    };
    Some(types & bit != 0)
}

fn number_has_type(types: u8, n: &Number) -> Answer {
    if types & NUMBER != 0 || (types & INTEGER != 0 && (n.is_i64() || n.is_u64())) {
        return Some(true);
    }
    if types & INTEGER != 0 {
        // `2.0` is an integer to some drafts' rules and not to others: the validator decides.
        return match n.as_f64() {
            Some(f) if f.fract() == 0.0 => None,
            _ => Some(false),
        };
    }
    Some(false)
}

/// `enum` and `const` (of strings, in the operator's schemas: `build/schema_trees.rs` leaves any
/// other to the validator): whether `value` is the string `choice`.
fn is_string(value: &Value, choice: &str) -> bool {
    matches!(value, Value::String(s) if s == choice)
}

/// `enum` and `const`, given whether `value` is one of the choices. A value holding a number that
/// is none of them is undecided: the validator's rules for comparing numbers are its own.
fn one_of(found: bool, value: &Value) -> Answer {
    if found {
        Some(true)
    } else if contains_number(value) {
        None
    } else {
        Some(false)
    }
}

fn contains_number(value: &Value) -> bool {
    match value {
        Value::Number(_) => true,
        Value::Array(items) => items.iter().any(contains_number),
        Value::Object(fields) => fields.values().any(contains_number),
        _ => false,
    }
}

/// `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`.
fn is_label(text: &str) -> bool {
    let bytes = text.as_bytes();
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            alnum(first) && alnum(last) && bytes.iter().all(|b| alnum(b) || *b == b'-')
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::sync::OnceLock;

    use proptest::prelude::*;

    use super::*;
    use crate::model::resource::{Classified, classify};
    use crate::schemas;
    use crate::yaml::{DocumentReader, Limits};

    /// What `jsonschema` says, as `schema::check` asks it.
    fn validator_says(release: Release, kind: Kind, value: &Value) -> bool {
        schemas::validator(release, kind).is_valid(&super::super::without_nulls(value))
    }

    fn files(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
        entries.sort_by_key(|e| e.path());
        for entry in entries {
            let path = entry.path();
            if path.is_dir() {
                files(&path, out);
            } else if path
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
            {
                out.push(path);
            }
        }
    }

    /// Every Flink resource of every fixture (List items unwrapped), with its kind.
    fn fixture_resources() -> Vec<(Kind, Value)> {
        let mut paths = Vec::new();
        files(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
            &mut paths,
        );
        let mut out = Vec::new();
        for path in paths {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            for doc in DocumentReader::new(&text, Limits::default()).flatten() {
                let items = match doc.value.get("items").and_then(Value::as_array) {
                    Some(items) if doc.value["kind"] == "List" => items.clone(),
                    _ => vec![doc.value],
                };
                for item in items {
                    if let Classified::Flink(resource) = classify(&item) {
                        out.push((resource.kind, item.clone()));
                    }
                }
            }
        }
        out
    }

    /// The walk's answer, held to the validator's; and where the walk says nothing is pruned,
    /// held to the unknown-field walk finding nothing. Whether it said so.
    fn agree_pruning(release: Release, kind: Kind, value: &Value) -> (Answer, bool) {
        let walked = walk(release, kind, value);
        if let Some(valid) = walked.answer {
            assert_eq!(
                valid,
                validator_says(release, kind, value),
                "{release} {kind}: the walk says {valid} for {value}"
            );
        }
        let clean = walked.prunes_nothing();
        if clean {
            if let Classified::Flink(resource) = classify(value) {
                assert_eq!(
                    super::super::unknown_fields(resource, release),
                    Vec::new(),
                    "{release} {kind}: the walk says nothing is pruned from {value}"
                );
            }
        }
        (walked.answer, clean)
    }

    fn agree(release: Release, kind: Kind, value: &Value) -> Answer {
        agree_pruning(release, kind, value).0
    }

    #[test]
    fn the_walk_agrees_with_jsonschema_on_every_fixture_at_every_release() {
        let resources = fixture_resources();
        assert!(resources.len() > 250, "{} resources", resources.len());
        let (mut decided, mut valid, mut asked, mut clean, mut pruned) = (0, 0, 0, 0, 0);
        for (kind, value) in &resources {
            for release in Release::ALL
                .into_iter()
                .filter(|&r| schemas::serves(r, *kind))
            {
                asked += 1;
                let (walk, prunes_nothing) = agree_pruning(release, *kind, value);
                clean += usize::from(prunes_nothing);
                if let Classified::Flink(resource) = classify(value) {
                    pruned +=
                        usize::from(!super::super::unknown_fields(resource, release).is_empty());
                }
                if walk.is_none() {
                    eprintln!("undecided at {release}: {}", value["metadata"]);
                }
                decided += usize::from(walk.is_some());
                valid += usize::from(walk == Some(true));
            }
        }
        // The fast path must be the path: undecided are only numbers off an enum and `2.0`
        // where an integer belongs, which the fixtures hold to show the validator's messages.
        assert!(decided * 100 >= asked * 99, "{decided} of {asked} decided");
        assert!(valid * 2 > asked, "{valid} of {asked} valid");
        // The second walk is skipped for most documents, and the fixtures that show unknown
        // fields (and releases that lack newer fields) are among those it is not skipped for.
        assert!(clean * 2 > asked, "{clean} of {asked} clean");
        assert!(
            pruned > 20 && clean + pruned <= asked,
            "{pruned} of {asked} pruned"
        );
    }

    #[test]
    fn names_are_held_to_dns_1123_as_the_pattern_says() {
        let base = fixture_resources()
            .into_iter()
            .find(|(k, _)| *k == Kind::FlinkDeployment)
            .unwrap()
            .1;
        for name in [
            "a",
            "a-b",
            "a.b",
            "0",
            "-a",
            "a-",
            "A",
            "a..b",
            "a.",
            ".a",
            "",
            "a\n",
            "a_b",
            "é",
            &"a".repeat(63),
            &"a".repeat(64),
            &"a".repeat(253),
            &"a".repeat(254),
        ] {
            for field in ["name", "namespace"] {
                let mut value = base.clone();
                value["metadata"][field] = Value::String(name.to_owned());
                for release in Release::ALL {
                    assert!(
                        agree(release, Kind::FlinkDeployment, &value).is_some(),
                        "{field} {name:?} undecided"
                    );
                }
            }
        }
    }

    /// Values to put anywhere in a document.
    fn replacement() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            Just(serde_json::json!(2.0)),
            Just(serde_json::json!(1.5)),
            "[a-zA-Z0-9.\\-_ \n]{0,12}".prop_map(Value::String),
            Just(serde_json::json!("savepoint")),
            Just(serde_json::json!("running")),
            Just(serde_json::json!("v1_20")),
            Just(serde_json::json!({})),
            Just(serde_json::json!([])),
            Just(serde_json::json!({"name": "x"})),
            Just(serde_json::json!([{"name": "x"}])),
        ]
    }

    /// Every pointer into `value`, objects' new keys included.
    fn places(value: &Value, at: String, out: &mut Vec<String>) {
        match value {
            Value::Object(fields) => {
                out.push(format!("{at}/newField"));
                for (k, v) in fields {
                    let child = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                    out.push(child.clone());
                    places(v, child, out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    let child = format!("{at}/{i}");
                    out.push(child.clone());
                    places(v, child, out);
                }
            }
            _ => {}
        }
    }

    fn set(value: &mut Value, pointer: &str, new: Value) {
        let (parent, last) = pointer.rsplit_once('/').unwrap();
        let last = last.replace("~1", "/").replace("~0", "~");
        match value.pointer_mut(parent) {
            Some(Value::Object(fields)) => {
                fields.insert(last, new);
            }
            Some(Value::Array(items)) => {
                if let Ok(i) = last.parse::<usize>() {
                    items[i] = new;
                }
            }
            _ => {}
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// One to three values changed anywhere in a fixture: the walk says what jsonschema says,
        /// or leaves it to it.
        #[test]
        fn the_walk_agrees_with_jsonschema_on_mutated_fixtures(
            pick in any::<prop::sample::Index>(),
            edits in prop::collection::vec((any::<prop::sample::Index>(), replacement()), 1..4),
            release in prop::sample::select(Release::ALL.to_vec()),
        ) {
            let resources = fixture_resources_cached();
            let (kind, original) = &resources[pick.index(resources.len())];
            prop_assume!(schemas::serves(release, *kind));
            let mut value = original.clone();
            for (at, new) in edits {
                let mut targets = Vec::new();
                places(&value, String::new(), &mut targets);
                let target = &targets[at.index(targets.len())];
                set(&mut value, target, new);
            }
            agree(release, *kind, &value);
        }
    }

    fn fixture_resources_cached() -> &'static [(Kind, Value)] {
        static CACHE: OnceLock<Vec<(Kind, Value)>> = OnceLock::new();
        CACHE.get_or_init(fixture_resources)
    }
}
