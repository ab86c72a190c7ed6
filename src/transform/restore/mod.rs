//! The `restore` command: saved resources and snapshots in, resources in their restore form out.
//!
//! The restore is computed once, as a JSON Patch per resource; the YAML and JSON outputs are that
//! patch applied, so `-o patch` and `-o yaml` can never disagree. Everything is indexed by who it
//! is, so the work grows with the input, not with its square.

pub mod form;
pub mod hazards;
pub mod relocate;
pub mod source;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use json_patch::Patch;
use serde_json::Value;

use super::inventory::{Inventory, Located, TransformInput, session_jobs_hint};
use crate::input::Document;
use crate::model::blue_green;
use crate::model::kind::Kind;
use crate::model::operator_config::OperatorConfig;
use crate::model::resource::{Resource, ResourceId, namespaces_agree};
use crate::model::snapshot::{Snapshot, SnapshotState};
use crate::model::target::TargetSelector;
use crate::pointer::Lookup;
use crate::refusal::{Refusal, Refused};
use form::{RestoreEdit, apply_in_order, cleanup_ops, job_ops, to_patch};
use hazards::{Allowances, Restoring};
use relocate::Relocation;
use source::{SourceOptions, choose};

#[derive(Debug, Clone, Default)]
pub struct RestoreOptions {
    pub source: SourceOptions,
    pub allow_non_restored_state: bool,
    pub redeploy: bool,
    /// Only these targets; all of them when empty.
    pub targets: Vec<TargetSelector>,
    /// `--namespace`: the restore forms (and the session clusters emitted with them) go into
    /// this namespace: a DR cluster, or a copy beside the original.
    pub namespace: Option<String>,
    /// `--relocate FROM=TO`: the savepoint path and the state directories moved.
    pub relocations: Vec<Relocation>,
    /// `--no-claim`: `NO_CLAIM` written where the configuration would claim the savepoint.
    pub no_claim: bool,
    pub allow: Allowances,
    /// The operator's configuration: its defaults are part of what the restored job runs with.
    pub operator: Arc<OperatorConfig>,
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
pub struct Plan<'a> {
    pub resources: Vec<Restored>,
    /// What was chosen and why, and what to look out for, for stderr.
    pub notes: Vec<String>,
    /// The completed snapshots of the restored targets: the savepoints they record.
    pub recorded: Vec<Recorded<'a>>,
    /// Snapshots of the restored targets that record no savepoint (failed, still running), by
    /// where they were read.
    pub unrecorded: Vec<String>,
    /// The (namespace, cluster id) of each restored deployment that runs with HA on.
    pub ha_clusters: Vec<(Option<String>, String)>,
    /// Saved resources left out of the output: blue/green children, which their controller
    /// makes.
    pub left_out: Vec<ResourceId>,
    /// The `Snapshot::key` of each snapshot in `recorded`, so a snapshot met twice is recorded
    /// once without a linear search.
    recorded_ids: HashSet<(Option<&'a str>, &'a str)>,
}

/// A snapshot that records a savepoint: what makes it that savepoint again when it is restored
/// without its status (by Velero). Borrowed: a restore over many backups records tens of
/// thousands.
#[derive(Debug, Clone, Copy)]
pub struct Recorded<'a> {
    pub snapshot: &'a Snapshot,
    /// The savepoint it records.
    pub path: &'a str,
}

