//! Checks: a resource in, problems out. A rule never prints, reads a file or exits.
//!
//! One folder per family: `schema/` (what the API server refuses or prunes), `operator/` (what the
//! admission webhook refuses, one file per kind), `backup/` (the procedure's prerequisites),
//! `hygiene/` (what nobody refuses but still costs the job). `registry` declares every rule once;
//! `policy` decides severities after the checks.

mod backup;
mod hygiene;
mod operator;
pub mod policy;
pub mod registry;
mod schema;
pub mod suppress;

use std::sync::Arc;

use serde_json::Value;

use crate::finding::Problem;
use crate::input::Document;
use crate::model::blue_green::TEMPLATE_SPEC;
use crate::model::distribution::{Distribution, DistributionSetting, IBM_RELEASE, marked_ibm};
use crate::model::flink_config::{FlinkConfig, FlinkLine};
use crate::model::kind::Kind;
use crate::model::operator_config::OperatorConfig;
use crate::model::release::Release;
use crate::model::resource::{Classified, Resource, classify};
use crate::model::session_cluster::{SessionCluster, SessionClusters};
use crate::model::storage::Storage;
use crate::pointer::Lookup;
use crate::schemas;
use crate::yaml::DuplicateKey;
use backup::StateSetup;
use operator::Judge;
pub use policy::Policy;
use registry::Rule;

#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub release: Release,
    /// Whether the release was chosen (`--operator-version`), rather than the default: IBM's
    /// resources are judged at IBM's release unless it was.
    pub release_chosen: bool,
    pub policy: Policy,
    /// The operator's configuration: its defaults lie under every resource's own.
    pub operator: Arc<OperatorConfig>,
    pub distribution: DistributionSetting,
}

impl CheckOptions {
    /// Whose operator, at which release, judges a resource that is (or runs on a cluster that is)
    /// marked as IBM's or not.
    fn judge(&self, marked_ibm: bool) -> Judge<'_> {
        let distribution = self.distribution.resolve(marked_ibm);
        let release = match distribution {
            Distribution::Ibm if !self.release_chosen => IBM_RELEASE,
            _ => self.release,
        };
        Judge {
            release,
            distribution,
            operator: &self.operator,
        }
    }
}

/// What checking one object found.
#[derive(Debug)]
pub enum Verdict {
    /// Not a Flink resource: counted, not checked.
    Skipped,
    Checked(Vec<Problem>),
}

/// The rules a FlinkSessionJob can only be held to once its session cluster is known: it
/// inherits the cluster's configuration and pods.
pub fn check_session_job(
    job: Resource<'_>,
    cluster: &SessionCluster,
    options: &CheckOptions,
) -> Vec<Problem> {
    let judge = options.judge(cluster.ibm);
    let mut problems = operator::check_with_cluster(job, cluster, &judge);
    if !cluster.has_job {
        problems.extend(inherited_prerequisites(job, cluster));
    }
    options.policy.judge(problems, judge.release)
}

/// Checks a set of objects held together (a KRM ResourceList, the output of a transform): each
/// one, and every session job with its cluster when the set has it. Problems come with the index
/// of their object.
pub fn check_values(values: &[&Value], options: &CheckOptions) -> Vec<(usize, Problem)> {
    let mut clusters = SessionClusters::default();
    for value in values {
        if let Classified::Flink(r) = classify(value) {
            clusters.extend(SessionCluster::of(r, &options.operator));
        }
    }
    let mut out = Vec::new();
    for (i, value) in values.iter().enumerate() {
        let problems = match classify(value) {
            Classified::Flink(r) if r.kind == Kind::FlinkSessionJob => {
                check_session_job_with(r, &[], clusters.of(&r), options)
            }
            _ => match check_object(value, &[], options) {
                Verdict::Checked(problems) => problems,
                Verdict::Skipped => continue,
            },
        };
        out.extend(problems.into_iter().map(|p| (i, p)));
    }
    out
}

/// Everything a session job is held to, once it is known whether the input has its cluster:
/// the cluster decides whose operator judges it, and what it inherits.
pub fn check_session_job_with(
    job: Resource<'_>,
    duplicates: &[DuplicateKey],
    cluster: Option<&SessionCluster>,
    options: &CheckOptions,
) -> Vec<Problem> {
    let mut problems = match check_resource(job, duplicates, cluster, options) {
        Verdict::Checked(problems) => problems,
        Verdict::Skipped => Vec::new(),
    };
    if job.is_canary() {
        return problems;
    }
    if let Some(cluster) = cluster {
        problems.extend(check_session_job(job, cluster, options));
    }
    let release = options.judge(cluster.is_some_and(|c| c.ibm)).release;
    problems.extend(options.policy.judge(
        backup::session_job_savepoint_dir(job.value, cluster),
        release,
    ));
    problems
}

/// A session job's prerequisites, which come from its cluster's directories and pods.
fn inherited_prerequisites(job: Resource<'_>, cluster: &SessionCluster) -> Vec<Problem> {
    let config = cluster
        .config
        .overlaid_by(FlinkConfig::of(job.value), "/spec/deploymentName")
        .read_by(cluster.config.line());
    let setup = StateSetup {
        config: &config,
        storage: &cluster.storage,
        missing_at: "/spec/deploymentName",
    };
    backup::check(&setup)
        .into_iter()
        .map(|mut p| {
            p.message = format!(
                "{} (from its session cluster {})",
                p.message,
                cluster.describe()
            );
            p
        })
        .collect()
}

