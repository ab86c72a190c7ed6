//! The `backup` command: saved live resources in, the FlinkStateSnapshot manifests that take their
//! savepoints out (or, for older operators, the resource with its savepoint trigger nonce bumped).

pub mod name;
mod precondition;

use serde_json::{Map, Value, json};

use super::inventory::{Inventory, Located, TransformInput, session_jobs_hint};
use crate::model::kind::{API_VERSION, Kind};
use crate::model::resource::Resource;
use crate::model::target::TargetSelector;
use crate::refusal::{Refusal, Refused};
use crate::transform::restore::form::{apply_in_order, cleanup_ops, to_patch};
use json_patch::Patch;

use crate::check::registry::Releases;
use crate::model::operator_config::OperatorConfig;
use crate::model::release::Release;
use crate::model::session_cluster::SessionCluster;

#[derive(Debug, Clone, Default)]
pub struct BackupOptions {
    pub format_type: Option<String>,
    /// Savepoint target directory (`spec.savepoint.path`).
    pub path: Option<String>,
    /// `spec.backoffLimit`; without it, `default_backoff_limit` for the release.
    pub backoff_limit: Option<i64>,
    /// The operator release the snapshots are for.
    pub release: Release,
    pub dispose_on_delete: bool,
    pub labels: Vec<(String, String)>,
    pub checkpoint: bool,
    pub force: bool,
    pub name: Option<String>,
    pub generate_name: bool,
    pub trigger_nonce: bool,
    /// Only these targets; all of them when empty.
    pub targets: Vec<TargetSelector>,
    /// Seconds since the epoch, for default names.
    pub now: i64,
}

/// One manifest to write, and the saved resource (by input document index) it backs up.
#[derive(Debug)]
pub struct Made {
    pub manifest: Value,
    pub target: usize,
    /// For `--trigger-nonce`: the edit of the target that `manifest` is.
    pub edit: Option<Patch>,
}

#[derive(Debug, Default)]
pub struct Plan {
    pub manifests: Vec<Made>,
    /// Warnings and notes for stderr.
    pub notes: Vec<String>,
}

pub fn plan(input: &TransformInput, options: &BackupOptions) -> Result<Plan, Refused> {
    let inventory = Inventory::of(input)?;
    let targets = inventory.select(&options.targets)?;
    let clusters: Vec<&Located<'_>> = inventory
        .resources
        .iter()
        .filter(|r| r.is_session_cluster())
        .collect();
    if targets.is_empty() {
        return Err(Refused::one(Refusal::general(if clusters.is_empty() {
            "the input has no FlinkDeployment with spec.job, FlinkSessionJob or FlinkBlueGreenDeployment to \
             back up; \
             pipe in `kubectl get flinkdeployment NAME -n NAMESPACE -o yaml`"
                .to_owned()
        } else {
            let named: Vec<String> = clusters
                .iter()
                .map(|c| {
                    format!(
                        "{} is a session cluster: it has no job to snapshot; {}",
                        c.resource.located(),
                        session_jobs_hint(&inventory.session_jobs_on(&c.resource))
                    )
                })
                .collect();
            named.join("; ")
        })));
    }
    let mut plan = Plan::default();
    if options.targets.is_empty() {
        for cluster in &clusters {
            plan.notes.push(format!(
                "{} is a session cluster (no spec.job): it has no job to snapshot; back up its FlinkSessionJobs",
                cluster.resource.id()
            ));
        }
    }
    if options.name.is_some() && targets.len() > 1 {
        return Err(Refused::one(Refusal::general(format!(
            "--name names one snapshot, but the input has {} targets; drop --name to name each \
             after its target, or choose one with --target",
            targets.len()
        ))));
    }
    if options.force {
        plan.notes
            .push("--force: not checking that the job is RUNNING and its JobManager READY".into());
    }
    if options.dispose_on_delete && !options.trigger_nonce {
        plan.notes.push(
            "--dispose-on-delete: deleting the FlinkStateSnapshot will delete the savepoint data too".into(),
        );
    }
    if options.checkpoint && !options.trigger_nonce {
        plan.notes.push(
            "--checkpoint: Flink owns checkpoint data and may delete it at any time; a savepoint is the durable backup".into(),
        );
    }

    let mut refusals = Vec::new();
    let mut ready = Vec::new();
    for target in &targets {
        let resource = &target.resource;
        if let Some(conflict) = inventory.conflict(resource) {
            refusals.push(conflict);
            continue;
        }
        let cluster = inventory
            .cluster_of(resource)
            .filter(|_| resource.kind == Kind::FlinkSessionJob)
            .map(|c| c.resource);
        // A blue/green deployment's job is its active child's: the snapshot names that child.
        let mut job = (
            resource.kind,
            resource.name().unwrap_or_default().to_owned(),
        );
        if resource.kind == Kind::FlinkBlueGreenDeployment {
            if options.trigger_nonce {
                refusals.push(Refusal::about(
                    resource,
                    "a blue/green deployment (operator 1.14+) is backed up with a \
                     FlinkStateSnapshot of its active child: drop --trigger-nonce"
                        .to_owned(),
                ));
                continue;
            }
            let child = |name: &str| {
                inventory
                    .deployment_named(name, resource.namespace())
                    .map(|c| c.resource)
            };
            match precondition::active_child(resource, child, options.force) {
                Ok((child, note)) => {
                    plan.notes
                        .extend(note.map(|n| format!("{}: {n}", resource.id())));
                    job = (Kind::FlinkDeployment, child);
                }
                Err(why) => {
                    refusals.push(Refusal::about(resource, why));
                    continue;
                }
            }
        } else if !options.force {
            if let Some(why) = precondition::not_ready(resource, cluster.as_ref()) {
                refusals.push(Refusal::about(resource, why));
                continue;
            }
        }
        if let Some(parent) = target.blue_green_parent() {
            plan.notes.push(format!(
                "{}: a child of the FlinkBlueGreenDeployment {parent}, which is not in the input: \
                 its snapshot restores {parent} whichever child is active then",
                resource.id()
            ));
        }
        if resource.kind == Kind::FlinkSessionJob && !options.trigger_nonce {
            let session = cluster
                .as_ref()
                .and_then(|c| SessionCluster::of(*c, &OperatorConfig::stock()));
            if let Some(note) =
                crate::check::session_job_savepoint_dir_note(*resource, session.as_ref())
            {
                plan.notes.push(format!("{}: {note}", resource.id()));
            }
        }
        let manifest = if options.trigger_nonce {
            trigger_nonce_form(resource).map(|(m, patch)| (m, Some(patch)))
        } else {
            snapshot_manifest(resource, (job.0, &job.1), options).map(|m| (m, None))
        };
        match manifest {
            Ok((m, edit)) => {
                ready.push(TargetSelector::of(resource).to_string());
                plan.manifests.push(Made {
                    manifest: m,
                    target: target.index,
                    edit,
                });
            }
            Err(why) => refusals.push(Refusal::about(resource, why)),
        }
    }
    if !refusals.is_empty() {
        if !ready.is_empty() && options.targets.is_empty() {
            refusals.push(Refusal::general(format!(
                "nothing was written; the targets that are ready can be backed up alone with {}",
                ready.join(" ")
            )));
        }
        return Err(Refused(refusals));
    }
    Ok(plan)
}

