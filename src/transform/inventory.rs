//! What a backup or a restore input holds: every Flink resource once, indexed by who it is, the
//! copies that disagree, and what is not Flink at all.
//!
//! A folder of nightly backups holds the same resource several times. Identical copies are one
//! resource; so is a copy that is already the restore form of another (a folder that holds an
//! earlier output). Copies that differ otherwise are a question only the user can answer.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::pointer::Lookup;

use super::restore::form::{self, RestoreEdit};
use crate::input::{Document, Kept, Origin};
use crate::model::blue_green::{self, Colour};
use crate::model::kind::Kind;
use crate::model::resource::{Classified, Resource, ResourceId, classify, namespaces_agree};
use crate::model::snapshot::Snapshot;
use crate::model::target::TargetSelector;
use crate::refusal::{Refusal, Refused};

/// A resource and the index of its document in the input.
#[derive(Debug, Clone, Copy)]
pub struct Located<'a> {
    pub index: usize,
    pub resource: Resource<'a>,
}

impl<'a> Located<'a> {
    /// What a snapshot can refer to, and what backup and restore act on: a FlinkDeployment with a
    /// job (application mode) or a FlinkSessionJob.
    pub fn is_target(&self) -> bool {
        is_target(&self.resource)
    }

    /// A FlinkDeployment without a job: a session cluster.
    pub fn is_session_cluster(&self) -> bool {
        self.resource.kind == Kind::FlinkDeployment && self.resource.job().is_none()
    }

    /// The FlinkBlueGreenDeployment whose controller made this FlinkDeployment.
    pub fn blue_green_parent(&self) -> Option<String> {
        (self.resource.kind == Kind::FlinkDeployment)
            .then(|| blue_green::parent_of(self.resource.value))
            .flatten()
    }
}

/// The cluster id of one of Flink's Kubernetes HA ConfigMaps (`app`, with
/// `configmap-type: high-availability`).
fn ha_configmap_of(value: &Value) -> Option<&str> {
    if value.get("kind").and_then(Value::as_str) != Some("ConfigMap") {
        return None;
    }
    let labels = value.at("/metadata/labels")?;
    (labels.get("configmap-type").and_then(Value::as_str) == Some("high-availability"))
        .then(|| labels.get("app").and_then(Value::as_str))
        .flatten()
}

pub fn is_target(resource: &Resource<'_>) -> bool {
    match resource.kind {
        Kind::FlinkDeployment | Kind::FlinkBlueGreenDeployment => resource.job().is_some(),
        Kind::FlinkSessionJob => true,
        Kind::FlinkStateSnapshot => false,
    }
}

#[derive(Debug)]
pub struct Inventory<'a> {
    /// FlinkDeployments, FlinkSessionJobs and FlinkBlueGreenDeployments, each once (the copy to
    /// act on), in input order.
    pub resources: Vec<Located<'a>>,
    /// FlinkStateSnapshots, each once, in input order.
    pub snapshots: Vec<&'a Snapshot>,
    /// Where each resource that is in the input several times, differently, was read.
    conflicts: HashMap<ResourceId, Vec<Origin>>,
    /// Objects that are not Flink resources, counted by kind.
    pub others: BTreeMap<String, usize>,
    /// Flink's Kubernetes HA ConfigMaps, by (namespace, cluster id): where each was read.
    ha_configmaps: HashMap<(Option<String>, String), Vec<String>>,
    /// Snapshots (by index) by the (kind, name) of the job they refer to.
    snapshots_by_job: HashMap<(Kind, String), Vec<usize>>,
    /// Session clusters and application clusters by name.
    deployments_by_name: HashMap<&'a str, Vec<usize>>,
    /// Session jobs (by index) by the index of the cluster they run on: a refusal that names
    /// every session cluster's jobs looks each list up, not every resource per cluster.
    session_jobs_by_cluster: HashMap<usize, Vec<usize>>,
    /// The FlinkBlueGreenDeployments' namespaces, by name: a child finds its parent by name
    /// (and a child without a namespace may belong to any of them).
    blue_greens: HashMap<&'a str, Vec<Option<&'a str>>>,
}

/// What a transform reads: the documents it acts on, and the snapshots, boiled down as they were
/// read (a backup folder holds many).
#[derive(Debug, Default)]
pub struct TransformInput {
    pub documents: Vec<Document>,
    pub snapshots: Vec<Snapshot>,
}

