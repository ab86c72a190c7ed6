//! The `restore` command: saved resources and snapshots in, resources in their restore form out.
//!
//! The restore is computed once, as a JSON Patch per resource; the YAML and JSON outputs are that
//! patch applied, so `-o patch` and `-o yaml` can never disagree. Everything is indexed by who it
//! is, so the work grows with the input, not with its square.

pub mod form;
pub mod source;

use std::collections::HashSet;

use json_patch::Patch;
use serde_json::Value;

use super::inventory::{Inventory, Located, TransformInput, session_jobs_hint};
use crate::input::Document;
use crate::model::kind::Kind;
use crate::model::resource::ResourceId;
use crate::model::snapshot::Snapshot;
use crate::model::target::TargetSelector;
use crate::refusal::{Refusal, Refused};
use form::{RestoreEdit, cleanup_ops, job_ops, to_patch};
use source::{SourceOptions, choose};

#[derive(Debug, Clone, Default)]
pub struct RestoreOptions {
    pub source: SourceOptions,
    pub allow_non_restored_state: bool,
    pub redeploy: bool,
    /// Only these targets; all of them when empty.
    pub targets: Vec<TargetSelector>,
}

/// One resource of the output, in apply order: the saved resource and the patch that makes its
/// restore form. The restore form itself is made when it is written (`Restored::apply`), so that
/// thousands of them are never held at once.
#[derive(Debug)]
pub struct Restored {
    /// Index of the saved resource in the input documents.
    pub document: usize,
    /// A target in its restore form, rather than a session cluster emitted to be applied first.
    pub is_target: bool,
    pub id: ResourceId,
    pub patch: Patch,
    /// For a session job: the document index of its session cluster, which the gate judges it with.
    pub cluster: Option<usize>,
}

impl Restored {
    /// The restore form: the saved resource (document `self.document` of `documents`) with the
    /// patch applied.
    pub fn apply(&self, documents: &[Document]) -> Result<Value, Refusal> {
        let saved = &documents[self.document];
        let mut value = saved.value.clone();
        form::apply_in_order(&mut value, &self.patch).map_err(|e| Refusal {
            at: Some(format!("{}: {}", saved.origin, self.id)),
            message: format!("cannot apply the restore edit: {e}"),
        })?;
        Ok(value)
    }
}

#[derive(Debug, Default)]
pub struct Plan {
    pub resources: Vec<Restored>,
    /// What was chosen and why, and what to look out for, for stderr.
    pub notes: Vec<String>,
}

