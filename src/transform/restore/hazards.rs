//! What can still lose a restored job its state after a correct edit, judged on the restore form
//! before anything is written: a configuration that lets the new job claim (and delete) the
//! savepoint, a savepoint the restored pods cannot read, a moved savepoint written with entropy
//! injection, and HA metadata that Flink would restore from first.

use serde_json::Value;

use crate::check::registry::Rule;
use crate::model::blue_green::{self, TEMPLATE_SPEC};
use crate::model::flink_config::{FlinkConfig, FlinkLine, FlinkOption, Location};
use crate::model::kind::Kind;
use crate::model::operator_config::OperatorConfig;
use crate::model::resource::Resource;
use crate::model::storage::{Placement, Storage};
use crate::pointer::{self, Lookup};

/// The hazards a user may know better about, and says so with `--allow-<hazard>`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Allowances {
    pub claim: bool,
    pub unreachable_savepoint: bool,
    pub ha_metadata: bool,
}

/// What the hazards found for one target: refusals (with their rule), and notes for stderr.
#[derive(Debug, Default)]
pub struct Findings {
    pub refusals: Vec<(Rule, String)>,
    pub notes: Vec<String>,
}

impl Findings {
    fn refuse(&mut self, rule: Rule, message: String) {
        let info = rule.info();
        self.refusals.push((
            rule,
            format!(
                "the restored job would lose its state [{}/{}]: {message} (fix: {})",
                info.family, info.id, info.fix
            ),
        ));
    }
}

/// One target in its restore form, and what it runs on.
pub struct Restoring<'a> {
    pub kind: Kind,
    /// The restore form (a blue/green deployment's: its children are made of its template).
    pub restored: &'a Value,
    /// A session job's cluster, in the form it will have (when the input holds it).
    pub cluster: Option<&'a Value>,
    pub savepoint_path: &'a str,
    /// Whether `--relocate` moved the savepoint path.
    pub relocated: bool,
    /// HA ConfigMaps of this deployment found in the input, by where they were read.
    pub ha_configmaps: &'a [String],
}

impl Restoring<'_> {
    /// The FlinkDeployment spec the job runs with, and where it is; a session job's is its
    /// cluster's.
    fn deployment_spec(&self) -> (&str, &Value) {
        let (at, deployment) = match (self.kind, self.cluster) {
            (Kind::FlinkSessionJob, Some(cluster)) => ("/spec", cluster),
            (Kind::FlinkBlueGreenDeployment, _) => (TEMPLATE_SPEC, self.restored),
            _ => ("/spec", self.restored),
        };
        (at, deployment.at(at).unwrap_or(&Value::Null))
    }

    fn namespace(&self) -> Option<&str> {
        self.restored
            .at("/metadata/namespace")
            .and_then(Value::as_str)
    }

    /// The configuration the restored job runs with, read by its Flink: the operator's
    /// defaults, the cluster's (for a session job), its own.
    fn effective_config(&self, operator: &OperatorConfig) -> FlinkConfig {
        let (at, spec) = self.deployment_spec();
        let version = spec.get("flinkVersion").and_then(Value::as_str);
        let config = operator.effective_for_spec(self.namespace(), spec, at);
        let config = match (self.kind, self.cluster) {
            (Kind::FlinkSessionJob, Some(_)) => {
                config.overlaid_by(FlinkConfig::of(self.restored), "/spec/deploymentName")
            }
            _ => config,
        };
        config.read_by(FlinkLine::of_version(version))
    }

    /// The job's own configuration, without the operator's defaults.
    fn own_config(&self) -> FlinkConfig {
        match self.kind {
            Kind::FlinkBlueGreenDeployment => {
                FlinkConfig::of_spec(self.deployment_spec().1, TEMPLATE_SPEC)
            }
            _ => FlinkConfig::of(self.restored),
        }
    }
}

