//! `unknown-field`: fields the API server would prune without a word.
//!
//! The CRDs say nothing like `additionalProperties: false`; instead Kubernetes drops every field
//! its structural schema does not declare, unless `x-kubernetes-preserve-unknown-fields` covers it.
//! This walk mirrors that pruning, so `initialSavepointpath` is caught before it silently vanishes.

use serde_json::{Map, Value};

use crate::check::registry::Rule;
use crate::finding::Problem;
use crate::model::release::Release;
use crate::model::resource::Resource;
use crate::pointer;
use crate::schemas;
use crate::suggest::closest;

pub fn check(resource: Resource<'_>, release: Release) -> Vec<Problem> {
    let root = schemas::json(release, resource.kind);
    let Some(fields) = resource.value.as_object() else {
        return Vec::new();
    };
    let mut walk = Walk {
        root,
        release,
        path: Vec::new(),
        out: Vec::new(),
    };
    let properties = root.get("properties").and_then(Value::as_object);
    for (key, value) in fields {
        // The operator writes `status`; what it holds is not the user's to get wrong.
        if key == "status" {
            continue;
        }
        walk.path.push(Segment::Key(key));
        match properties.and_then(|p| p.get(key)) {
            Some(s) => walk.node(s, value),
            None => walk.unknown(key, properties),
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

struct Walk<'s, 'v> {
    root: &'s Value,
    release: Release,
    path: Vec<Segment<'v>>,
    out: Vec<Problem>,
}

impl<'s, 'v> Walk<'s, 'v> {
    fn resolve(&self, mut schema: &'s Value) -> &'s Value {
        while let Some(target) = schema.get("$ref").and_then(Value::as_str) {
            // Generated schemas only refer to `#/$defs/NAME`; `Value::pointer` would allocate.
            let def = target
                .strip_prefix("#/$defs/")
                .and_then(|name| self.root.get("$defs")?.get(name));
            match def {
                Some(s) => schema = s,
                None => break,
            }
        }
        schema
    }

    fn node(&mut self, schema: &'s Value, value: &'v Value) {
        let schema = self.resolve(schema);
        match value {
            Value::Object(fields) => self.object(schema, fields),
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.path.push(Segment::Index(i));
                        self.node(item_schema, item);
                        self.path.pop();
                    }
                }
            }
            _ => {}
        }
    }

    fn object(&mut self, schema: &'s Value, fields: &'v Map<String, Value>) {
        let preserves =
            schema.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
        let properties = schema.get("properties").and_then(Value::as_object);
        let additional = schema.get("additionalProperties");
        let declares_object = schema.get("type").and_then(Value::as_str) == Some("object");
        for (key, value) in fields {
            self.path.push(Segment::Key(key));
            if let Some(s) = properties.and_then(|p| p.get(key)) {
                self.node(s, value);
            } else if let Some(s) = additional.filter(|a| a.is_object()) {
                self.node(s, value);
            } else if !(preserves || additional == Some(&Value::Bool(true)))
                && (properties.is_some() || declares_object)
            {
                self.unknown(key, properties);
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

    fn unknown(&mut self, key: &str, known: Option<&Map<String, Value>>) {
        let hint = known
            .and_then(|k| closest(key, k.keys().map(String::as_str)))
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

/// The declared name a typo most likely meant: same letters in another case, or at most two edits.
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