pub fn plan(input: &TransformInput, options: &RestoreOptions) -> Result<Plan, Refused> {
    let inventory = Inventory::of(input)?;
    let targets = inventory.select(&options.targets)?;
    if targets.is_empty() {
        return Err(Refused::one(no_targets(&inventory)));
    }
    let snapshot_filter = snapshot_filter(&inventory, &targets, options)?;
    if options.source.savepoint_path.is_some() && targets.len() > 1 {
        let flags: Vec<String> = targets
            .iter()
            .map(|t| TargetSelector::of(&t.resource).to_string())
            .collect();
        return Err(Refused::one(Refusal::general(format!(
            "--savepoint-path names one location, but the input has {} targets; restore one at a \
             time with {}",
            targets.len(),
            flags.join(" or ")
        ))));
    }

    let mut plan = Plan::default();
    let mut refusals = Vec::new();
    let mut emitted_clusters = HashSet::new();
    let mut ready = Vec::new();
    for target in &targets {
        let resource = &target.resource;
        if let Some(conflict) = inventory.conflict(resource) {
            refusals.push(conflict);
            continue;
        }
        let mut snapshots: Vec<&Snapshot> = inventory.snapshots_of(resource);
        // `--snapshot` chooses among the snapshots of the target it refers to, and only there.
        if let Some(name) = snapshot_filter.as_deref() {
            if snapshots.iter().any(|s| s.name() == name) {
                snapshots.retain(|s| s.name() == name);
            }
        }
        let conflicting: Vec<Refusal> = snapshots
            .iter()
            .filter_map(|s| inventory.snapshot_conflict(s))
            .collect();
        if !conflicting.is_empty() {
            refusals.extend(conflicting);
            continue;
        }
        let chosen = match choose(resource, &snapshots, &options.source) {
            Ok(chosen) => chosen,
            Err(why) => {
                let elsewhere = namespace_hint(&inventory, target);
                let at_cluster = cluster_snapshot_hint(&inventory, target);
                refusals.push(Refusal::about(
                    resource,
                    format!("{why}{elsewhere}{at_cluster}"),
                ));
                continue;
            }
        };
        ready.push(TargetSelector::of(resource).to_string());
        // A session job is applied after its session cluster: emit the cluster first, cleaned.
        if resource.kind == Kind::FlinkSessionJob {
            if let Some(cluster) = inventory.cluster_of(resource) {
                if let Some(conflict) = inventory.conflict(&cluster.resource) {
                    refusals.push(conflict);
                    continue;
                }
                if cluster.is_session_cluster() && emitted_clusters.insert(cluster.index) {
                    let ops = cleanup_ops(cluster.resource.kind, cluster.resource.value);
                    plan.resources.push(apply(cluster, ops, false, None));
                }
            }
        }
        plan.notes.push(format!(
            "{}: initialSavepointPath {}, {}",
            resource.id(),
            chosen.path,
            chosen.how
        ));
        plan.notes.extend(
            chosen
                .warnings
                .iter()
                .map(|w| format!("{}: {w}", resource.id())),
        );
        let edit = RestoreEdit {
            savepoint_path: &chosen.path,
            allow_non_restored_state: options.allow_non_restored_state,
            redeploy: options.redeploy,
        };
        let mut ops = cleanup_ops(resource.kind, resource.value);
        ops.extend(job_ops(resource.value, &edit));
        let cluster = inventory
            .cluster_of(resource)
            .filter(|_| resource.kind == Kind::FlinkSessionJob)
            .map(|c| c.index);
        plan.resources.push(apply(target, ops, true, cluster));
    }
    if !refusals.is_empty() {
        if !ready.is_empty() && options.targets.is_empty() {
            refusals.push(Refusal::general(format!(
                "nothing was written; to restore only the targets that are ready, add {}",
                ready.join(" ")
            )));
        }
        return Err(Refused(refusals));
    }
    if !inventory.others.is_empty() {
        let kinds: Vec<String> = inventory
            .others
            .iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect();
        let total: usize = inventory.others.values().sum();
        plan.notes.push(format!(
            "left out {total} object{} that {} not Flink resources ({}): restore writes only the \
             resources to apply",
            if total == 1 { "" } else { "s" },
            if total == 1 { "is" } else { "are" },
            kinds.join(", ")
        ));
    }
    Ok(plan)
}

