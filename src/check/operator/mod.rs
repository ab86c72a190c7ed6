//! What the operator's admission webhook refuses, caught offline with the same meaning.

use crate::pointer::Lookup;
use serde_json::Value;

use crate::check::registry::Rule;
use crate::finding::Problem;
use crate::model::flink_config::{FlinkConfig, FlinkOption};
use crate::model::kind::Kind;
use crate::model::resource::Resource;
use crate::model::session_cluster::SessionCluster;

/// The operator's limit: the name becomes part of Service and label names.
const MAX_DEPLOYMENT_NAME: usize = 45;

/// Rules that need nothing but the resource itself (and, for a FlinkDeployment, its flattened
/// configuration, which the caller has already built).
pub fn check(resource: Resource<'_>, config: &FlinkConfig) -> Vec<Problem> {
    let mut out = Vec::new();
    match resource.kind {
        Kind::FlinkDeployment => {
            if let Some(name) = resource.name() {
                deployment_name(name, "/metadata/name", &mut out);
            }
            job_rules(resource, config, &mut out);
            replicas(resource, config, &mut out);
        }
        Kind::FlinkSessionJob => {
            match resource.value.at("/spec/deploymentName").and_then(Value::as_str) {
                Some(name) if !name.is_empty() => deployment_name(name, "/spec/deploymentName", &mut out),
                _ => out.push(Problem::new(
                    Rule::SessionJobDeploymentMissing,
                    "/spec",
                    "a FlinkSessionJob needs spec.deploymentName: set it to the name of the session cluster's FlinkDeployment",
                )),
            }
            if resource.job().is_none() {
                out.push(Problem::new(
                    Rule::SessionJobDeploymentMissing,
                    "/spec",
                    "a FlinkSessionJob needs spec.job (jarURI, parallelism, upgradeMode...): the operator refuses it without one",
                ));
            }
            job_shape(resource, &mut out);
        }
        Kind::FlinkStateSnapshot => snapshot(resource, &mut out),
    }
    out
}

/// A session job whose cluster is an application cluster: nothing else about it can be judged.
pub fn on_application_cluster(cluster: &SessionCluster) -> Option<Problem> {
    cluster.has_job.then(|| {
        Problem::new(
            Rule::SessionJobOnApplicationCluster,
            "/spec/deploymentName",
            format!(
                "{} is an application cluster (it has spec.job): session jobs run only on a session cluster, a FlinkDeployment without spec.job",
                cluster.describe()
            ),
        )
    })
}

/// Rules a session job must pass with the configuration it inherits from its session cluster.
pub fn check_inherited(job: Resource<'_>, config: &FlinkConfig) -> Vec<Problem> {
    let mut out = Vec::new();
    upgrade_mode(job, config, &mut out);
    out
}

fn deployment_name(name: &str, pointer: &str, out: &mut Vec<Problem>) {
    let valid_chars = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && name.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !valid_chars || name.len() > MAX_DEPLOYMENT_NAME {
        out.push(Problem::new(
            Rule::NameInvalid,
            pointer,
            format!(
                "{name:?} ({} characters) is not a valid FlinkDeployment name: the operator wants lower-case letters, \
                 digits and '-', starting with a letter, ending with a letter or digit, at most {MAX_DEPLOYMENT_NAME} characters",
                name.chars().count()
            ),
        ));
    }
}

fn job_field<'a>(resource: &Resource<'a>, field: &str) -> Option<&'a Value> {
    resource
        .job()
        .and_then(|j| j.get(field))
        .filter(|v| !v.is_null())
}

fn job_rules(resource: Resource<'_>, config: &FlinkConfig, out: &mut Vec<Problem>) {
    upgrade_mode(resource, config, out);
    job_shape(resource, out);
}