pub fn check(target: &Restoring<'_>, operator: &OperatorConfig, allow: Allowances) -> Findings {
    let mut found = Findings::default();
    let config = target.effective_config(operator);
    let runs_a_cluster = target.kind != Kind::FlinkSessionJob;
    if runs_a_cluster && !allow.claim {
        if let Some((key, value, at)) = claim(&config) {
            let whose = if target.own_config().get(&key).is_some() {
                format!("at {at}")
            } else {
                "the operator's default".to_owned()
            };
            found.refuse(
                Rule::SavepointClaimed,
                format!(
                    "{key} is {value} ({whose}): the new job would own the savepoint {} and \
                     delete it once a newer checkpoint subsumes it",
                    target.savepoint_path
                ),
            );
        }
    }
    reachable(target, &mut found, allow);
    if target.relocated {
        if let Some(entry) = config.resolve(FlinkOption::EntropyKey) {
            found.refuse(
                Rule::EntropyRelocated,
                format!(
                    "--relocate moves the savepoint to {}, but {} is set ({:?}): a savepoint \
                     written with entropy injection holds absolute paths and cannot be moved",
                    target.savepoint_path, entry.key, entry.value
                ),
            );
        }
    }
    if runs_a_cluster {
        ha_metadata(target, &config, &mut found, allow);
    }
    found
}

/// The claim-mode key and value when the job would claim the savepoint.
pub fn claim(config: &FlinkConfig) -> Option<(String, String, String)> {
    let entry = config.first_present(FlinkOption::ClaimMode.keys_for(config.line()))?;
    entry.value.trim().eq_ignore_ascii_case("CLAIM").then(|| {
        (
            entry.key.clone(),
            entry.value.clone(),
            entry.pointer.clone(),
        )
    })
}

/// A local savepoint must be on a PVC that the JobManager and the TaskManagers both mount.
fn reachable(target: &Restoring<'_>, found: &mut Findings, allow: Allowances) {
    let location = Location::parse(target.savepoint_path);
    if !location.is_local() {
        return;
    }
    let namespace = target.namespace();
    let pods = match (target.kind, target.cluster) {
        (Kind::FlinkSessionJob, None) => {
            found.notes.push(format!(
                "the savepoint {} is a local path and the session cluster is not in the input: \
                 make sure its JobManager and TaskManagers mount the PersistentVolumeClaim that \
                 holds it",
                target.savepoint_path
            ));
            return;
        }
        _ => Storage::of_spec(target.deployment_spec().1),
    };
    // Why each role cannot read it, the roles with one reason together.
    let mut missing: Vec<(String, Vec<&str>)> = Vec::new();
    let mut claims: Vec<(&str, &str)> = Vec::new();
    for (role, pod) in [
        ("JobManager", &pods.jobmanager),
        ("TaskManagers", &pods.taskmanager),
    ] {
        let why = match pod.place(&location.path) {
            Placement::Persistent {
                mount_path, claim, ..
            } => {
                if !claims.iter().any(|(c, _)| *c == claim) {
                    claims.push((claim, mount_path));
                }
                continue;
            }
            Placement::Ephemeral {
                mount_path,
                volume,
                kind,
            } => format!(
                "it is on volume mount {mount_path} (volume {volume:?}, {kind}), not a \
                 PersistentVolumeClaim"
            ),
            Placement::Unmounted => "no volume of flink-main-container is mounted there".to_owned(),
        };
        match missing.iter_mut().find(|(w, _)| *w == why) {
            Some((_, roles)) => roles.push(role),
            None => missing.push((why, vec![role])),
        }
    }
    let missing: Vec<String> = missing
        .into_iter()
        .map(|(why, roles)| format!("on the {}, {why}", roles.join(" and ")))
        .collect();
    if !missing.is_empty() {
        if !allow.unreachable_savepoint {
            found.refuse(
                Rule::SavepointUnreachable,
                format!(
                    "the savepoint {} cannot be read by the restored pods: {}",
                    target.savepoint_path,
                    missing.join("; ")
                ),
            );
        }
        return;
    }
    for (claim, mount) in claims {
        found.notes.push(format!(
            "savepoint on PVC `{claim}` (mounted at {mount}): make sure it is bound before \
             applying: kubectl get pvc {claim}{}",
            namespace.map(|ns| format!(" -n {ns}")).unwrap_or_default()
        ));
    }
}

