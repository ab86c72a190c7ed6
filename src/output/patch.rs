//! `-o patch`: the restore as RFC 6902 JSON Patches, the one form every other rendering is made
//! from.

use serde_json::{Value, json};

use crate::transform::restore::Restored;

/// One target gives the bare array (a kustomize `patches:` entry's `patch`); several give
/// `[{"target": {kind, name, namespace}, "patch": [...]}, ...]`, one per resource.
pub fn render(resources: &[Restored]) -> String {
    let value = match resources {
        [one] => serde_json::to_value(&one.patch).unwrap_or_default(),
        many => Value::Array(
            many.iter()
                .map(|r| {
                    let mut target = json!({"kind": r.id.kind.name(), "name": r.id.name});
                    if let Some(ns) = &r.id.namespace {
                        target["namespace"] = Value::String(ns.clone());
                    }
                    json!({"target": target, "patch": r.patch})
                })
                .collect(),
        ),
    };
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}