/// Rules on `spec.job` that need no configuration.
fn job_shape(resource: Resource<'_>, out: &mut Vec<Problem>) {
    if job_field(&resource, "savepointRedeployNonce").is_some() {
        let path = job_field(&resource, "initialSavepointPath").and_then(Value::as_str);
        if path.is_none_or(|p| p.trim().is_empty()) {
            out.push(Problem::new(
                Rule::RedeployNeedsInitialSavepointPath,
                "/spec/job/savepointRedeployNonce",
                "savepointRedeployNonce redeploys from spec.job.initialSavepointPath, which is empty: set it to the savepoint location",
            ));
        }
    }
    if let Some(uri) = job_field(&resource, "jarURI").and_then(Value::as_str) {
        if let Some(why) = jar_uri_problem(uri) {
            out.push(Problem::new(Rule::JarUriInvalid, "/spec/job/jarURI", why));
        }
    }
    parallelism(resource, out);
}

/// The operator reads parallelism as a Java int, and below 1 only taskManager.replicas can stand in.
fn parallelism(resource: Resource<'_>, out: &mut Vec<Problem>) {
    let Some(p) = job_field(&resource, "parallelism").and_then(Value::as_f64) else {
        return;
    };
    let replicas_set = resource.value.at("/spec/taskManager/replicas").is_some();
    let message = if p > f64::from(i32::MAX) {
        format!(
            "job parallelism {p} does not fit the operator's 32-bit integer: use a realistic value"
        )
    } else if p < 1.0 && !(resource.kind == Kind::FlinkDeployment && replicas_set) {
        format!(
            "job parallelism is {p}: set spec.job.parallelism to 1 or more (or set taskManager.replicas)"
        )
    } else {
        return;
    };
    out.push(Problem::new(
        Rule::ParallelismInvalid,
        "/spec/job/parallelism",
        message,
    ));
}

/// `upgradeMode`, savepoint triggers and periodic savepoints need their directories.
fn upgrade_mode(resource: Resource<'_>, config: &FlinkConfig, out: &mut Vec<Problem>) {
    let mode = job_field(&resource, "upgradeMode").and_then(Value::as_str);
    let has_checkpoint_dir = config.resolve(FlinkOption::CheckpointDir).is_some();
    let has_savepoint_dir = config.resolve(FlinkOption::SavepointDir).is_some();
    if matches!(mode, Some("last-state" | "savepoint")) && !has_checkpoint_dir {
        out.push(Problem::new(
            Rule::UpgradeModeNeedsCheckpointDir,
            "/spec/job/upgradeMode",
            format!(
                "upgradeMode {} needs a checkpoint directory: set {} in flinkConfiguration",
                mode.unwrap_or_default(),
                FlinkOption::CheckpointDir.describe()
            ),
        ));
    }
    if has_savepoint_dir {
        return;
    }
    let needs = |why: &str| {
        format!(
            "{why} needs a savepoint directory: set {} in flinkConfiguration",
            FlinkOption::SavepointDir.describe()
        )
    };
    if mode == Some("savepoint") {
        out.push(Problem::new(
            Rule::UpgradeModeNeedsSavepointDir,
            "/spec/job/upgradeMode",
            needs("upgradeMode savepoint"),
        ));
    }
    if job_field(&resource, "savepointTriggerNonce").is_some() {
        out.push(Problem::new(
            Rule::SavepointDirNeeded,
            "/spec/job/savepointTriggerNonce",
            needs("savepointTriggerNonce"),
        ));
    }
    if let Some(interval) = config.get("kubernetes.operator.periodic.savepoint.interval") {
        let enabled = interval
            .value
            .chars()
            .any(|c| c.is_ascii_digit() && c != '0');
        if enabled {
            out.push(Problem::new(
                Rule::SavepointDirNeeded,
                &interval.pointer,
                needs("a periodic savepoint interval"),
            ));
        }
    }
}

fn replicas(resource: Resource<'_>, config: &FlinkConfig, out: &mut Vec<Problem>) {
    let int = |p: &str| resource.value.at(p).and_then(Value::as_i64);
    for (pointer, role) in [
        ("/spec/taskManager/replicas", "taskManager"),
        ("/spec/jobManager/replicas", "jobManager"),
    ] {
        if let Some(n) = int(pointer).filter(|n| *n < 1) {
            out.push(Problem::new(
                Rule::ReplicasInvalid,
                pointer,
                format!("{role}.replicas is {n}: set it to 1 or more"),
            ));
        }
    }
    if int("/spec/jobManager/replicas").is_some_and(|n| n > 1) && !config.ha_enabled() {
        out.push(Problem::new(
            Rule::StandbyNeedsHa,
            "/spec/jobManager/replicas",
            format!(
                "more than one JobManager needs high availability for leader election: set {} (e.g. kubernetes) and {}, or use 1 replica",
                FlinkOption::HaMode.describe(),
                FlinkOption::HaStorageDir.describe()
            ),
        ));
    }
}

