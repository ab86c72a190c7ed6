//! The restore form, as a JSON Patch against the saved resource: the seed's edit on `spec.job`,
//! and the server-populated fields that must go before the resource can be applied again.

use json_patch::{Patch, PatchOperation};
use serde_json::{Value, json};

use crate::model::kind::Kind;
use crate::model::resource::Resource;
use crate::pointer;

/// Metadata the API server writes; re-applying it fails or pins a stale version.
const SERVER_METADATA: [&str; 9] = [
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "ownerReferences",
];

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

#[derive(Debug, Clone)]
pub struct RestoreEdit<'a> {
    pub savepoint_path: &'a str,
    pub allow_non_restored_state: bool,
    /// Bump `savepointRedeployNonce`, so an existing resource redeploys from the path.
    pub redeploy: bool,
}

/// Operations that make a saved live object appliable again, for any kind.
pub fn cleanup_ops(kind: Kind, value: &Value) -> Vec<Value> {
    let mut ops = Vec::new();
    if value.get("status").is_some() {
        ops.push(remove("/status"));
    }
    let Some(metadata) = value.get("metadata").and_then(Value::as_object) else {
        return ops;
    };
    for field in SERVER_METADATA {
        if metadata.contains_key(field) {
            ops.push(remove(&format!("/metadata/{field}")));
        }
    }
    if let Some(annotations) = metadata.get("annotations").and_then(Value::as_object) {
        if annotations.contains_key(LAST_APPLIED) {
            // An annotations map that held only kubectl's bookkeeping goes with it.
            ops.push(if annotations.len() == 1 {
                remove("/metadata/annotations")
            } else {
                remove(&pointer::join("/metadata/annotations", LAST_APPLIED))
            });
        }
    }
    if let Some(finalizers) = metadata.get("finalizers").and_then(Value::as_array) {
        let operator_finalizer = format!("{}.flink.apache.org/finalizer", kind.plural());
        let ours: Vec<usize> = finalizers
            .iter()
            .enumerate()
            .filter(|(_, f)| f.as_str() == Some(operator_finalizer.as_str()))
            .map(|(i, _)| i)
            .collect();
        if !ours.is_empty() && ours.len() == finalizers.len() {
            ops.push(remove("/metadata/finalizers"));
        } else {
            // Highest index first, so earlier removals do not shift later ones.
            for i in ours.into_iter().rev() {
                ops.push(remove(&format!("/metadata/finalizers/{i}")));
            }
        }
    }
    ops
}

/// The seed's restore edit on the job (`spec.job`; a blue/green deployment's template's, which
/// its controller starts the first child from, and redeploys from when the nonce changes).
pub fn job_ops(resource: &Resource<'_>, edit: &RestoreEdit<'_>) -> Vec<Value> {
    let at = resource.job_at();
    let job = resource.job();
    let has = |field: &str| job.and_then(|j| j.get(field)).is_some();
    let field = |name: &str| format!("{at}/{name}");
    let mut ops = vec![
        add(&field("upgradeMode"), json!("savepoint")),
        add(&field("state"), json!("running")),
        add(&field("initialSavepointPath"), json!(edit.savepoint_path)),
        add(
            &field("allowNonRestoredState"),
            json!(edit.allow_non_restored_state),
        ),
    ];
    // A nonce left in place would trigger a fresh savepoint (or checkpoint) on apply.
    for nonce in ["savepointTriggerNonce", "checkpointTriggerNonce"] {
        if has(nonce) {
            ops.push(remove(&field(nonce)));
        }
    }
    if edit.redeploy {
        let previous = job
            .and_then(|j| j.get("savepointRedeployNonce"))
            .and_then(Value::as_i64)
            .unwrap_or(0);
        ops.push(add(
            &field("savepointRedeployNonce"),
            json!(previous.saturating_add(1)),
        ));
    }
    ops
}

