//! The `backup` command: saved live resources in, the FlinkStateSnapshot manifests that take their
//! savepoints out (or, for older operators, the resource with its savepoint trigger nonce bumped).

pub mod name;
mod precondition;

use crate::pointer::Lookup;
use serde_json::{Map, Value, json};

use crate::input::Document;
use crate::model::kind::{API_VERSION, Kind};
use crate::model::resource::{Resource, flink_resources};
use crate::refusal::Refused;
use crate::transform::restore::form::{apply_in_order, cleanup_ops, to_patch};

#[derive(Debug, Clone, Default)]
pub struct BackupOptions {
    pub format_type: Option<String>,
    /// Savepoint target directory (`spec.savepoint.path`).
    pub path: Option<String>,
    pub backoff_limit: Option<i64>,
    pub dispose_on_delete: bool,
    pub labels: Vec<(String, String)>,
    pub checkpoint: bool,
    pub force: bool,
    pub name: Option<String>,
    pub generate_name: bool,
    pub trigger_nonce: bool,
    /// Seconds since the epoch, for default names.
    pub now: i64,
}

#[derive(Debug, Default)]
pub struct Plan {
    pub manifests: Vec<Value>,
    /// Warnings and notes for stderr.
    pub notes: Vec<String>,
}

pub fn plan(documents: &[Document], options: &BackupOptions) -> Result<Plan, Refused> {
    let resources = flink_resources(documents);
    let mut plan = Plan::default();
    let mut targets = Vec::new();
    for r in &resources {
        match r.kind {
            Kind::FlinkDeployment if r.job().is_none() => plan.notes.push(format!(
                "{} is a session cluster (no spec.job): it has no job to snapshot; back up its FlinkSessionJobs",
                r.describe()
            )),
            Kind::FlinkDeployment | Kind::FlinkSessionJob => targets.push(*r),
            Kind::FlinkStateSnapshot => {}
        }
    }
    if targets.is_empty() {
        return Err(Refused(vec![
            "the input has no FlinkDeployment with spec.job and no FlinkSessionJob to back up; \
             pipe in `kubectl get flinkdeployment NAME -o yaml`"
                .into(),
        ]));
    }
    if options.name.is_some() && targets.len() > 1 {
        return Err(Refused(vec![format!(
            "--name names one snapshot, but the input has {} targets; drop --name to name each after its target",
            targets.len()
        )]));
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
    for target in &targets {
        if !options.force {
            let cluster = session_cluster(target, &resources);
            if let Some(why) = precondition::not_ready(target, cluster.as_ref()) {
                refusals.push(format!("{}: {why}", target.describe()));
                continue;
            }
        }
        let manifest = if options.trigger_nonce {
            trigger_nonce_form(target)
        } else {
            snapshot_manifest(target, options)
        };
        match manifest {
            Ok(m) => plan.manifests.push(m),
            Err(why) => refusals.push(format!("{}: {why}", target.describe())),
        }
    }
    if refusals.is_empty() {
        Ok(plan)
    } else {
        Err(Refused(refusals))
    }
}

fn session_cluster<'a>(job: &Resource<'a>, resources: &[Resource<'a>]) -> Option<Resource<'a>> {
    if job.kind != Kind::FlinkSessionJob {
        return None;
    }
    let deployment = job
        .value
        .at("/spec/deploymentName")
        .and_then(Value::as_str)?;
    resources.iter().copied().find(|r| {
        r.kind == Kind::FlinkDeployment
            && r.name() == Some(deployment)
            && (r.namespace().is_none()
                || job.namespace().is_none()
                || r.namespace() == job.namespace())
    })
}

/// The FlinkStateSnapshot of the seed's step 2.
fn snapshot_manifest(target: &Resource<'_>, options: &BackupOptions) -> Result<Value, String> {
    let target_name = target.name().ok_or("has no metadata.name")?;
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
    if let Some(limit) = options.backoff_limit {
        spec.insert("backoffLimit".into(), json!(limit));
    }
    spec.insert(
        "jobReference".into(),
        json!({"kind": target.kind.name(), "name": target_name}),
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
fn trigger_nonce_form(target: &Resource<'_>) -> Result<Value, String> {
    let job = target.job().ok_or("has no spec.job")?;
    let previous = job
        .get("savepointTriggerNonce")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let mut ops = cleanup_ops(target.kind, target.value);
    ops.push(json!({"op": "add", "path": "/spec/job/upgradeMode", "value": "savepoint"}));
    ops.push(json!({"op": "add", "path": "/spec/job/state", "value": "running"}));
    ops.push(json!({"op": "add", "path": "/spec/job/savepointTriggerNonce", "value": previous.saturating_add(1)}));
    let mut out = target.value.clone();
    apply_in_order(&mut out, &to_patch(ops))?;
    Ok(out)
}