/// Retries a snapshot gets unless `--backoff-limit` says otherwise. Operators 1.10 to 1.15 fail
/// a snapshot at its first error when `backoffLimit` is unset or -1 (FLINK-39967); three retries
/// ride out a transient error (a JobManager restart, a slow or throttled object store) without
/// retrying a savepoint that cannot succeed for long.
pub fn default_backoff_limit(release: Release) -> Option<i64> {
    Releases::UP_TO_1_15.contains(release).then_some(3)
}

/// The FlinkStateSnapshot of the seed's step 2, of the job `job` (kind and name) runs.
fn snapshot_manifest(
    target: &Resource<'_>,
    job: (Kind, &str),
    options: &BackupOptions,
) -> Result<Value, String> {
    target.name().ok_or("has no metadata.name")?;
    let (job_kind, target_name) = job;
    let mut metadata = Map::new();
    if options.generate_name {
        metadata.insert("generateName".into(), json!(name::prefix(target_name)));
    } else {
        let name = options
            .name
            .clone()
            .unwrap_or_else(|| name::snapshot_name(target_name, options.now));
        metadata.insert("name".into(), json!(name));
    }
    if let Some(ns) = target.namespace() {
        metadata.insert("namespace".into(), json!(ns));
    }
    if !options.labels.is_empty() {
        let labels: Map<String, Value> = options
            .labels
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        metadata.insert("labels".into(), Value::Object(labels));
    }
    let mut spec = Map::new();
    if let Some(limit) = options
        .backoff_limit
        .or_else(|| default_backoff_limit(options.release))
    {
        spec.insert("backoffLimit".into(), json!(limit));
    }
    spec.insert(
        "jobReference".into(),
        json!({"kind": job_kind.name(), "name": target_name}),
    );
    if options.checkpoint {
        spec.insert("checkpoint".into(), json!({}));
    } else {
        // disposeOnDelete is written out: the operator's default (true) deletes the savepoint data
        // together with the snapshot resource.
        let mut savepoint = Map::new();
        savepoint.insert("alreadyExists".into(), json!(false));
        savepoint.insert("disposeOnDelete".into(), json!(options.dispose_on_delete));
        if let Some(format) = &options.format_type {
            savepoint.insert("formatType".into(), json!(format));
        }
        if let Some(path) = &options.path {
            savepoint.insert("path".into(), json!(path));
        }
        spec.insert("savepoint".into(), Value::Object(savepoint));
    }
    Ok(json!({
        "apiVersion": API_VERSION,
        "kind": Kind::FlinkStateSnapshot.name(),
        "metadata": metadata,
        "spec": spec,
    }))
}

/// IBM Event Processing 1.2's procedure, for operators without snapshot resources: bump
/// `savepointTriggerNonce` so the operator takes a savepoint on apply.
fn trigger_nonce_form(target: &Resource<'_>) -> Result<(Value, Patch), String> {
    let job = target.job().ok_or("has no spec.job")?;
    let previous = job
        .get("savepointTriggerNonce")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let mut ops = cleanup_ops(target.kind, target.value);
    ops.push(json!({"op": "add", "path": "/spec/job/upgradeMode", "value": "savepoint"}));
    ops.push(json!({"op": "add", "path": "/spec/job/state", "value": "running"}));
    ops.push(json!({"op": "add", "path": "/spec/job/savepointTriggerNonce", "value": previous.saturating_add(1)}));
    let patch = to_patch(ops);
    let mut out = target.value.clone();
    apply_in_order(&mut out, &patch)?;
    Ok((out, patch))
}