/// Applies `patch` keeping every mapping's key order: json-patch removes object members with
/// `swap_remove` under serde_json's `preserve_order`, which would reorder the user's manifest.
pub fn apply_in_order(doc: &mut Value, patch: &Patch) -> Result<(), String> {
    for op in patch.iter() {
        match op {
            PatchOperation::Add(add) => {
                let (parent, last) = add.path.split_back().ok_or("cannot add at the root")?;
                let key = last.decoded();
                match doc.pointer_mut(parent.as_str()) {
                    Some(Value::Object(map)) => {
                        map.insert(key.into_owned(), add.value.clone());
                    }
                    Some(Value::Array(items)) => {
                        let at = if key == "-" {
                            items.len()
                        } else {
                            key.parse::<usize>()
                                .map_err(|e| format!("{}: {e}", add.path))?
                        };
                        if at > items.len() {
                            return Err(format!("{}: index out of range", add.path));
                        }
                        items.insert(at, add.value.clone());
                    }
                    _ => return Err(format!("{}: no such parent", add.path)),
                }
            }
            PatchOperation::Remove(remove) => {
                let (parent, last) = remove.path.split_back().ok_or("cannot remove the root")?;
                let key = last.decoded();
                let removed = match doc.pointer_mut(parent.as_str()) {
                    Some(Value::Object(map)) => map.shift_remove(key.as_ref()).is_some(),
                    Some(Value::Array(items)) => match key.parse::<usize>() {
                        Ok(i) if i < items.len() => {
                            items.remove(i);
                            true
                        }
                        _ => false,
                    },
                    _ => false,
                };
                if !removed {
                    return Err(format!("{}: nothing to remove", remove.path));
                }
            }
            other => {
                json_patch::patch(doc, std::slice::from_ref(other)).map_err(|e| e.to_string())?
            }
        }
    }
    Ok(())
}

pub fn to_patch(ops: Vec<Value>) -> Patch {
    serde_json::from_value(Value::Array(ops)).expect("operations are built as valid RFC 6902 JSON")
}

fn add(path: &str, value: Value) -> Value {
    json!({"op": "add", "path": path, "value": value})
}

fn remove(path: &str) -> Value {
    json!({"op": "remove", "path": path})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleanup_keeps_foreign_finalizers() {
        let saved = json!({
            "metadata": {
                "name": "app",
                "uid": "123",
                "finalizers": ["other/finalizer", "flinkdeployments.flink.apache.org/finalizer"],
                "annotations": {LAST_APPLIED: "{}", "keep": "me"}
            },
            "status": {}
        });
        let mut restored = saved.clone();
        apply_in_order(
            &mut restored,
            &to_patch(cleanup_ops(Kind::FlinkDeployment, &saved)),
        )
        .unwrap();
        assert_eq!(
            restored,
            json!({"metadata": {"name": "app", "finalizers": ["other/finalizer"], "annotations": {"keep": "me"}}})
        );
    }

    #[test]
    fn removals_keep_key_order() {
        let saved =
            json!({"metadata": {"generation": 1, "name": "a", "namespace": "n", "uid": "u"}});
        let mut restored = saved.clone();
        apply_in_order(
            &mut restored,
            &to_patch(cleanup_ops(Kind::FlinkDeployment, &saved)),
        )
        .unwrap();
        let keys: Vec<&String> = restored["metadata"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["name", "namespace"]);
    }

    #[test]
    fn redeploy_bumps_the_nonce() {
        let saved =
            json!({"spec": {"job": {"savepointRedeployNonce": 4, "savepointTriggerNonce": 7}}});
        let edit = RestoreEdit {
            savepoint_path: "s3://b/sp-1",
            allow_non_restored_state: false,
            redeploy: true,
        };
        let resource = Resource {
            kind: Kind::FlinkDeployment,
            value: &saved,
            origin: None,
        };
        let mut restored = saved.clone();
        apply_in_order(&mut restored, &to_patch(job_ops(&resource, &edit))).unwrap();
        assert_eq!(
            restored,
            json!({"spec": {"job": {
                "savepointRedeployNonce": 5,
                "upgradeMode": "savepoint",
                "state": "running",
                "initialSavepointPath": "s3://b/sp-1",
                "allowNonRestoredState": false
            }}})
        );
    }
}