pub fn plan<'a>(input: &'a TransformInput, options: &RestoreOptions) -> Result<Plan<'a>, Refused> {
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
    // The session clusters emitted, in the form they will have: their jobs are judged on them.
    let mut cluster_forms: HashMap<usize, Value> = HashMap::new();
    let mut moves = Moves::new(options);
    let mut ready = Vec::new();
    for target in &targets {
        let resource = &target.resource;
        if let Some(conflict) = inventory.conflict(resource) {
            refusals.push(conflict);
            continue;
        }
        if let Some(parent) = target.blue_green_parent() {
            refusals.push(lone_child(resource, &parent));
            continue;
        }
        let mut snapshots: Vec<&Snapshot> = inventory.snapshots_of(resource);
        record(&snapshots, &mut plan);
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
                    let mut ops = cleanup_ops(cluster.resource.kind, cluster.resource.value);
                    ops.extend(moves.of(&cluster.resource, &mut plan.notes));
                    match restore_form(&cluster.resource, &ops) {
                        Ok(form) => {
                            if options.operator.effective(&form).ha_enabled() {
                                plan.ha_clusters.push((
                                    cluster.resource.namespace().map(str::to_owned),
                                    cluster.resource.name().unwrap_or_default().to_owned(),
                                ));
                            }
                            cluster_forms.insert(cluster.index, form);
                        }
                        Err(refusal) => {
                            refusals.push(refusal);
                            continue;
                        }
                    }
                    plan.resources.push(apply(cluster, ops, false, None));
                }
            }
        }
        let (path, relocated) = match moves.savepoint(&chosen.path) {
            Some(moved) => (moved, true),
            None => (chosen.path.clone(), false),
        };
        plan.notes.push(format!(
            "{}: initialSavepointPath {path}{}, {}",
            resource.id(),
            if relocated {
                format!(" (relocated from {})", chosen.path)
            } else {
                String::new()
            },
            chosen.how
        ));
        plan.notes.extend(
            chosen
                .warnings
                .iter()
                .map(|w| format!("{}: {w}", resource.id())),
        );
        let edit = RestoreEdit {
            savepoint_path: &path,
            allow_non_restored_state: options.allow_non_restored_state,
            redeploy: options.redeploy,
        };
        let mut ops = cleanup_ops(resource.kind, resource.value);
        ops.extend(job_ops(resource, &edit));
        ops.extend(moves.of(resource, &mut plan.notes));
        let mut form = match restore_form(resource, &ops) {
            Ok(form) => form,
            Err(refusal) => {
                refusals.push(refusal);
                continue;
            }
        };
        let cluster = inventory
            .cluster_of(resource)
            .filter(|_| resource.kind == Kind::FlinkSessionJob);
        let cluster_form = cluster.map(|c| cluster_forms.get(&c.index).unwrap_or(c.resource.value));
        let ha_configmaps = inventory.ha_configmaps_of(resource);
        if options.no_claim && resource.kind != Kind::FlinkSessionJob {
            let before = Restoring {
                kind: resource.kind,
                restored: &form,
                cluster: cluster_form,
                savepoint_path: &path,
                relocated,
                ha_configmaps: &ha_configmaps,
            };
            if let Some((claim_ops, note)) = hazards::no_claim_ops(&before, &options.operator) {
                if let Err(why) = apply_in_order(&mut form, &to_patch(claim_ops.clone())) {
                    refusals.push(Refusal::about(resource, why));
                    continue;
                }
                ops.extend(claim_ops);
                plan.notes.push(format!("{}: {note}", resource.id()));
            }
        }
        let restoring = Restoring {
            kind: resource.kind,
            restored: &form,
            cluster: cluster_form,
            savepoint_path: &path,
            relocated,
            ha_configmaps: &ha_configmaps,
        };
        if resource.kind != Kind::FlinkSessionJob
            && hazards::ha_enabled(&restoring, &options.operator)
        {
            let namespace = form.at("/metadata/namespace").and_then(Value::as_str);
            plan.ha_clusters.extend(
                blue_green::cluster_ids(resource)
                    .into_iter()
                    .map(|id| (namespace.map(str::to_owned), id)),
            );
        }
        let found = hazards::check(&restoring, &options.operator, options.allow);
        plan.notes.extend(
            found
                .notes
                .into_iter()
                .map(|n| format!("{}: {n}", resource.id())),
        );
        if !found.refusals.is_empty() {
            refusals.extend(
                found
                    .refusals
                    .into_iter()
                    .map(|(_, why)| Refusal::about(resource, why)),
            );
            continue;
        }
        plan.resources
            .push(apply(target, ops, true, cluster.map(|c| c.index)));
    }
    refusals.extend(moves.unused());
    let restored_parents: HashMap<&str, Vec<Option<&str>>> = plan
        .resources
        .iter()
        .filter(|r| r.id.kind == Kind::FlinkBlueGreenDeployment)
        .fold(HashMap::new(), |mut by_name, r| {
            by_name
                .entry(r.id.name.as_str())
                .or_default()
                .push(r.id.namespace.as_deref());
            by_name
        });
    for child in inventory.children_of_input() {
        let parent = child.blue_green_parent().unwrap_or_default();
        let restored = restored_parents
            .get(parent.as_str())
            .is_some_and(|namespaces| {
                namespaces
                    .iter()
                    .any(|ns| namespaces_agree(*ns, child.resource.namespace()))
            });
        if restored {
            plan.left_out.push(child.resource.id());
            plan.notes.push(format!(
                "left out {}: the blue/green controller of {parent} makes it from the template; \
                 applied by hand it would fight the controller",
                child.resource.id()
            ));
        }
    }
    if options.namespace.is_some() {
        refusals.extend(namespace_collisions(&plan.resources, input));
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
        .copied()
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
            "the input has no FlinkDeployment with spec.job, FlinkSessionJob or FlinkBlueGreenDeployment to \
             restore; \
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

/// A blue/green child without its parent: restored alone it would run outside the controller.
fn lone_child(resource: &Resource<'_>, parent: &str) -> Refusal {
    Refusal::about(
        resource,
        format!(
            "is a child of the FlinkBlueGreenDeployment {parent}, which its controller makes from \
             the parent's template; restored alone it would run outside the controller. Add the \
             saved parent (`kubectl get flinkbluegreendeployment {parent}{} -o yaml`) and restore \
             that: the snapshots of either child restore it",
            resource
                .namespace()
                .map(|ns| format!(" -n {ns}"))
                .unwrap_or_default()
        ),
    )
}

/// The snapshots of a restored target: which record a savepoint, which do not.
fn record<'a>(snapshots: &[&'a Snapshot], plan: &mut Plan<'a>) {
    for &snapshot in snapshots {
        match snapshot.location() {
            Ok(path) if snapshot.state() == Some(SnapshotState::Completed) => {
                if plan.recorded_ids.insert(snapshot.key()) {
                    plan.recorded.push(Recorded { snapshot, path });
                }
            }
            _ => plan.unrecorded.push(format!(
                "{} ({})",
                snapshot.located(),
                snapshot.state_text().unwrap_or("no status")
            )),
        }
    }
}

