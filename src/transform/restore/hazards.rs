//! What can still lose a restored job its state after a correct edit, judged on the restore form
//! before anything is written: a configuration that lets the new job claim (and delete) the
//! savepoint, a savepoint the restored pods cannot read, a moved savepoint written with entropy
//! injection, and HA metadata that Flink would restore from first.

use serde_json::Value;

use crate::check::registry::Rule;
use crate::model::flink_config::{FlinkConfig, FlinkLine, FlinkOption, Location};
use crate::model::kind::Kind;
use crate::model::operator_config::OperatorConfig;
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
    pub restored: &'a Value,
    /// A session job's cluster, in the form it will have (when the input holds it).
    pub cluster: Option<&'a Value>,
    pub savepoint_path: &'a str,
    /// Whether `--relocate` moved the savepoint path.
    pub relocated: bool,
    /// HA ConfigMaps of this deployment found in the input, by where they were read.
    pub ha_configmaps: &'a [String],
}

/// The configuration the restored job runs with, read by its Flink: the operator's defaults,
/// the cluster's (for a session job), its own.
pub fn effective_config(
    operator: &OperatorConfig,
    restored: &Value,
    cluster: Option<&Value>,
) -> FlinkConfig {
    let deployment = cluster.unwrap_or(restored);
    let version = deployment.at("/spec/flinkVersion").and_then(Value::as_str);
    let config = operator.effective(deployment);
    let config = match cluster {
        Some(_) => config.overlaid_by(&FlinkConfig::of(restored), "/spec/deploymentName"),
        None => config,
    };
    config.read_by(FlinkLine::of_version(version))
}

pub fn check(target: &Restoring<'_>, operator: &OperatorConfig, allow: Allowances) -> Findings {
    let mut found = Findings::default();
    let config = effective_config(operator, target.restored, target.cluster);
    if target.kind == Kind::FlinkDeployment && !allow.claim {
        if let Some((key, value, at)) = claim(&config) {
            let whose = if FlinkConfig::of(target.restored).get(&key).is_some() {
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
    if target.kind == Kind::FlinkDeployment {
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
    let namespace = target
        .restored
        .at("/metadata/namespace")
        .and_then(Value::as_str);
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
        (Kind::FlinkSessionJob, Some(cluster)) => Storage::of(cluster),
        _ => Storage::of(target.restored),
    };
    // Why each role cannot read it, the roles with one reason together.
    let mut missing: Vec<(String, Vec<&str>)> = Vec::new();
    let mut claims: Vec<(String, String)> = Vec::new();
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
    let name = target
        .restored
        .at("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let namespace = target
        .restored
        .at("/metadata/namespace")
        .and_then(Value::as_str);
    if !mode.contains("kubernetes") {
        found.notes.push(format!(
            "high availability ({mode}) keeps this job's metadata outside the cluster's \
             resources: clear its HA data for cluster id {name} before applying, or Flink resumes \
             from its last checkpoint instead of the savepoint"
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
         configmap{} -l app={name},configmap-type=high-availability",
        namespace.map(|ns| format!(" -n {ns}")).unwrap_or_default()
    ));
}

/// The `--no-claim` edit: `NO_CLAIM` where the restored deployment's configuration says
/// `CLAIM` (its own key, or a new one over the operator's default).
pub fn no_claim_ops(operator: &OperatorConfig, restored: &Value) -> Option<(Vec<Value>, String)> {
    let config = effective_config(operator, restored, None);
    let (key, _, _) = claim(&config)?;
    let (path, value) = if let Some(own) = FlinkConfig::of(restored).get(&key) {
        (own.pointer.clone(), Value::from("NO_CLAIM"))
    } else {
        // The operator's default says CLAIM: the resource's own key wins over it.
        let current = FlinkOption::ClaimMode.keys_for(config.line())[0];
        match restored.at("/spec/flinkConfiguration") {
            Some(Value::Object(_)) => (
                pointer::join("/spec/flinkConfiguration", current),
                Value::from("NO_CLAIM"),
            ),
            _ => (
                "/spec/flinkConfiguration".to_owned(),
                serde_json::json!({ current: "NO_CLAIM" }),
            ),
        }
    };
    Some((
        vec![serde_json::json!({"op": "add", "path": path, "value": value})],
        format!("{key}: NO_CLAIM (--no-claim)"),
    ))
}
