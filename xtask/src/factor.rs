//! Moves repeated subtrees into `$defs`: FlinkDeployment holds the pod template schema three times.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

/// Subtrees smaller than this stay inline: a `$ref` would save little and read worse.
const MIN_BYTES: usize = 400;

pub fn factor_repeated_subtrees(root: &mut Value, defs: &mut Map<String, Value>) {
    let mut counts: HashMap<String, usize> = HashMap::new();
    count_schemas(root, &mut counts);
    let mut names: HashMap<String, String> = HashMap::new();
    replace(root, "", &counts, &mut names, defs, true);
    inline_single_use(root, defs);
}

/// Visits every schema position (property values, items, additionalProperties, combinators).
fn for_each_child_schema(node: &mut Value, mut f: impl FnMut(&str, &mut Value)) {
    let Some(obj) = node.as_object_mut() else {
        return;
    };
    for (key, value) in obj.iter_mut() {
        match key.as_str() {
            "properties" => {
                if let Some(props) = value.as_object_mut() {
                    for (name, schema) in props.iter_mut() {
                        f(name, schema);
                    }
                }
            }
            "items" | "additionalProperties" if value.is_object() => f(key, value),
            "anyOf" | "allOf" | "oneOf" => {
                if let Some(list) = value.as_array_mut() {
                    for schema in list {
                        f(key, schema);
                    }
                }
            }
            _ => {}
        }
    }
}

fn count_schemas(node: &mut Value, counts: &mut HashMap<String, usize>) {
    for_each_child_schema(node, |_, child| {
        let text = child.to_string();
        if text.len() >= MIN_BYTES {
            *counts.entry(text).or_default() += 1;
        }
        count_schemas(child, counts);
    });
}

fn replace(
    node: &mut Value,
    name: &str,
    counts: &HashMap<String, usize>,
    names: &mut HashMap<String, String>,
    defs: &mut Map<String, Value>,
    is_root: bool,
) {
    if !is_root {
        let text = node.to_string();
        if counts.get(&text).copied().unwrap_or(0) >= 2 {
            let def_name = match names.get(&text) {
                Some(existing) => existing.clone(),
                None => {
                    let def_name = unique_name(name, defs);
                    names.insert(text, def_name.clone());
                    let mut body = node.clone();
                    replace_children(&mut body, name, counts, names, defs);
                    defs.insert(def_name.clone(), body);
                    def_name
                }
            };
            *node = json!({ "$ref": format!("#/$defs/{def_name}") });
            return;
        }
    }
    replace_children(node, name, counts, names, defs);
}

fn replace_children(
    node: &mut Value,
    name: &str,
    counts: &HashMap<String, usize>,
    names: &mut HashMap<String, String>,
    defs: &mut Map<String, Value>,
) {
    for_each_child_schema(node, |child_name, child| {
        // `containers.items` reads better as `containersItem` than as `items`.
        let hint = match child_name {
            "items" | "additionalProperties" | "anyOf" | "allOf" | "oneOf" => {
                format!("{name}Item")
            }
            _ => child_name.to_owned(),
        };
        replace(child, &hint, counts, names, defs, false);
    });
}

fn unique_name(hint: &str, defs: &Map<String, Value>) -> String {
    let mut base: String = hint.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if base.is_empty() {
        base = "schema".into();
    }
    let mut candidate = base.clone();
    let mut n = 2;
    while defs.contains_key(&candidate) {
        candidate = format!("{base}{n}");
        n += 1;
    }
    candidate
}

/// A def that ended up referenced once (its copies collapsed into one outer def) goes back inline.
fn inline_single_use(root: &mut Value, defs: &mut Map<String, Value>) {
    loop {
        let mut refs: HashMap<String, usize> = HashMap::new();
        count_refs(root, &mut refs);
        for def in defs.values() {
            count_refs(def, &mut refs);
        }
        let Some(single) = defs
            .keys()
            .find(|name| refs.get(*name).copied() == Some(1) && *name != "ObjectMeta")
            .cloned()
        else {
            return;
        };
        let body = defs.shift_remove(&single).unwrap_or_default();
        let target = format!("#/$defs/{single}");
        inline_ref(root, &target, &body);
        for def in defs.values_mut() {
            inline_ref(def, &target, &body);
        }
    }
}

fn count_refs(node: &Value, refs: &mut HashMap<String, usize>) {
    match node {
        Value::Object(obj) => {
            if let Some(name) = obj
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
            {
                *refs.entry(name.to_owned()).or_default() += 1;
            }
            obj.values().for_each(|v| count_refs(v, refs));
        }
        Value::Array(a) => a.iter().for_each(|v| count_refs(v, refs)),
        _ => {}
    }
}

fn inline_ref(node: &mut Value, target: &str, body: &Value) {
    match node {
        Value::Object(obj) if obj.get("$ref").and_then(Value::as_str) == Some(target) => {
            *node = body.clone();
        }
        Value::Object(obj) => obj.values_mut().for_each(|v| inline_ref(v, target, body)),
        Value::Array(a) => a.iter_mut().for_each(|v| inline_ref(v, target, body)),
        _ => {}
    }
}