impl TransformInput {
    /// Keeps `document`, unless it is a snapshot that can be boiled down (one with a duplicate
    /// key stays whole, to be refused with its place).
    pub fn keep(&mut self, document: Document) -> Option<Document> {
        match TransformInput::boil(document) {
            Kept::Whole(document) => Some(document),
            Kept::Boiled(snapshot) => {
                self.snapshots.push(snapshot);
                None
            }
        }
    }

    /// A snapshot boiled down to what a transform reads of it; any other document whole.
    pub fn boil(document: Document) -> Kept<Snapshot> {
        if document.duplicates.is_empty() {
            if let Classified::Flink(r) = classify(&document.value) {
                let located = Resource {
                    origin: Some(&document.origin),
                    ..r
                };
                if let Some(snapshot) = Snapshot::of(&located) {
                    return Kept::Boiled(snapshot);
                }
            }
        }
        Kept::Whole(document)
    }

    /// Documents already in memory (a KRM ResourceList, tests): snapshots boiled down the same way.
    pub fn of(documents: Vec<Document>) -> TransformInput {
        let mut input = TransformInput::default();
        for d in documents {
            if let Some(kept) = input.keep(d) {
                input.documents.push(kept);
            }
        }
        input
    }
}

impl<'a> Inventory<'a> {
    /// Refuses what a transform must not guess at: a Flink document with a duplicate key (which
    /// value would kubectl apply?), and a Flink kind the API server does not serve.
    pub fn of(input: &'a TransformInput) -> Result<Inventory<'a>, Refused> {
        let mut refusals = Vec::new();
        let mut others = BTreeMap::new();
        let mut ha_configmaps = HashMap::new();
        let mut groups: HashMap<ResourceId, Vec<Located<'a>>> = HashMap::new();
        let mut order = Vec::new();
        for (index, doc) in input.documents.iter().enumerate() {
            let resource = match classify(&doc.value) {
                Classified::Flink(r) => Resource {
                    origin: Some(&doc.origin),
                    ..r
                },
                Classified::WrongApiVersion { kind, api_version } => {
                    refusals.push(Refusal {
                        at: Some(doc.origin.to_string()),
                        message: format!(
                            "a {kind} with apiVersion {api_version:?}, which the API server does not \
                             serve: set apiVersion: flink.apache.org/v1beta1, or leave the document out"
                        ),
                    });
                    continue;
                }
                Classified::Other => {
                    let kind = doc
                        .value
                        .get("kind")
                        .and_then(Value::as_str)
                        .unwrap_or("(no kind)");
                    *others.entry(kind.to_owned()).or_insert(0) += 1;
                    if let Some(app) = ha_configmap_of(&doc.value) {
                        let namespace = doc.value.at("/metadata/namespace").and_then(Value::as_str);
                        let name = doc.value.at("/metadata/name").and_then(Value::as_str);
                        ha_configmaps
                            .entry((namespace.map(str::to_owned), app.to_owned()))
                            .or_insert_with(Vec::new)
                            .push(format!(
                                "{}: ConfigMap {}",
                                doc.origin,
                                name.unwrap_or("<unnamed>")
                            ));
                    }
                    continue;
                }
            };
            if let Some(refusal) = duplicate_keys(doc, &resource) {
                refusals.push(refusal);
                continue;
            }
            if resource.kind == Kind::FlinkStateSnapshot {
                // Snapshots come boiled down, in `input.snapshots`.
                continue;
            }
            let located = Located { index, resource };
            let copies = groups.entry(resource.id()).or_default();
            if copies.is_empty() {
                order.push(resource.id());
            }
            copies.push(located);
        }
        if !refusals.is_empty() {
            return Err(Refused(refusals));
        }
        let mut resources = Vec::with_capacity(order.len());
        let mut conflicts = HashMap::new();
        for id in order {
            let copies = groups.remove(&id).expect("every id in order has a group");
            let chosen = match copies.as_slice() {
                [one] => *one,
                many => match one_resource(many) {
                    Some(chosen) => chosen,
                    None => {
                        let places = many
                            .iter()
                            .filter_map(|c| c.resource.origin.cloned())
                            .collect();
                        conflicts.insert(id, places);
                        many[0]
                    }
                },
            };
            resources.push(chosen);
        }
        // Input order, not the order ids were first seen with the chosen copies' positions.
        resources.sort_by_key(|r| r.index);
        let mut deployments_by_name: HashMap<&'a str, Vec<usize>> = HashMap::new();
        let mut blue_greens: HashMap<&'a str, Vec<Option<&'a str>>> = HashMap::new();
        for (i, located) in resources.iter().enumerate() {
            let r = &located.resource;
            match (r.kind, r.name()) {
                (Kind::FlinkDeployment, Some(name)) => {
                    deployments_by_name.entry(name).or_default().push(i);
                }
                (Kind::FlinkBlueGreenDeployment, Some(name)) => {
                    blue_greens.entry(name).or_default().push(r.namespace());
                }
                _ => {}
            }
        }
        let snapshots = one_snapshot_each(&input.snapshots, &mut conflicts);
        let mut snapshots_by_job: HashMap<(Kind, String), Vec<usize>> = HashMap::new();
        for (i, snapshot) in snapshots.iter().enumerate() {
            if let Some(id) = snapshot.target_id() {
                snapshots_by_job
                    .entry((id.kind, id.name))
                    .or_default()
                    .push(i);
            }
        }
        let mut inventory = Inventory {
            resources,
            snapshots,
            conflicts,
            others,
            ha_configmaps,
            snapshots_by_job,
            deployments_by_name,
            session_jobs_by_cluster: HashMap::new(),
            blue_greens,
        };
        for (i, located) in inventory.resources.iter().enumerate() {
            if located.resource.kind == Kind::FlinkSessionJob {
                if let Some(cluster) = inventory.cluster_index(&located.resource) {
                    inventory
                        .session_jobs_by_cluster
                        .entry(cluster)
                        .or_default()
                        .push(i);
                }
            }
        }
        Ok(inventory)
    }

    /// What backup and restore act on: jobs, except the children of a blue/green deployment in
    /// the input, which act through it.
    pub fn targets(&self) -> impl Iterator<Item = &Located<'a>> {
        self.resources
            .iter()
            .filter(|r| r.is_target() && !self.is_child_of_input(r))
    }

