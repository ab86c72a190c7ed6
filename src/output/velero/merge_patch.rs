//! RFC 7386 merge patches: the smallest patch that turns one object into another, proven by
//! applying it.

use serde_json::{Map, Value};

/// The merge patch from `before` to `after`, `None` when they are equal.
///
/// A merge patch cannot set a member to `null` (null deletes) and replaces arrays whole; a change
/// it cannot say is refused rather than written wrong.
pub fn between(before: &Value, after: &Value) -> Result<Option<Value>, String> {
    let Some(patch) = diff(before, after) else {
        return Ok(None);
    };
    let mut applied = before.clone();
    json_patch::merge(&mut applied, &patch);
    if applied != *after {
        return Err(
            "the restore sets a value to null, which a merge patch cannot say (null deletes)"
                .to_owned(),
        );
    }
    Ok(Some(patch))
}

fn diff(before: &Value, after: &Value) -> Option<Value> {
    if before == after {
        return None;
    }
    let (Value::Object(old), Value::Object(new)) = (before, after) else {
        return Some(after.clone());
    };
    let mut patch = Map::new();
    // In the order the restore form has them, removals last: the patch reads like the result.
    for (key, value) in new {
        match old.get(key) {
            None => {
                patch.insert(key.clone(), value.clone());
            }
            Some(was) => {
                if let Some(change) = diff(was, value) {
                    patch.insert(key.clone(), change);
                }
            }
        }
    }
    for key in old.keys().filter(|k| !new.contains_key(*k)) {
        patch.insert(key.clone(), Value::Null);
    }
    Some(Value::Object(patch))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sets_changes_and_deletes() {
        let before = json!({"metadata": {"name": "a", "finalizers": ["x", "y"]}, "spec": {"job": {"n": 1, "keep": true}}});
        let after = json!({"metadata": {"name": "a", "finalizers": ["x"]}, "spec": {"job": {"keep": true, "p": "s3://b"}}});
        let patch = between(&before, &after).unwrap().unwrap();
        assert_eq!(
            patch,
            json!({"metadata": {"finalizers": ["x"]}, "spec": {"job": {"p": "s3://b", "n": null}}})
        );
    }

    #[test]
    fn equal_objects_need_no_patch() {
        let v = json!({"a": [1, 2]});
        assert_eq!(between(&v, &v).unwrap(), None);
    }

    #[test]
    fn a_null_it_cannot_write_is_refused() {
        let before = json!({"a": 1});
        let after = json!({"a": 1, "b": {"c": null}});
        assert!(between(&before, &after).is_err());
    }
}
