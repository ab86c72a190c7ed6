//! `restore -o velero`: the restore as Velero resource modifiers, one ConfigMap for
//! `velero restore create --resource-modifier-configmap`.
//!
//! Velero brings a resource back as it was saved, minus what it strips before it applies
//! modifiers (`pkg/restore`, `resetMetadataAndStatus`). Each rule makes the rest of our restore
//! form: a merge patch (Velero 1.12.2+) from the object as Velero holds it to the restore form,
//! or, with `--velero-json-patch`, our JSON Patch minus the operations on what Velero already
//! dropped (a `remove` of a missing path fails the rule). Snapshots come back without the status
//! that says where their savepoint is; a rule pins each as the existing savepoint it records.

mod json_patch_rules;
mod merge_patch;

use json_patch::{Patch, PatchOperation};
use serde_json::{Map, Value, json};

use crate::model::kind::Kind;
use crate::model::resource::ResourceId;
use crate::transform::restore::Recorded;
use crate::yaml::to_yaml;

/// What Velero removes from `metadata` before modifiers run (`resetMetadata`), besides `status`.
pub const VELERO_REMOVES: [&str; 10] = [
    "generateName",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "ownerReferences",
    "status",
];

/// The one data key of the ConfigMap.
pub const DATA_KEY: &str = "flink-restore.yaml";

#[derive(Debug, Clone)]
pub struct VeleroOptions {
    /// Velero's namespace, where the ConfigMap must be.
    pub namespace: String,
    pub name: String,
    /// `--velero-json-patch`: JSON Patch rules, for Velero 1.12.0 and 1.12.1.
    pub json_patches: bool,
}

/// The rules, built one resource at a time.
pub struct Modifiers {
    options: VeleroOptions,
    rules: Vec<Value>,
}

impl Modifiers {
    pub fn new(options: VeleroOptions) -> Modifiers {
        Modifiers {
            options,
            rules: Vec::new(),
        }
    }

    /// The rule that makes `restored` of `saved` (whose restore is `patch`) during the restore.
    pub fn resource(
        &mut self,
        id: &ResourceId,
        saved: &Value,
        restored: &Value,
        patch: &Patch,
    ) -> Result<(), String> {
        let patches = if self.options.json_patches {
            let mut ops = Vec::new();
            for op in patch.iter() {
                if let Some(op) = json_patch_operation(op)? {
                    ops.push(op);
                }
            }
            (!ops.is_empty()).then(|| ("patches", Value::Array(ops)))
        } else {
            let before = as_velero_restores_it(saved);
            let after = as_velero_restores_it(restored);
            merge_patch::between(&before, &after)?
                .map(|p| ("mergePatches", json!([{ "patchData": patch_data(&p) }])))
        };
        if let Some((key, patches)) = patches {
            self.push(id, key, patches);
        }
        Ok(())
    }

    /// The rule that makes the snapshot `recorded` the existing savepoint it recorded.
    pub fn pin(&mut self, recorded: &Recorded<'_>) -> Result<(), String> {
        let savepoint = json!({
            "alreadyExists": true,
            "path": recorded.path,
            "disposeOnDelete": false,
        });
        let (key, patches) = if self.options.json_patches {
            let mut ops = Vec::new();
            if recorded.snapshot.is_checkpoint() {
                ops.push(json_patch_rules::operation(
                    "remove",
                    "/spec/checkpoint",
                    None,
                )?);
                ops.push(json_patch_rules::operation(
                    "add",
                    "/spec/savepoint",
                    Some(&savepoint),
                )?);
            } else {
                for (field, value) in savepoint.as_object().into_iter().flatten() {
                    ops.push(json_patch_rules::operation(
                        "add",
                        &format!("/spec/savepoint/{field}"),
                        Some(value),
                    )?);
                }
            }
            ("patches", Value::Array(ops))
        } else {
            let mut spec = Map::new();
            if recorded.snapshot.is_checkpoint() {
                spec.insert("checkpoint".into(), Value::Null);
            }
            spec.insert("savepoint".into(), savepoint);
            (
                "mergePatches",
                json!([{ "patchData": patch_data(&json!({"spec": spec})) }]),
            )
        };
        self.push(&recorded.snapshot.id(), key, patches);
        Ok(())
    }

    fn push(&mut self, id: &ResourceId, key: &str, patches: Value) {
        let mut conditions = json!({
            "groupResource": format!("{}.flink.apache.org", id.kind.plural()),
            "resourceNameRegex": format!("^{}$", regex_escape(&id.name)),
        });
        if let Some(ns) = &id.namespace {
            conditions["namespaces"] = json!([ns]);
        }
        let mut rule = Map::new();
        rule.insert("conditions".into(), conditions);
        rule.insert(key.into(), patches);
        self.rules.push(Value::Object(rule));
    }