    /// A blue/green child whose parent is in the input too.
    pub fn is_child_of_input(&self, located: &Located<'_>) -> bool {
        located.blue_green_parent().is_some_and(|parent| {
            self.blue_greens
                .get(parent.as_str())
                .is_some_and(|namespaces| {
                    namespaces
                        .iter()
                        .any(|ns| namespaces_agree(*ns, located.resource.namespace()))
                })
        })
    }

    /// The blue/green children in the input whose parent is too.
    pub fn children_of_input(&self) -> impl Iterator<Item = &Located<'a>> {
        self.resources.iter().filter(|r| self.is_child_of_input(r))
    }

    /// The snapshots that name `target`'s kind and name (for a blue/green deployment, its
    /// children's), in any namespace.
    fn snapshots_named_for(&self, target: &Resource<'_>) -> impl Iterator<Item = &'a Snapshot> {
        let keys: Vec<(Kind, String)> = match (target.kind, target.name()) {
            (_, None) => Vec::new(),
            (Kind::FlinkBlueGreenDeployment, Some(name)) => Colour::BOTH
                .iter()
                .map(|&c| (Kind::FlinkDeployment, blue_green::child_name(name, c)))
                .collect(),
            (kind, Some(name)) => vec![(kind, name.to_owned())],
        };
        keys.into_iter()
            .filter_map(|key| self.snapshots_by_job.get(&key))
            .flatten()
            .map(|&i| self.snapshots[i])
    }

    /// The snapshots that refer to `target`.
    pub fn snapshots_of(&self, target: &Resource<'_>) -> Vec<&'a Snapshot> {
        self.snapshots_named_for(target)
            .filter(|s| s.refers_to(target))
            .collect()
    }

    /// Snapshots that name `target`'s kind and name but another namespace: the likely mistake.
    pub fn snapshots_in_other_namespaces(&self, target: &Resource<'_>) -> Vec<&'a Snapshot> {
        self.snapshots_named_for(target)
            .filter(|s| !s.refers_to(target))
            .collect()
    }

    /// Where the input holds HA ConfigMaps of the deployment `resource` (a namespace dump, a
    /// Velero backup).
    pub fn ha_configmaps_of(&self, resource: &Resource<'_>) -> Vec<String> {
        let namespace = resource.namespace().map(str::to_owned);
        blue_green::cluster_ids(resource)
            .into_iter()
            .filter_map(|id| self.ha_configmaps.get(&(namespace.clone(), id)))
            .flatten()
            .cloned()
            .collect()
    }

    /// The FlinkDeployment a session job runs on, when the input has it.
    pub fn cluster_of(&self, job: &Resource<'_>) -> Option<&Located<'a>> {
        self.cluster_index(job).map(|i| &self.resources[i])
    }

    fn cluster_index(&self, job: &Resource<'_>) -> Option<usize> {
        let name = job
            .value
            .get("spec")
            .and_then(|s| s.get("deploymentName"))
            .and_then(Value::as_str)?;
        self.deployments_by_name
            .get(name)?
            .iter()
            .copied()
            .find(|&i| namespaces_agree(self.resources[i].resource.namespace(), job.namespace()))
    }

    /// The FlinkDeployment (of any mode) a snapshot or selector names.
    pub fn deployment_named(&self, name: &str, namespace: Option<&str>) -> Option<&Located<'a>> {
        self.deployments_by_name
            .get(name)?
            .iter()
            .map(|&i| &self.resources[i])
            .find(|c| namespaces_agree(c.resource.namespace(), namespace))
    }

    /// The session jobs that run on `cluster`.
    pub fn session_jobs_on(&self, cluster: &Resource<'_>) -> Vec<&Located<'a>> {
        let Some(candidates) = cluster.name().and_then(|n| self.deployments_by_name.get(n)) else {
            return Vec::new();
        };
        candidates
            .iter()
            .filter(|&&i| self.resources[i].resource.value == cluster.value)
            .filter_map(|i| self.session_jobs_by_cluster.get(i))
            .flatten()
            .map(|&j| &self.resources[j])
            .collect()
    }

    /// Why `resource` cannot be acted on: it is in the input several times, differently.
    pub fn conflict(&self, resource: &Resource<'_>) -> Option<Refusal> {
        self.conflict_of(&resource.id(), resource.located())
    }

    /// The same for a snapshot.
    pub fn snapshot_conflict(&self, snapshot: &Snapshot) -> Option<Refusal> {
        self.conflict_of(&snapshot.id(), snapshot.located())
    }

    fn conflict_of(&self, id: &ResourceId, located: String) -> Option<Refusal> {
        let origins = self.conflicts.get(id)?;
        let places: Vec<String> = origins.iter().map(|o| o.to_string()).collect();
        Some(Refusal {
            at: Some(located),
            message: format!(
                "is in the input {} times, and the copies differ ({}); pass only the copy you mean",
                origins.len(),
                places.join(", ")
            ),
        })
    }

    /// The targets the selectors pick, or all of them without selectors.
    pub fn select(&self, selectors: &[TargetSelector]) -> Result<Vec<Located<'a>>, Refused> {
        if selectors.is_empty() {
            return Ok(self.targets().copied().collect());
        }
        let mut refusals = Vec::new();
        for selector in selectors {
            if self.targets().any(|t| selector.matches(&t.resource)) {
                continue;
            }
            let session_cluster = self
                .resources
                .iter()
                .find(|r| r.is_session_cluster() && selector.matches(&r.resource));
            refusals.push(Refusal::general(match session_cluster {
                Some(cluster) => format!(
                    "{selector}: {} is a session cluster: it has no job of its own; {}",
                    cluster.resource.located(),
                    session_jobs_hint(&self.session_jobs_on(&cluster.resource))
                ),
                None => {
                    let known: Vec<String> = self
                        .targets()
                        .map(|t| TargetSelector::of(&t.resource).to_string())
                        .collect();
                    format!(
                        "{selector}: the input has no such FlinkDeployment with spec.job, FlinkSessionJob or \
                         FlinkBlueGreenDeployment; its targets: {}",
                        if known.is_empty() {
                            "none".to_owned()
                        } else {
                            known.join(", ")
                        }
                    )
                }
            }));
        }
        if !refusals.is_empty() {
            return Err(Refused(refusals));
        }
        Ok(self
            .targets()
            .filter(|t| selectors.iter().any(|s| s.matches(&t.resource)))
            .copied()
            .collect())
    }
}

/// "its session jobs are ...; act on those" or "the input has none of its session jobs".
pub fn session_jobs_hint(jobs: &[&Located<'_>]) -> String {
    if jobs.is_empty() {
        "the input has none of its FlinkSessionJobs: add them (`kubectl get flinksessionjob -o yaml`)"
            .to_owned()
    } else {
        let flags: Vec<String> = jobs
            .iter()
            .map(|j| TargetSelector::of(&j.resource).to_string())
            .collect();
        format!(
            "its session jobs are {}: act on those ({})",
            jobs.iter()
                .map(|j| j.resource.id().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            flags.join(" ")
        )
    }
}

/// A refusal when a Flink document has a duplicate key; two objects written one after the other
/// without `---` read as one object whose top-level keys all repeat.
fn duplicate_keys(doc: &Document, resource: &Resource<'_>) -> Option<Refusal> {
    let first = doc.duplicates.first()?;
    let concatenated = doc
        .duplicates
        .iter()
        .any(|d| matches!(d.pointer.as_str(), "/apiVersion" | "/kind"));
    let message = if concatenated {
        format!(
            "line {} starts a second object in the same document (apiVersion and kind repeat): \
             two objects were joined without `---`; put `---` on a line of its own between them",
            first.pos.line
        )
    } else {
        let keys: Vec<String> = doc
            .duplicates
            .iter()
            .map(|d| format!("{} (line {})", d.pointer, d.pos.line))
            .collect();
        format!(
            "has a key twice in one mapping: {}; kubectl refuses the document, and which value \
             was meant cannot be known: delete one of them",
            keys.join(", ")
        )
    };
    Some(Refusal {
        at: Some(resource.located()),
        message,
    })
}

/// Each snapshot once: identical copies are one, copies that differ are a conflict (the first is
/// kept, to be refused if it is used).
fn one_snapshot_each<'a>(
    all: &'a [Snapshot],
    conflicts: &mut HashMap<ResourceId, Vec<Origin>>,
) -> Vec<&'a Snapshot> {
    let mut first_of: HashMap<(Option<&str>, &str), usize> = HashMap::new();
    let mut kept: Vec<&Snapshot> = Vec::new();
    for snapshot in all {
        match first_of.entry(snapshot.key()) {
            Entry::Vacant(slot) => {
                slot.insert(kept.len());
                kept.push(snapshot);
            }
            Entry::Occupied(first) if kept[*first.get()].fingerprint == snapshot.fingerprint => {}
            Entry::Occupied(first) => {
                let places = conflicts.entry(snapshot.id()).or_default();
                if places.is_empty() {
                    places.extend(kept[*first.get()].origin.clone());
                }
                places.extend(snapshot.origin.clone());
            }
        }
    }
    kept
}

/// The copy to act on when every copy is the same resource: identical, or the same once each is
/// in its restore form. The one saved from the cluster (with a status) is preferred.
fn one_resource<'a>(copies: &[Located<'a>]) -> Option<Located<'a>> {
    let first = copies[0].resource;
    let all_identical = copies[1..].iter().all(|c| c.resource.value == first.value);
    if !all_identical {
        let normal = |r: &Resource<'_>| normalized(r);
        let reference = normal(&first)?;
        if !copies[1..]
            .iter()
            .all(|c| normal(&c.resource).as_ref() == Some(&reference))
        {
            return None;
        }
    }
    Some(
        *copies
            .iter()
            .find(|c| c.resource.status().is_some())
            .unwrap_or(&copies[0]),
    )
}