/// Kubernetes HA restores from its ConfigMaps' latest checkpoint before it reads the savepoint.
fn ha_metadata(
    target: &Restoring<'_>,
    config: &FlinkConfig,
    found: &mut Findings,
    allow: Allowances,
) {
    if !config.ha_enabled() {
        return;
    }
    let mode = config
        .resolve(FlinkOption::HaMode)
        .map(|e| e.value.to_ascii_lowercase())
        .unwrap_or_default();
    let ids = cluster_ids(target.kind, target.restored);
    let namespace = target.namespace();
    if !mode.contains("kubernetes") {
        found.notes.push(format!(
            "high availability ({mode}) keeps this job's metadata outside the cluster's \
             resources: clear its HA data for cluster id {} before applying, or Flink resumes \
             from its last checkpoint instead of the savepoint",
            ids.join(" and ")
        ));
        return;
    }
    if !target.ha_configmaps.is_empty() && !allow.ha_metadata {
        found.refuse(
            Rule::HaMetadataLeft,
            format!(
                "Kubernetes HA is on, and the input holds its HA ConfigMaps ({}): applied with \
                 it, Flink resumes from their latest checkpoint instead of the savepoint",
                target.ha_configmaps.join(", ")
            ),
        );
        return;
    }
    found.notes.push(format!(
        "Kubernetes HA is on: before applying, delete any HA ConfigMaps left from the old job, or \
         Flink resumes from their latest checkpoint instead of the savepoint: kubectl delete \
         configmap{} -l {},configmap-type=high-availability",
        namespace.map(|ns| format!(" -n {ns}")).unwrap_or_default(),
        match ids.as_slice() {
            [one] => format!("app={one}"),
            many => format!("'app in ({})'", many.join(",")),
        }
    ));
}

/// The HA cluster ids of a restored deployment: its name, or its children's.
fn cluster_ids(kind: Kind, restored: &Value) -> Vec<String> {
    blue_green::cluster_ids(&Resource {
        kind,
        value: restored,
        origin: None,
    })
}

/// Whether Flink's HA keeps the restored job's metadata, which it resumes from first.
pub fn ha_enabled(target: &Restoring<'_>, operator: &OperatorConfig) -> bool {
    target.effective_config(operator).ha_enabled()
}

/// The `--no-claim` edit: `NO_CLAIM` where the restored deployment's configuration says
/// `CLAIM` (its own key, or a new one over the operator's default).
pub fn no_claim_ops(
    target: &Restoring<'_>,
    operator: &OperatorConfig,
) -> Option<(Vec<Value>, String)> {
    let config = target.effective_config(operator);
    let (key, _, _) = claim(&config)?;
    let (path, value) = if let Some(own) = target.own_config().get(&key) {
        (own.pointer.clone(), Value::from("NO_CLAIM"))
    } else {
        // The operator's default says CLAIM: the resource's own key wins over it.
        let current = FlinkOption::ClaimMode.keys_for(config.line())[0];
        let (at, spec) = target.deployment_spec();
        let configuration = format!("{at}/flinkConfiguration");
        match spec.get("flinkConfiguration") {
            Some(Value::Object(_)) => (
                pointer::join(&configuration, current),
                Value::from("NO_CLAIM"),
            ),
            _ => (configuration, serde_json::json!({ current: "NO_CLAIM" })),
        }
    };
    Some((
        vec![serde_json::json!({"op": "add", "path": path, "value": value})],
        format!("{key}: NO_CLAIM (--no-claim)"),
    ))
}
