//! Checks: a resource in, problems out. A rule never prints, reads a file or exits.
//!
//! One folder per family: `schema/` (what the API server refuses or prunes), `operator/` (what the
//! admission webhook refuses), `backup/` (the procedure's prerequisites). `registry` declares every
//! rule once; `policy` decides severities after the checks.

mod backup;
mod operator;
pub mod policy;
pub mod registry;
mod schema;

use std::collections::HashMap;

use serde_json::Value;

use crate::pointer::Lookup;
use crate::yaml::DuplicateKey;

use crate::finding::Problem;
use crate::input::Document;
use crate::model::flink_config::FlinkConfig;
use crate::model::kind::Kind;
use crate::model::operator_config::OperatorConfig;
use crate::model::release::Release;
use crate::model::resource::{Classified, Resource, classify};
use crate::model::session_cluster::SessionCluster;
use crate::model::storage::Storage;
use backup::StateSetup;
pub use policy::Policy;
use registry::Rule;
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub release: Release,
    pub policy: Policy,
    /// The operator's configuration: its defaults lie under every resource's own.
    pub operator: Arc<OperatorConfig>,
}

/// What checking one object found.
#[derive(Debug)]
pub enum Verdict {
    /// Not a Flink resource: counted, not checked.
    Skipped,
    Checked(Vec<Problem>),
}

/// The rules a FlinkSessionJob can only be held to once its session cluster is known: it
/// inherits the cluster's state directories and pods.
pub fn check_session_job(
    job: Resource<'_>,
    cluster: &SessionCluster,
    options: &CheckOptions,
) -> Vec<Problem> {
    let problems = match operator::on_application_cluster(cluster) {
        Some(problem) => vec![problem],
        None => inherited_problems(job, cluster),
    };
    options.policy.judge(problems)
}

/// Checks a set of objects held together (a KRM ResourceList, the output of a transform): each
/// one, and every session job with its cluster when the set has it. Problems come with the index
/// of their object.
pub fn check_values(values: &[&Value], options: &CheckOptions) -> Vec<(usize, Problem)> {
    let mut clusters: HashMap<&str, Vec<SessionCluster>> = HashMap::new();
    for value in values {
        if let Classified::Flink(r) = classify(value) {
            if let Some(cluster) = SessionCluster::of(r, &options.operator) {
                clusters
                    .entry(r.name().unwrap_or_default())
                    .or_default()
                    .push(cluster);
            }
        }
    }
    let mut out = Vec::new();
    for (i, value) in values.iter().enumerate() {
        let Verdict::Checked(problems) = check_object(value, &[], options) else {
            continue;
        };
        out.extend(problems.into_iter().map(|p| (i, p)));
        if let Classified::Flink(r) = classify(value) {
            let deployment = r.value.at("/spec/deploymentName").and_then(Value::as_str);
            let cluster = deployment
                .and_then(|name| clusters.get(name))
                .and_then(|found| found.iter().find(|c| c.serves(&r)));
            if let (Kind::FlinkSessionJob, Some(cluster)) = (r.kind, cluster) {
                out.extend(
                    check_session_job(r, cluster, options)
                        .into_iter()
                        .map(|p| (i, p)),
                );
            }
        }
    }
    out
}

fn inherited_problems(job: Resource<'_>, cluster: &SessionCluster) -> Vec<Problem> {
    let config = cluster
        .config
        .overlaid_by(&FlinkConfig::of(job.value), "/spec/deploymentName");
    let mut problems = operator::check_inherited(job, &config);
    let setup = StateSetup {
        config: &config,
        storage: &cluster.storage,
        missing_at: "/spec/deploymentName",
    };
    let inherited = backup::check(&setup);
    problems.extend(inherited.into_iter().map(|mut p| {
        p.message = format!(
            "{} (from its session cluster {})",
            p.message,
            cluster.describe()
        );
        p
    }));
    problems
}

/// Schema violations alone, for any release: the schema stage of the gate.
pub fn schema_problems(resource: Resource<'_>, release: Release) -> Vec<Problem> {
    schema::check(resource, release)
}

pub fn check_document(doc: &Document, options: &CheckOptions) -> Verdict {
    check_object(&doc.value, &doc.duplicates, options)
}

fn check_object(value: &Value, duplicates: &[DuplicateKey], options: &CheckOptions) -> Verdict {
    let mut problems = match classify(value) {
        Classified::Other => return Verdict::Skipped,
        Classified::WrongApiVersion { kind, api_version } => vec![Problem::new(
            Rule::ApiVersion,
            "/apiVersion",
            format!(
                "{kind} is served as apiVersion flink.apache.org/v1beta1, not {api_version:?}; \
                 the API server would refuse this document"
            ),
        )],
        Classified::Flink(resource) => {
            let mut p = schema::check(resource, options.release);
            p.extend(schema::unknown_fields(resource, options.release));
            let config = if resource.kind == Kind::FlinkDeployment {
                options.operator.effective(resource.value)
            } else {
                FlinkConfig::default()
            };
            p.extend(operator::check(resource, &config));
            if resource.kind == Kind::FlinkDeployment {
                let setup = StateSetup {
                    config: &config,
                    storage: &Storage::of(resource.value),
                    missing_at: if resource.value.at("/spec/flinkConfiguration").is_some() {
                        "/spec/flinkConfiguration"
                    } else {
                        "/spec"
                    },
                };
                p.extend(backup::check(&setup));
            }
            p
        }
    };
    problems.extend(duplicates.iter().map(|d| {
        Problem::new(
            Rule::DuplicateKey,
            d.pointer.clone(),
            "this key appears twice in the same mapping; kubectl rejects the document (most YAML tools keep the last value without a word)",
        )
        .at_key()
    }));
    Verdict::Checked(options.policy.judge(problems))
}
