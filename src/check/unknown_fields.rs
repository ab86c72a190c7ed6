//! `unknown-field`: fields the API server would prune without a word.
//!
//! The CRDs say nothing like `additionalProperties: false`; instead Kubernetes drops every field
//! its structural schema does not declare, unless `x-kubernetes-preserve-unknown-fields` covers it.
//! This walk mirrors that pruning, so `initialSavepointpath` is caught before it silently vanishes.

use serde_json::{Map, Value};

use crate::finding::{Problem, Severity};
use crate::pointer;
use crate::release::Release;
use crate::resource::Resource;
use crate::schema;

pub const RULE: &str = "unknown-field";

pub fn check(resource: Resource<'_>, release: Release, severity: Severity) -> Vec<Problem> {
    let root = schema::json(release, resource.kind);
    let mut walk = Walk {
        root,
        severity,
        out: Vec::new(),
    };
    let Some(fields) = resource.value.as_object() else {
        return Vec::new();
    };
    let properties = root.get("properties").and_then(Value::as_object);
    let mut path = String::new();
    for (key, value) in fields {
        // The operator writes `status`; what it holds is not the user's to get wrong.
        if key == "status" {
            continue;
        }
        path.clear();
        path.push('/');
        pointer::push_escaped(&mut path, key);
        match properties.and_then(|p| p.get(key)) {
            Some(s) => walk.node(s, value, &mut path),
            None => walk.unknown(&path, key, properties),
        }
    }
    walk.out
}

struct Walk<'s> {
    root: &'s Value,
    severity: Severity,
    out: Vec<Problem>,
}

impl<'s> Walk<'s> {
    fn resolve(&self, mut schema: &'s Value) -> &'s Value {
        while let Some(target) = schema.get("$ref").and_then(Value::as_str) {
            match target.strip_prefix("#").and_then(|p| self.root.pointer(p)) {
                Some(s) => schema = s,
                None => break,
            }
        }
        schema
    }

    /// `path` is the pointer of `value`; it is extended and restored in place, because building a
    /// string per node would cost more than the whole walk.
    fn node(&mut self, schema: &'s Value, value: &Value, path: &mut String) {
        let schema = self.resolve(schema);
        match value {
            Value::Object(fields) => self.object(schema, fields, path),
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    let len = path.len();
                    for (i, item) in items.iter().enumerate() {
                        path.truncate(len);
                        path.push('/');
                        path.push_str(&i.to_string());
                        self.node(item_schema, item, path);
                    }
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }

    fn object(&mut self, schema: &'s Value, fields: &Map<String, Value>, path: &mut String) {
        let preserves =
            schema.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
        let properties = schema.get("properties").and_then(Value::as_object);
        let additional = schema.get("additionalProperties");
        let declares_object = schema.get("type").and_then(Value::as_str) == Some("object");
        let len = path.len();
        for (key, value) in fields {
            path.truncate(len);
            path.push('/');
            pointer::push_escaped(path, key);
            if let Some(s) = properties.and_then(|p| p.get(key)) {
                self.node(s, value, path);
            } else if let Some(s) = additional.filter(|a| a.is_object()) {
                self.node(s, value, path);
            } else if preserves || additional == Some(&Value::Bool(true)) {
                continue;
            } else if properties.is_some() || declares_object {
                self.unknown(path, key, properties);
            }
        }
        path.truncate(len);
    }

    fn unknown(&mut self, path: &str, key: &str, known: Option<&Map<String, Value>>) {
        let hint = known
            .and_then(|k| closest(key, k.keys().map(String::as_str)))
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        let message = format!(
            "unknown field `{key}`: the operator's schema does not declare it, so the API server drops it without a word{hint}"
        );
        let mut problem = Problem::error(RULE, path, message).at_key();
        problem.severity = self.severity;
        self.out.push(problem);
    }
}

/// The declared name a typo most likely meant: same letters in another case, or at most two edits.
fn closest<'k>(key: &str, known: impl Iterator<Item = &'k str>) -> Option<&'k str> {
    let lower = key.to_ascii_lowercase();
    known
        .map(|k| (edit_distance(&lower, &k.to_ascii_lowercase()), k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
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