    /// The ConfigMap, as YAML.
    pub fn finish(self) -> String {
        let modifiers = json!({"version": "v1", "resourceModifierRules": self.rules});
        let config_map = json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": self.options.name, "namespace": self.options.namespace},
            "data": {DATA_KEY: to_yaml(&modifiers)},
        });
        to_yaml(&config_map)
    }
}

/// `value` as Velero holds it when it applies modifiers: without `status` and server metadata.
pub fn as_velero_restores_it(value: &Value) -> Value {
    let mut out = value.clone();
    if let Some(object) = out.as_object_mut() {
        object.shift_remove("status");
        if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
            for field in VELERO_REMOVES {
                metadata.shift_remove(field);
            }
        }
    }
    out
}

/// Whether Velero has already removed what `path` points at.
fn removed_by_velero(path: &str) -> bool {
    let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    under("/status")
        || VELERO_REMOVES
            .iter()
            .any(|field| under(&format!("/metadata/{field}")))
}

fn json_patch_operation(op: &PatchOperation) -> Result<Option<Value>, String> {
    let path = op.path().to_string();
    if removed_by_velero(&path) {
        return Ok(None);
    }
    match op {
        PatchOperation::Add(add) => {
            json_patch_rules::operation("add", &path, Some(&add.value)).map(Some)
        }
        PatchOperation::Replace(replace) => {
            json_patch_rules::operation("replace", &path, Some(&replace.value)).map(Some)
        }
        PatchOperation::Remove(_) => json_patch_rules::operation("remove", &path, None).map(Some),
        other => Err(format!(
            "the restore's operation {} has no Velero form",
            serde_json::to_string(other).unwrap_or_default()
        )),
    }
}

/// A merge patch as `patchData`: JSON, which Velero reads as YAML (JSON is YAML, and its quoted
/// strings stay strings), over several lines so it is written as a readable block.
fn patch_data(patch: &Value) -> String {
    let mut text = serde_json::to_string_pretty(patch).unwrap_or_default();
    text.push('\n');
    text
}

/// `name` matched literally by Go's regexp.
fn regex_escape(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() && c != '-' && c != '_' {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// What to run, and what to leave out of the Velero restore, for stderr.
pub fn advice(
    options: &VeleroOptions,
    kinds: &[Kind],
    ha: &[(Option<String>, String)],
    unrecorded: &[String],
) -> Vec<String> {
    let mut notes = vec![format!(
        "apply this ConfigMap (kubectl apply -f FILE), then restore with `velero restore create \
         --from-backup BACKUP --resource-modifier-configmap {}`; {}",
        options.name,
        if options.json_patches {
            "JSON Patch rules work with Velero 1.12.0 and later"
        } else {
            "merge patches need Velero 1.12.2 or later (--velero-json-patch for 1.12.0 and 1.12.1)"
        }
    )];
    let mut selector = Vec::new();
    if !ha.is_empty() {
        let clusters: Vec<String> = ha
            .iter()
            .map(|(ns, id)| match ns {
                Some(ns) => format!(
                    "kubectl delete configmap -n {ns} -l app={id},configmap-type=high-availability"
                ),
                None => {
                    format!("kubectl delete configmap -l app={id},configmap-type=high-availability")
                }
            })
            .collect();
        notes.push(format!(
            "Velero restores ConfigMaps before custom resources, and Flink resumes from the \
             latest checkpoint in its HA ConfigMaps instead of the savepoint: leave them out of \
             the restore with the selector below (the operator starts the job as soon as its \
             resource is back, too soon to delete them by hand). To clear them after an earlier \
             restore: {}",
            clusters.join("; ")
        ));
        selector.push("configmap-type notin (high-availability)");
    }
    if kinds.contains(&Kind::FlinkBlueGreenDeployment) {
        notes.push(
            "the blue/green controller recreates its child FlinkDeployments: restored from the \
             backup, they would fight it; leave them out with the selector below"
                .to_owned(),
        );
        selector.push("flink/blue-green-deployment-type notin (BLUE,GREEN)");
    }
    if !unrecorded.is_empty() {
        notes.push(format!(
            "these snapshots record no savepoint, and Velero brings them back without their \
             status, so the operator takes each for a new request and snapshots the restored job \
             again: {}; delete them after the restore if that is not wanted",
            unrecorded.join(", ")
        ));
    }
    if !selector.is_empty() {
        notes.push(format!(
            "add to `velero restore create`: --selector '{}'",
            selector.join(",")
        ));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_only_themselves() {
        assert_eq!(regex_escape("app.v1-x"), r"app\.v1-x");
    }

    #[test]
    fn velero_s_own_cleanup_is_not_repeated() {
        assert!(removed_by_velero("/status"));
        assert!(removed_by_velero("/metadata/ownerReferences/0"));
        assert!(!removed_by_velero("/metadata/annotations"));
        assert!(!removed_by_velero("/metadata/finalizers"));
        assert!(!removed_by_velero("/metadata/managedFields"));
    }
}
