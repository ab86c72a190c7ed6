//! `unknown-field`: fields the API server would prune without a word.
//!
//! The CRDs say nothing like `additionalProperties: false`; instead Kubernetes drops every field
//! its structural schema does not declare, unless `x-kubernetes-preserve-unknown-fields` covers it.
//! This walk mirrors that pruning, so `initialSavepointpath` is caught before it silently vanishes.

use serde_json::{Map, Value};

use super::structural::{self, Additional, Id, Node, Tree};
use crate::check::registry::Rule;
use crate::finding::Problem;
use crate::model::release::Release;
use crate::model::resource::Resource;
use crate::pointer;
use crate::suggest::closest;

pub fn check(resource: Resource<'_>, release: Release) -> Vec<Problem> {
    let tree = structural::of(release, resource.kind);
    let Some(fields) = resource.value.as_object() else {
        return Vec::new();
    };
    let mut walk = Walk {
        tree,
        release,
        path: Vec::new(),
        out: Vec::new(),
    };
    let root = tree.node(Tree::ROOT);
    for (key, value) in fields {
        // The operator writes `status`; what it holds is not the user's to get wrong.
        if key == "status" {
            continue;
        }
        walk.path.push(Segment::Key(key));
        match tree.property(root, key) {
            Some(id) => walk.node(id, value),
            None => walk.unknown(key, root),
        }
        walk.path.pop();
    }
    walk.out
}

/// One step of the path to the current node; the pointer string is built only for a finding.
enum Segment<'v> {
    Key(&'v str),
    Index(usize),
}

struct Walk<'v> {
    tree: &'static Tree,
    release: Release,
    path: Vec<Segment<'v>>,
    out: Vec<Problem>,
}

impl<'v> Walk<'v> {
    fn node(&mut self, id: Id, value: &'v Value) {
        match value {
            Value::Object(fields) => self.object(id, fields),
            Value::Array(items) => {
                if let Some(item) = self.tree.node(id).items {
                    for (i, item_value) in items.iter().enumerate() {
                        self.path.push(Segment::Index(i));
                        self.node(item, item_value);
                        self.path.pop();
                    }
                }
            }
            _ => {}
        }
    }

    fn object(&mut self, id: Id, fields: &'v Map<String, Value>) {
        let schema = self.tree.node(id);
        for (key, value) in fields {
            self.path.push(Segment::Key(key));
            if let Some(property) = self.tree.property(schema, key) {
                self.node(property, value);
            } else if let Additional::Schema(additional) = schema.additional {
                self.node(additional, value);
            } else if schema.prunes_undeclared() {
                self.unknown(key, schema);
            }
            self.path.pop();
        }
    }

    fn pointer(&self) -> String {
        let mut out = String::new();
        for segment in &self.path {
            out.push('/');
            match segment {
                Segment::Key(k) => pointer::push_escaped(&mut out, k),
                Segment::Index(i) => out.push_str(&i.to_string()),
            }
        }
        out
    }

    /// `key`, a field of an object `schema` does not declare.
    fn unknown(&mut self, key: &str, schema: &Node) {
        let hint = self
            .tree
            .declared(schema)
            .and_then(|known| closest(key, known))
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        let message = format!(
            "unknown field `{key}`: the operator {}'s schema does not declare it (a newer \
             release's may: check --operator-version); `kubectl apply` (strict since kubectl \
             1.25) refuses it, and clients that do not validate (Helm 3, Argo CD's default apply, \
             controllers) drop it without a word{hint}",
            self.release
        );
        self.out
            .push(Problem::new(Rule::UnknownField, self.pointer(), message).at_key());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_declared_spelling() {
        let known = ["initialSavepointPath", "upgradeMode", "state"];
        assert_eq!(
            closest("initialSavepointpath", known.into_iter()),
            Some("initialSavepointPath")
        );
        assert_eq!(
            closest("upgradMode", known.into_iter()),
            Some("upgradeMode")
        );
        assert_eq!(closest("something", known.into_iter()), None);
    }
}