/// The resource with `ops` made: what the hazards are judged on.
fn restore_form(resource: &Resource<'_>, ops: &[Value]) -> Result<Value, Refusal> {
    let mut form = resource.value.clone();
    apply_in_order(&mut form, &to_patch(ops.to_vec()))
        .map_err(|why| Refusal::about(resource, format!("cannot apply the restore edit: {why}")))?;
    Ok(form)
}

/// `--namespace` and `--relocate`: the operations that move a resource, and which relocations
/// matched anything.
struct Moves<'o> {
    namespace: Option<&'o str>,
    relocations: &'o [Relocation],
    used: Vec<bool>,
}

impl<'o> Moves<'o> {
    fn new(options: &'o RestoreOptions) -> Moves<'o> {
        Moves {
            namespace: options.namespace.as_deref(),
            relocations: &options.relocations,
            used: vec![false; options.relocations.len()],
        }
    }

    fn savepoint(&mut self, path: &str) -> Option<String> {
        let (by, moved) = relocate::first_match(self.relocations, path)?;
        self.used[by] = true;
        Some(moved)
    }

    /// The namespace and the state directories of `resource`, moved; each move noted.
    fn of(&mut self, resource: &Resource<'_>, notes: &mut Vec<String>) -> Vec<Value> {
        let mut ops = Vec::new();
        if let Some(ns) = self.namespace {
            if resource.namespace() != Some(ns) {
                ops.push(
                    serde_json::json!({"op": "add", "path": "/metadata/namespace", "value": ns}),
                );
                notes.push(format!("{}: into namespace {ns}", resource.id()));
            }
        }
        let spec = match resource.deployment_spec() {
            Some(found) => Some(found),
            None => resource.spec().map(|spec| ("/spec", spec)),
        };
        if let Some((at, spec)) = spec {
            let moved = relocate::directories(spec, at, self.relocations);
            for m in &moved {
                self.used[m.by] = true;
                notes.push(format!(
                    "{}: {} relocated from {} to {}",
                    resource.id(),
                    m.key,
                    m.from,
                    m.to
                ));
            }
            ops.extend(relocate::ops(&moved));
        }
        ops
    }

    /// A relocation that moved nothing is a mistake in the command: refuse it.
    fn unused(&self) -> Vec<Refusal> {
        self.relocations
            .iter()
            .zip(&self.used)
            .filter(|(_, used)| !**used)
            .map(|(r, _)| {
                Refusal::general(format!(
                    "--relocate {r} matches neither a savepoint path nor a state directory of \
                     the resources restored: check FROM against the paths above (file:/a, \
                     file:///a and /a are one place)"
                ))
            })
            .collect()
    }
}

/// With `--namespace`, two resources of one kind and name from different namespaces would
/// become one.
fn namespace_collisions(resources: &[Restored], input: &TransformInput) -> Vec<Refusal> {
    let mut seen: HashMap<(Kind, Option<&str>), &ResourceId> = HashMap::new();
    let mut out = Vec::new();
    for r in resources {
        let name = input.documents[r.document]
            .value
            .at("/metadata/name")
            .and_then(Value::as_str);
        match seen.get(&(r.id.kind, name)) {
            Some(first) if first.namespace != r.id.namespace => out.push(Refusal::general(format!(
                "--namespace would put {first} and {} into one namespace under one name: restore \
                 them one at a time (--target), or into different namespaces",
                r.id
            ))),
            _ => {
                seen.insert((r.id.kind, name), &r.id);
            }
        }
    }
    out
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