fn jar_uri_problem(uri: &str) -> Option<String> {
    if uri.starts_with('<') && uri.ends_with('>') {
        return Some(format!(
            "jarURI is still the template placeholder {uri:?}: replace it with the URI of the job's jar (local:///..., https://..., s3://...)"
        ));
    }
    let scheme_end = uri.find(':');
    let scheme_ok = scheme_end.is_some_and(|end| {
        let scheme = &uri[..end];
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    if !scheme_ok {
        return Some(format!(
            "jarURI {uri:?} has no URI scheme: write local:///path/in/the/image.jar, https://..., or s3://..."
        ));
    }
    if let Some(bad) = uri
        .chars()
        .find(|c| c.is_whitespace() || "<>\"{}|\\^`".contains(*c))
    {
        return Some(format!(
            "jarURI {uri:?} is not a valid URI: {bad:?} must be percent-encoded"
        ));
    }
    None
}

fn snapshot(resource: Resource<'_>, out: &mut Vec<Problem>) {
    let spec = resource.spec();
    let has = |f: &str| spec.and_then(|s| s.get(f)).is_some_and(|v| !v.is_null());
    let (savepoint, checkpoint) = (has("savepoint"), has("checkpoint"));
    if savepoint == checkpoint {
        out.push(Problem::new(
            Rule::SnapshotKindAmbiguous,
            if spec.is_some() { "/spec" } else { "" },
            if savepoint {
                "a FlinkStateSnapshot has both spec.savepoint and spec.checkpoint: keep exactly one"
            } else {
                "a FlinkStateSnapshot needs exactly one of spec.savepoint and spec.checkpoint: add spec.savepoint (e.g. {disposeOnDelete: false})"
            },
        ));
    }
    let already_exists =
        resource.value.at("/spec/savepoint/alreadyExists") == Some(&Value::Bool(true));
    let reference = |f: &str| {
        resource
            .value
            .at(&format!("/spec/jobReference/{f}"))
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty())
    };
    let referenced = reference("kind") && reference("name");
    if !(already_exists || referenced) {
        out.push(Problem::new(
            Rule::SnapshotJobReferenceMissing,
            if has("jobReference") { "/spec/jobReference" } else { "/spec" },
            "spec.jobReference needs kind (FlinkDeployment or FlinkSessionJob) and name: the operator must know which job to snapshot",
        ));
    }
    if already_exists {
        let path = resource
            .value
            .at("/spec/savepoint/path")
            .and_then(Value::as_str);
        if path.is_none_or(|p| p.trim().is_empty()) {
            out.push(Problem::new(
                Rule::SnapshotPathMissing,
                "/spec/savepoint",
                "alreadyExists: true registers an existing savepoint, but spec.savepoint.path is empty: set it to the savepoint's location",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jar_uris() {
        assert!(jar_uri_problem("local:///opt/flink/job.jar").is_none());
        assert!(jar_uri_problem("https://repo/x.jar").is_none());
        assert!(
            jar_uri_problem("/opt/flink/job.jar")
                .unwrap()
                .contains("no URI scheme")
        );
        assert!(
            jar_uri_problem("<URI of the job jar>")
                .unwrap()
                .contains("placeholder")
        );
        assert!(
            jar_uri_problem("local:///opt/my job.jar")
                .unwrap()
                .contains("percent-encoded")
        );
    }

    #[test]
    fn deployment_names() {
        let mut out = Vec::new();
        for ok in ["a", "app-1", &"a".repeat(45)] {
            deployment_name(ok, "/metadata/name", &mut out);
        }
        assert!(out.is_empty(), "{out:?}");
        for bad in ["1app", "app-", "App", &"a".repeat(46), "a.b"] {
            deployment_name(bad, "/metadata/name", &mut out);
        }
        assert_eq!(out.len(), 5);
    }
}
