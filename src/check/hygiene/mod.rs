//! The `hygiene` family: what neither the API server nor the operator's webhook refuses, but what
//! still costs the job or its state. Warnings: the resource is accepted, so the message never
//! says the operator refuses it.

use serde_json::Value;

use crate::check::operator::{jar_uri, last_reconciled_spec};
use crate::check::registry::Rule;
use crate::finding::Problem;
use crate::model::kind::Kind;
use crate::model::release::Release;
use crate::model::resource::Resource;
use crate::pointer::Lookup;

pub fn check(resource: Resource<'_>, release: Release) -> Vec<Problem> {
    let mut out = Vec::new();
    let job = resource.job();
    let field = |name: &str| job.and_then(|j| j.get(name)).filter(|v| !v.is_null());
    match resource.kind {
        Kind::FlinkDeployment | Kind::FlinkSessionJob => {
            // The 1.15 webhook checks session jobs' jars itself (`jar-uri-invalid`).
            let checked_by_operator =
                resource.kind == Kind::FlinkSessionJob && release >= Release::V1_15;
            if let Some(uri) = field("jarURI").and_then(Value::as_str) {
                if let Some(why) = jar_uri::unusable(uri).filter(|_| !checked_by_operator) {
                    out.push(Problem::new(
                        Rule::JarUriUnusable,
                        "/spec/job/jarURI",
                        format!("{why} (the operator accepts the resource; the job fails later)"),
                    ));
                }
            }
            let decided_by_status = last_reconciled_spec(resource.value).is_some();
            let path_blank = field("initialSavepointPath")
                .and_then(Value::as_str)
                .is_none_or(|p| p.trim().is_empty());
            if resource.kind == Kind::FlinkDeployment
                && field("savepointRedeployNonce").is_some()
                && path_blank
                && !decided_by_status
            {
                out.push(Problem::new(
                    Rule::RedeployNeedsInitialSavepointPath,
                    "/spec/job/savepointRedeployNonce",
                    "savepointRedeployNonce is set but initialSavepointPath is empty: if applying \
                     this changes the nonce, the operator refuses it; if not, the nonce redeploys \
                     nothing. Set spec.job.initialSavepointPath to the savepoint to redeploy from",
                ));
            }
        }
        Kind::FlinkStateSnapshot => {
            let v = resource.value;
            let already_exists = v.at("/spec/savepoint/alreadyExists") == Some(&Value::Bool(true));
            let path_blank = v
                .at("/spec/savepoint/path")
                .and_then(Value::as_str)
                .is_none_or(|p| p.trim().is_empty());
            if already_exists && path_blank {
                out.push(Problem::new(
                    Rule::SnapshotPathMissing,
                    "/spec/savepoint",
                    "alreadyExists: true registers an existing savepoint, but spec.savepoint.path \
                     is empty: the operator accepts it and marks it COMPLETED with no path, so \
                     nothing can be restored from it. Set the savepoint's location",
                ));
            }
        }
        Kind::FlinkBlueGreenDeployment => {}
    }
    out
}
