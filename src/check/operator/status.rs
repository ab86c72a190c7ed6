//! D4, D25 to D27 and S3: what the webhook compares with the resource's last reconciled spec.
//! The webhook reads it from the live object; a resource saved with `kubectl get -o yaml` carries
//! the same record in `status.reconciliationStatus.lastReconciledSpec` (a JSON string), which
//! decides these conditions for an update of that object. Without it, nothing is guessed.

use serde_json::Value;

use crate::check::registry::Rule;
use crate::finding::Problem;
use crate::pointer::Lookup;

/// The last reconciled spec recorded in `resource`'s saved status.
pub fn last_reconciled_spec(resource: &Value) -> Option<Value> {
    let text = resource
        .at("/status/reconciliationStatus/lastReconciledSpec")
        .and_then(Value::as_str)?;
    let mut wrapper: Value = serde_json::from_str(text).ok()?;
    let wrapper = wrapper.as_object_mut()?;
    if wrapper.remove("resource_metadata").is_some() {
        wrapper.remove("spec")
    } else {
        // The operator's older format: the spec itself.
        wrapper.remove("apiVersion");
        Some(Value::Object(std::mem::take(wrapper)))
    }
}

fn text<'a>(v: Option<&'a Value>, field: &str) -> Option<&'a str> {
    v.and_then(|v| v.get(field)).and_then(Value::as_str)
}

/// D4, D25, D26 and D27 for a FlinkDeployment.
pub fn deployment(resource: &Value, out: &mut Vec<Problem>) {
    let Some(old) = last_reconciled_spec(resource) else {
        return;
    };
    let new = resource.get("spec");
    fn job(spec: Option<&Value>) -> Option<&Value> {
        spec.and_then(|s| s.get("job")).filter(|j| j.is_object())
    }
    let (old_job, new_job) = (job(Some(&old)), job(new));
    let mode = |j: Option<&Value>| text(j, "upgradeMode").unwrap_or("stateless").to_owned();
    if let (Some(old_job), Some(new_job)) = (old_job, new_job) {
        let suspended_last_state = text(Some(old_job), "state") == Some("suspended")
            && mode(Some(old_job)) == "last-state";
        let (old_version, new_version) =
            (text(Some(&old), "flinkVersion"), text(new, "flinkVersion"));
        if mode(Some(new_job)) != "stateless" && suspended_last_state && old_version != new_version
        {
            out.push(Problem::new(
                Rule::FlinkVersionChangedAfterSuspend,
                "/spec/flinkVersion",
                format!(
                    "the operator refuses it: the saved status shows the job suspended in last-state \
                     mode on flinkVersion {}, and this spec has {}; changing flinkVersion after a \
                     last-state suspend is not allowed: restore with {0}, then upgrade",
                    old_version.unwrap_or("(none)"),
                    new_version.unwrap_or("none")
                ),
            ));
        }
        let nonce = |j: &Value| {
            j.get("savepointRedeployNonce")
                .filter(|n| !n.is_null())
                .cloned()
        };
        let path_blank =
            text(Some(new_job), "initialSavepointPath").is_none_or(|p| p.trim().is_empty());
        if let Some(new_nonce) = nonce(new_job) {
            if Some(&new_nonce) != nonce(old_job).as_ref() && path_blank {
                out.push(Problem::new(
                    Rule::RedeployNonceWithoutPath,
                    "/spec/job/savepointRedeployNonce",
                    "the operator refuses it: savepointRedeployNonce changed against the saved status's \
                     last reconciled spec, and InitialSavepointPath must not be empty for savepoint \
                     redeployment: set spec.job.initialSavepointPath",
                ));
            }
        }
    }
    let switched = match (old_job.is_some(), new_job.is_some()) {
        (false, true) => Some((
            "without spec.job (a session cluster)",
            "from session to job cluster",
        )),
        (true, false) => Some((
            "with spec.job (an application cluster)",
            "from job to session cluster",
        )),
        _ => None,
    };
    if let Some((was, switch)) = switched {
        out.push(Problem::new(
            Rule::ClusterModeChanged,
            "/spec",
            format!(
                "the operator refuses it: the saved status shows this resource was reconciled \
                 {was}; it cannot switch {switch}: delete it and create it anew"
            ),
        ));
    }
    let mode_of = |spec: Option<&Value>| text(spec, "mode").unwrap_or("native").to_owned();
    let (old_mode, new_mode) = (mode_of(Some(&old)), mode_of(new));
    if old_mode != new_mode {
        out.push(Problem::new(
            Rule::ClusterModeChanged,
            if new.and_then(|s| s.get("mode")).is_some() {
                "/spec/mode"
            } else {
                "/spec"
            },
            format!(
                "the operator refuses it: the saved status shows this resource was reconciled in \
                 {old_mode} mode; it cannot switch from {old_mode} to {new_mode} kubernetes: keep \
                 mode {old_mode}, or delete it and create it anew"
            ),
        ));
    }
}

/// S3 for a FlinkSessionJob.
pub fn session_job(resource: &Value, out: &mut Vec<Problem>) {
    let Some(old) = last_reconciled_spec(resource) else {
        return;
    };
    let old_name = text(Some(&old), "deploymentName");
    let new_name = resource.at("/spec/deploymentName").and_then(Value::as_str);
    if old_name.is_some() && old_name != new_name {
        out.push(Problem::new(
            Rule::DeploymentNameChanged,
            "/spec/deploymentName",
            format!(
                "the operator refuses it: the saved status shows this job reconciled on {}; the \
                 deploymentName can't be changed: keep it, or delete the job and create it anew",
                old_name.unwrap_or_default()
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn with_last(spec: Value, last: Value) -> Value {
        let recorded =
            json!({"spec": last, "resource_metadata": {"apiVersion": "flink.apache.org/v1beta1"}});
        json!({"spec": spec, "status": {"reconciliationStatus": {"lastReconciledSpec": recorded.to_string()}}})
    }

    fn rules(value: &Value) -> Vec<Rule> {
        let mut out = Vec::new();
        deployment(value, &mut out);
        out.into_iter().map(|p| p.rule).collect()
    }

    #[test]
    fn decided_from_the_saved_status_only() {
        let job = json!({"upgradeMode": "savepoint", "state": "running"});
        assert!(rules(&json!({"spec": {"job": job}})).is_empty());
        let suspended = json!({"flinkVersion": "v1_19", "job": {"upgradeMode": "last-state", "state": "suspended"}});
        let now = json!({"flinkVersion": "v1_20", "job": job});
        assert_eq!(
            rules(&with_last(now, suspended)),
            [Rule::FlinkVersionChangedAfterSuspend]
        );
        let redeploy = json!({"job": {"savepointRedeployNonce": 2}});
        let before = json!({"job": {"savepointRedeployNonce": 1}});
        assert_eq!(
            rules(&with_last(redeploy.clone(), before)),
            [Rule::RedeployNonceWithoutPath]
        );
        let same = json!({"job": {"savepointRedeployNonce": 2}});
        assert!(rules(&with_last(redeploy, same)).is_empty());
        let session = json!({"flinkVersion": "v1_20"});
        assert_eq!(
            rules(&with_last(json!({"job": job}), session)),
            [Rule::ClusterModeChanged]
        );
        let standalone = json!({"mode": "standalone", "job": job});
        assert_eq!(
            rules(&with_last(json!({"job": job}), standalone)),
            [Rule::ClusterModeChanged]
        );
    }
}
