#![no_main]
//! splice: for any document and any edits of it, the spliced text reads back as exactly the
//! edited value (key order and digits included), or the splicer declines. Never a wrong text.
//!
//! The first bytes choose the edits (pairs: which node, what to do); the rest is the YAML.

use flink_backup::yaml::{DocumentReader, Edit, splice};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

fuzz_target!(|data: &[u8]| {
    if data.len() < 6 {
        return;
    }
    let (recipe, text) = data.split_at(6);
    let Ok(text) = std::str::from_utf8(text) else { return };
    let Some(Ok(doc)) = DocumentReader::new(text, Default::default()).next() else { return };
    let mut pointers = Vec::new();
    walk(&doc.value, String::new(), &mut pointers);
    if pointers.is_empty() {
        return;
    }
    let values = [json!("s3://b/sp"), json!(true), json!(7), json!("on"), json!("0777"), json!(null)];
    let mut expected = doc.value.clone();
    let mut planned: Vec<(String, Option<Value>)> = Vec::new();
    for pair in recipe.chunks(2) {
        let pointer = &pointers[pair[0] as usize % pointers.len()];
        let value = values[pair[1] as usize % values.len()].clone();
        let (pointer, value) = match pair[1] % 3 {
            0 => (pointer.clone(), None),
            1 => (pointer.clone(), Some(value)),
            _ => (format!("{pointer}/added"), Some(value)),
        };
        if !apply(&mut expected, &pointer, value.clone()) {
            return;
        }
        planned.push((pointer, value));
    }
    let edits: Vec<Edit<'_>> = planned
        .iter()
        .map(|(p, v)| match v {
            Some(v) => Edit::Set(p, v),
            None => Edit::Remove(p),
        })
        .collect();
    if let Ok(out) = splice(text, &edits, &expected) {
        let read = DocumentReader::new(&out, Default::default())
            .next()
            .expect("a document")
            .expect("the spliced text reads");
        assert_eq!(
            serde_json::to_string(&read.value).unwrap(),
            serde_json::to_string(&expected).unwrap(),
            "{out}"
        );
    }
});

fn walk(value: &Value, at: String, out: &mut Vec<String>) {
    if out.len() > 64 {
        return;
    }
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                walk(v, p, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                walk(v, p, out);
            }
        }
        _ => {}
    }
}

/// The edit as the transforms make it: set appends a new key and replaces an old one in place;
/// remove keeps the order of what stays.
fn apply(doc: &mut Value, pointer: &str, value: Option<Value>) -> bool {
    let Some((parent, key)) = pointer.rsplit_once('/') else { return false };
    let key = key.replace("~1", "/").replace("~0", "~");
    match (doc.pointer_mut(parent), value) {
        (Some(Value::Object(map)), Some(v)) => {
            map.insert(key, v);
            true
        }
        (Some(Value::Object(map)), None) => map.shift_remove(&key).is_some(),
        (Some(Value::Array(items)), None) => match key.parse::<usize>() {
            Ok(i) if i < items.len() => {
                items.remove(i);
                true
            }
            _ => false,
        },
        _ => false,
    }
}