/// FLINK-39814, for `backup` to say on stderr: where a session job's snapshot-triggered
/// savepoints land when it sets its own savepoint directory.
pub fn session_job_savepoint_dir_note(
    job: Resource<'_>,
    cluster: Option<&SessionCluster>,
) -> Option<String> {
    backup::session_job_savepoint_dir(job.value, cluster)
        .pop()
        .map(|p| p.message)
}

pub use schema::admits::admits as schema_admits;
pub use schema::answers as schema_answers;

/// Schema violations alone, for any release: the schema stage of the gate.
pub fn schema_problems(resource: Resource<'_>, release: Release) -> Vec<Problem> {
    schema::check(resource, release)
}

pub fn check_document(doc: &Document, options: &CheckOptions) -> Verdict {
    check_object(&doc.value, &doc.duplicates, options)
}

fn check_object(value: &Value, duplicates: &[DuplicateKey], options: &CheckOptions) -> Verdict {
    match classify(value) {
        Classified::Other => Verdict::Skipped,
        Classified::WrongApiVersion { kind, api_version } => {
            let mut problems = vec![Problem::new(
                Rule::ApiVersion,
                "/apiVersion",
                format!(
                    "{kind} is served as apiVersion flink.apache.org/v1beta1, not {api_version:?}; \
                     the API server would refuse this document"
                ),
            )];
            problems.extend(duplicate_keys(duplicates));
            Verdict::Checked(options.policy.judge(problems, options.release))
        }
        Classified::Flink(resource) => check_resource(resource, duplicates, None, options),
    }
}

/// Every rule a resource can be held to on its own (a session job's cluster, when known, decides
/// whose operator judges it).
fn check_resource(
    resource: Resource<'_>,
    duplicates: &[DuplicateKey],
    cluster: Option<&SessionCluster>,
    options: &CheckOptions,
) -> Verdict {
    let ibm = match resource.kind {
        Kind::FlinkSessionJob => cluster.is_some_and(|c| c.ibm),
        Kind::FlinkBlueGreenDeployment => marked_ibm(resource.value.at(TEMPLATE_SPEC)),
        _ => marked_ibm(resource.spec()),
    };
    let judge = options.judge(ibm);
    let mut problems = duplicate_keys(duplicates);
    if !schemas::serves(judge.release, resource.kind) {
        problems.push(Problem::new(
            Rule::KindNotServed,
            "/kind",
            format!(
                "{} exists from operator 1.14: the {} operator has no such CRD, so the API \
                 server refuses the document",
                resource.kind, judge.release
            ),
        ));
        return Verdict::Checked(options.policy.judge(problems, judge.release));
    }
    problems.extend(schema::problems(resource, judge.release));
    if resource.is_canary() {
        // Not a job: nothing to back up, and the webhook does not look at it.
        return Verdict::Checked(options.policy.judge(problems, judge.release));
    }
    let spec_at = match resource.kind {
        Kind::FlinkDeployment => Some("/spec"),
        Kind::FlinkBlueGreenDeployment => Some(TEMPLATE_SPEC),
        _ => None,
    };
    let spec = spec_at.map(|at| resource.value.at(at).unwrap_or(&Value::Null));
    let mut effective = spec_at.zip(spec).map(|(at, spec)| {
        options
            .operator
            .effective_for_spec(resource.namespace(), spec, at)
    });
    problems.extend(operator::check(resource, &judge, effective.as_mut()));
    // One value, one finding: the operator's name rule says more than the schema's pattern.
    let name_rule = |p: &Problem| p.rule == Rule::NameInvalid && p.pointer == "/metadata/name";
    if problems.iter().any(name_rule) {
        problems.retain(|p| !(p.rule == Rule::SchemaViolation && p.pointer == "/metadata/name"));
    }
    problems.extend(hygiene::check(resource, judge.release));
    if resource.kind == Kind::FlinkStateSnapshot {
        problems.extend(backup::snapshot(resource.value));
    }
    if let (Some(at), Some(spec), Some(config)) = (spec_at, spec, effective.as_mut()) {
        let version = spec.field("flinkVersion").and_then(Value::as_str);
        let config = config.reread_by(FlinkLine::of_version(version));
        let configuration = format!("{at}/flinkConfiguration");
        let setup = StateSetup {
            config,
            storage: &Storage::of_spec(spec),
            missing_at: if spec.field("flinkConfiguration").is_some() {
                &configuration
            } else {
                at
            },
        };
        problems.extend(backup::check(&setup));
    }
    Verdict::Checked(options.policy.judge(problems, judge.release))
}

fn duplicate_keys(duplicates: &[DuplicateKey]) -> Vec<Problem> {
    duplicates
        .iter()
        .map(|d| {
            Problem::new(
                Rule::DuplicateKey,
                d.pointer.clone(),
                "this key appears twice in the same mapping; kubectl rejects the document (most YAML tools keep the last value without a word)",
            )
            .at_key()
        })
        .collect()
}