/// `--snapshot NAME` picks one snapshot for the target it refers to; it must refer to one of the
/// chosen targets.
fn snapshot_filter(
    inventory: &Inventory<'_>,
    targets: &[Located<'_>],
    options: &RestoreOptions,
) -> Result<Option<String>, Refused> {
    let Some(name) = &options.source.snapshot else {
        return Ok(None);
    };
    let named: Vec<&Snapshot> = inventory
        .snapshots
        .iter()
        .filter(|s| s.name() == name)
        .collect();
    if named.is_empty() {
        let known: Vec<String> = inventory
            .snapshots
            .iter()
            .map(|s| format!("{:?}", s.name()))
            .collect();
        return Err(Refused::one(Refusal::general(format!(
            "--snapshot {name}: the input has no FlinkStateSnapshot of that name; it has {}",
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        ))));
    }
    let refers_to_a_target = named
        .iter()
        .any(|s| targets.iter().any(|t| s.refers_to(&t.resource)));
    if !refers_to_a_target {
        let refers: Vec<String> = named
            .iter()
            .map(|s| match s.target_id() {
                Some(id) => format!("{} refers to {id}", s.located()),
                None => format!("{} has no spec.jobReference", s.located()),
            })
            .collect();
        return Err(Refused::one(Refusal::general(format!(
            "--snapshot {name} refers to none of the chosen targets: {}",
            refers.join("; ")
        ))));
    }
    Ok(Some(name.clone()))
}

/// Why there is nothing to restore, from what the input does have.
fn no_targets(inventory: &Inventory<'_>) -> Refusal {
    let snapshots = &inventory.snapshots;
    if snapshots.is_empty() {
        let clusters: Vec<String> = inventory
            .resources
            .iter()
            .filter(|r| r.is_session_cluster())
            .map(|r| {
                format!(
                    "{} is a session cluster with no job of its own",
                    r.resource.located()
                )
            })
            .collect();
        return Refusal::general(if clusters.is_empty() {
            "the input has no FlinkDeployment with spec.job and no FlinkSessionJob to restore; \
             give the saved resource and its snapshot (`kubectl get flinkdeployment,flinkstatesnapshot -n NS -o yaml`)"
                .to_owned()
        } else {
            format!(
                "{}; restore its FlinkSessionJobs (with their snapshots)",
                clusters.join("; ")
            )
        });
    }
    let reasons: Vec<String> = snapshots
        .iter()
        .map(|s| match s.target_id() {
            None => format!("{} has no spec.jobReference", s.located()),
            Some(id) => {
                let deployment = (id.kind == Kind::FlinkDeployment)
                    .then(|| inventory.deployment_named(&id.name, id.namespace.as_deref()))
                    .flatten();
                match deployment {
                    Some(cluster) if cluster.is_session_cluster() => format!(
                        "{} refers to {}, a session cluster: a session cluster has no job to \
                         restore; {}",
                        s.located(),
                        cluster.resource.id(),
                        session_jobs_hint(&inventory.session_jobs_on(&cluster.resource))
                    ),
                    _ => format!(
                        "{} refers to {id}, which is not in the input; add the saved resource \
                         (`kubectl get {} {}{} -o yaml`)",
                        s.located(),
                        id.kind.name().to_ascii_lowercase(),
                        id.name,
                        id.namespace
                            .as_deref()
                            .map(|ns| format!(" -n {ns}"))
                            .unwrap_or_default()
                    ),
                }
            }
        })
        .collect();
    Refusal::general(reasons.join("; "))
}

/// When the only snapshots for a target's kind and name are in another namespace, say exactly that.
fn namespace_hint(inventory: &Inventory<'_>, target: &Located<'_>) -> String {
    let elsewhere = inventory.snapshots_in_other_namespaces(&target.resource);
    if elsewhere.is_empty() {
        return String::new();
    }
    let found: Vec<String> = elsewhere
        .iter()
        .map(|s| {
            format!(
                "{} (namespace {})",
                s.located(),
                s.namespace().unwrap_or("none")
            )
        })
        .collect();
    format!(
        ". Snapshots of the same name in another namespace: {}; it is in namespace {}: a \
         snapshot restores only the resource of its own namespace",
        found.join(", "),
        target.resource.namespace().unwrap_or("none")
    )
}

/// A session job whose snapshots were taken of its session cluster instead: say so.
fn cluster_snapshot_hint(inventory: &Inventory<'_>, job: &Located<'_>) -> String {
    if job.resource.kind != Kind::FlinkSessionJob {
        return String::new();
    }
    let Some(cluster) = inventory.cluster_of(&job.resource) else {
        return String::new();
    };
    let aimed: Vec<String> = inventory
        .snapshots_of(&cluster.resource)
        .iter()
        .map(|s| s.located())
        .collect();
    if aimed.is_empty() {
        return String::new();
    }
    format!(
        ". {} refer{} to its session cluster {}: a session cluster has no job to restore; a \
         session job's snapshot names it (spec.jobReference kind FlinkSessionJob, name {})",
        aimed.join(", "),
        if aimed.len() == 1 { "s" } else { "" },
        cluster.resource.id(),
        job.resource.name().unwrap_or_default()
    )
}

fn apply(
    located: &Located<'_>,
    ops: Vec<Value>,
    is_target: bool,
    cluster: Option<usize>,
) -> Restored {
    Restored {
        document: located.index,
        is_target,
        id: located.resource.id(),
        patch: to_patch(ops),
        cluster,
    }
}
