//! Seed step 1: only a running job with a ready JobManager can take a savepoint.

use crate::pointer::Lookup;
use serde_json::Value;

use crate::model::kind::Kind;
use crate::model::resource::Resource;

fn text<'a>(resource: &Resource<'a>, pointer: &str) -> Option<&'a str> {
    resource.value.at(pointer).and_then(Value::as_str)
}

/// Why `target` (with its session cluster, for a session job) cannot be backed up now.
pub fn not_ready(target: &Resource<'_>, cluster: Option<&Resource<'_>>) -> Option<String> {
    if target.status().is_none() {
        let command = match target.kind {
            Kind::FlinkSessionJob => "flinksessionjob",
            _ => "flinkdeployment",
        };
        let ns = target
            .namespace()
            .map(|n| format!(" -n {n}"))
            .unwrap_or_default();
        return Some(format!(
            "has no status: this looks like a manifest from git, not a saved live resource. \
             Save the live one with `kubectl get {command} {}{ns} -o yaml` and back up from that",
            target.name().unwrap_or("NAME")
        ));
    }
    let job_state = text(target, "/status/jobStatus/state");
    let jm_status = match target.kind {
        Kind::FlinkSessionJob => {
            cluster.map(|c| (c, text(c, "/status/jobManagerDeploymentStatus")))
        }
        _ => Some((target, text(target, "/status/jobManagerDeploymentStatus"))),
    };
    let mut problems = Vec::new();
    if let Some((owner, status)) = jm_status {
        if status != Some("READY") {
            let whose = if owner.kind == target.kind && owner.name() == target.name() {
                String::new()
            } else {
                format!(" of its session cluster {}", owner.describe())
            };
            problems.push(format!(
                "status.jobManagerDeploymentStatus{whose} is {}, not READY",
                status.unwrap_or("missing")
            ));
        }
    }
    if job_state != Some("RUNNING") {
        problems.push(format!(
            "status.jobStatus.state is {}, not RUNNING",
            job_state.unwrap_or("missing")
        ));
    }
    if problems.is_empty() {
        None
    } else {
        Some(format!(
            "{}; a savepoint needs a running job. Wait until it is running (or use --force)",
            problems.join(" and ")
        ))
    }
}