/// A target or cluster as its restore form would be, whatever the savepoint: what two copies must
/// agree on to be the same resource. Snapshots have no such form: only identical copies agree.
fn normalized(resource: &Resource<'_>) -> Option<Value> {
    if resource.kind == Kind::FlinkStateSnapshot {
        return None;
    }
    let mut ops = form::cleanup_ops(resource.kind, resource.value);
    if is_target(resource) {
        let edit = RestoreEdit {
            savepoint_path: "",
            allow_non_restored_state: true,
            redeploy: false,
        };
        ops.extend(form::job_ops(resource, &edit));
    }
    let mut value = resource.value.clone();
    form::apply_in_order(&mut value, &form::to_patch(ops)).ok()?;
    // A restore with --redeploy raised this nonce: it says nothing about which resource it is.
    if let Some(job) = value
        .pointer_mut(resource.job_at())
        .and_then(Value::as_object_mut)
    {
        job.shift_remove("savepointRedeployNonce");
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Entry;
    use crate::input::{ReadOptions, Source, entries};

    fn documents(text: &str) -> TransformInput {
        let source = Source {
            name: "t.yaml".into(),
            text: text.into(),
            bom: false,
        };
        let documents = entries(&source, &ReadOptions::default())
            .into_iter()
            .map(|e| match e {
                Entry::Document(d) => d,
                Entry::Broken { error, .. } => panic!("{error:?}"),
            })
            .collect();
        TransformInput::of(documents)
    }

    const SAVED: &str = "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata:\n  name: app\n  namespace: flink\n  uid: u-1\nspec:\n  job:\n    jarURI: local:///j.jar\n    upgradeMode: stateless\n    state: suspended\nstatus:\n  jobStatus:\n    state: RUNNING\n";
    const RESTORED: &str = "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata:\n  name: app\n  namespace: flink\nspec:\n  job:\n    jarURI: local:///j.jar\n    upgradeMode: savepoint\n    state: running\n    initialSavepointPath: s3://b/sp-1\n    allowNonRestoredState: true\n";

    #[test]
    fn a_restore_form_and_its_original_are_one_resource_and_the_original_is_kept() {
        let docs = documents(&format!("{RESTORED}---\n{SAVED}"));
        let inventory = Inventory::of(&docs).unwrap();
        assert_eq!(inventory.resources.len(), 1);
        assert_eq!(
            inventory.resources[0].index, 1,
            "the saved copy, with its status"
        );
        assert!(
            inventory
                .conflict(&inventory.resources[0].resource)
                .is_none()
        );
    }

    #[test]
    fn copies_that_differ_otherwise_are_a_conflict_naming_both_places() {
        let other = SAVED.replace("local:///j.jar", "local:///other.jar");
        let docs = documents(&format!("{SAVED}---\n{other}"));
        let inventory = Inventory::of(&docs).unwrap();
        let refusal = inventory
            .conflict(&inventory.resources[0].resource)
            .unwrap()
            .to_string();
        assert!(refusal.contains("t.yaml:1, t.yaml:16"), "{refusal}");
        assert!(refusal.contains("pass only the copy you mean"), "{refusal}");
    }

    #[test]
    fn concatenated_objects_are_named_as_such() {
        let joined = format!("{SAVED}{SAVED}");
        let docs = documents(&joined);
        let refused = Inventory::of(&docs).unwrap_err();
        assert!(
            refused.0[0].to_string().contains("joined without `---`"),
            "{:?}",
            refused
        );
    }

    #[test]
    fn session_jobs_are_found_on_their_own_cluster() {
        let cluster = |ns: &str| {
            format!(
                "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata:\n  \
                 name: session\n  namespace: {ns}\nspec:\n  flinkVersion: v1_20\n"
            )
        };
        let job = |name: &str, ns: &str| {
            format!(
                "apiVersion: flink.apache.org/v1beta1\nkind: FlinkSessionJob\nmetadata:\n  \
                 name: {name}\n  namespace: {ns}\nspec:\n  deploymentName: session\n  \
                 job:\n    jarURI: https://h/j.jar\n"
            )
        };
        let text = [
            job("one", "a"),
            cluster("a"),
            job("two", "b"),
            cluster("b"),
            job("three", "a"),
        ]
        .join("---\n");
        let docs = documents(&text);
        let inventory = Inventory::of(&docs).unwrap();
        let jobs_on = |ns: &str| {
            let cluster = inventory
                .deployment_named("session", Some(ns))
                .unwrap()
                .resource;
            let names: Vec<String> = inventory
                .session_jobs_on(&cluster)
                .iter()
                .filter_map(|j| j.resource.name().map(str::to_owned))
                .collect();
            names
        };
        assert_eq!(jobs_on("a"), ["one", "three"]);
        assert_eq!(jobs_on("b"), ["two"]);
    }
}
