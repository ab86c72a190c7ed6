//! The `restore` command: saved resources and snapshots in, resources in their restore form out.
//!
//! The restore is computed once, as a JSON Patch per resource; the YAML and JSON outputs are that
//! patch applied, so `-o patch` and `-o yaml` can never disagree.

pub mod form;
pub mod source;

use crate::pointer::Lookup;
use json_patch::Patch;
use serde_json::Value;

use crate::input::Document;
use crate::model::kind::Kind;
use crate::model::resource::{Resource, flink_resources};
use crate::model::snapshot::Snapshot;
use crate::refusal::Refused;
use form::{RestoreEdit, cleanup_ops, job_ops, to_patch};
use source::{SourceOptions, choose, is_target};

#[derive(Debug, Clone)]
pub struct RestoreOptions {
    pub source: SourceOptions,
    pub allow_non_restored_state: bool,
    pub redeploy: bool,
}

/// One resource of the output, in apply order.
#[derive(Debug)]
pub struct Restored {
    /// Index of the saved resource in the input documents.
    pub document: Option<usize>,
    /// A target in its restore form, rather than a session cluster emitted to be applied first.
    pub is_target: bool,
    pub kind: Kind,
    pub name: String,
    pub namespace: Option<String>,
    pub saved: Value,
    pub patch: Patch,
    pub restored: Value,
}

#[derive(Debug, Default)]
pub struct Plan {
    pub resources: Vec<Restored>,
    /// What was chosen and why, for stderr.
    pub notes: Vec<String>,
}

pub fn plan(documents: &[Document], options: &RestoreOptions) -> Result<Plan, Refused> {
    let resources = flink_resources(documents);
    let snapshots: Vec<Snapshot<'_>> = resources.iter().filter_map(|r| Snapshot::of(*r)).collect();
    let targets: Vec<&Resource<'_>> = resources.iter().filter(|r| is_target(r)).collect();
    let clusters: Vec<&Resource<'_>> = resources
        .iter()
        .filter(|r| r.kind == Kind::FlinkDeployment && !is_target(r))
        .collect();

    if targets.is_empty() {
        let why = if snapshots.is_empty() {
            "the input has no FlinkDeployment with spec.job and no FlinkSessionJob to restore"
                .to_owned()
        } else {
            let refs: Vec<String> = snapshots
                .iter()
                .map(|s| match s.job_reference() {
                    Some((kind, name)) => {
                        format!("snapshot {:?} refers to {kind}/{name}", s.name())
                    }
                    None => format!("snapshot {:?} has no spec.jobReference", s.name()),
                })
                .collect();
            format!(
                "{}, which is not in the input; add the saved resource (`kubectl get flinkdeployment NAME -o yaml`)",
                refs.join("; ")
            )
        };
        return Err(Refused(vec![why]));
    }
    if options.source.savepoint_path.is_some() && targets.len() > 1 {
        let names: Vec<String> = targets.iter().map(|t| t.describe()).collect();
        return Err(Refused(vec![format!(
            "--savepoint-path names one location, but the input has {} targets ({}); restore them one at a time",
            targets.len(),
            names.join(", ")
        )]));
    }

    let mut plan = Plan::default();
    let mut refusals = Vec::new();
    let mut emitted_clusters = vec![false; clusters.len()];
    for target in &targets {
        let chosen = match choose(target, &snapshots, &options.source) {
            Ok(c) => c,
            Err(why) => {
                refusals.push(format!("{}: {why}", target.describe()));
                continue;
            }
        };
        if target.job().is_none() {
            refusals.push(format!(
                "{}: has no spec.job to restore; the saved resource is incomplete",
                target.describe()
            ));
            continue;
        }
        // A session job is applied after its session cluster: emit the cluster first, cleaned.
        if target.kind == Kind::FlinkSessionJob {
            let deployment = target
                .value
                .at("/spec/deploymentName")
                .and_then(Value::as_str);
            let found = clusters.iter().position(|c| {
                c.name() == deployment && namespaces_agree(c.namespace(), target.namespace())
            });
            if let Some(i) = found.filter(|&i| !emitted_clusters[i]) {
                emitted_clusters[i] = true;
                let cluster = clusters[i];
                plan.resources.push(apply(
                    documents,
                    cluster,
                    cleanup_ops(cluster.kind, cluster.value),
                )?);
            }
        }
        plan.notes.push(format!(
            "{}: initialSavepointPath {}, {}",
            target.describe(),
            chosen.path,
            chosen.how
        ));
        let edit = RestoreEdit {
            savepoint_path: &chosen.path,
            allow_non_restored_state: options.allow_non_restored_state,
            redeploy: options.redeploy,
        };
        let mut ops = cleanup_ops(target.kind, target.value);
        ops.extend(job_ops(target.value, &edit));
        plan.resources.push(apply(documents, target, ops)?);
    }
    if refusals.is_empty() {
        Ok(plan)
    } else {
        Err(Refused(refusals))
    }
}

fn namespaces_agree(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

fn apply(
    documents: &[Document],
    resource: &Resource<'_>,
    ops: Vec<Value>,
) -> Result<Restored, Refused> {
    // A resource is a view into one of `documents`: find which by address.
    let document = documents
        .iter()
        .position(|d| std::ptr::eq(&d.value, resource.value));
    let patch = to_patch(ops);
    let mut restored = resource.value.clone();
    form::apply_in_order(&mut restored, &patch).map_err(|e| {
        Refused(vec![format!(
            "{}: cannot apply the restore edit: {e}",
            resource.describe()
        )])
    })?;
    Ok(Restored {
        document,
        is_target: is_target(resource),
        kind: resource.kind,
        name: resource.name().unwrap_or_default().to_owned(),
        namespace: resource.namespace().map(str::to_owned),
        saved: resource.value.clone(),
        patch,
        restored,
    })
}

/// `-o patch`: one target gives the bare RFC 6902 array (a kustomize `patches:` entry's `patch`);
/// several give `[{"target": {kind, name, namespace}, "patch": [...]}, ...]`, one per resource.
pub fn patch_output(resources: &[Restored]) -> String {
    let value = match resources {
        [one] => serde_json::to_value(&one.patch).unwrap_or_default(),
        many => Value::Array(
            many.iter()
                .map(|r| {
                    let mut target = serde_json::json!({"kind": r.kind.name(), "name": r.name});
                    if let Some(ns) = &r.namespace {
                        target["namespace"] = Value::String(ns.clone());
                    }
                    serde_json::json!({"target": target, "patch": r.patch})
                })
                .collect(),
        ),
    };
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}
