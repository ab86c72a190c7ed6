//! Checks: a resource in, problems out. A rule never prints, reads a file or exits.

mod operator_rules;
mod prerequisites;
pub mod rules;
mod schema;
mod unknown_fields;

use crate::pointer::Lookup;
use std::collections::BTreeSet;

use crate::finding::{Problem, Severity};
use crate::flink_config::FlinkConfig;
use crate::input::Document;
use crate::kind::Kind;
use crate::release::Release;
use crate::resource::{Classified, Resource, classify};
use crate::session_cluster::SessionCluster;
use crate::storage::Storage;
use prerequisites::StateSetup;

#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub release: Release,
    /// Unknown fields are errors, not warnings.
    pub strict: bool,
    /// Backup prerequisites are errors, not warnings.
    pub backup_ready: bool,
    /// Rule ids turned off with `--disable`.
    pub disabled: BTreeSet<String>,
}

impl CheckOptions {
    fn prerequisite_severity(&self) -> Severity {
        if self.backup_ready {
            Severity::Error
        } else {
            Severity::Warning
        }
    }
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            release: Release::NEWEST,
            strict: false,
            backup_ready: false,
            disabled: BTreeSet::new(),
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
/// inherits the cluster's state directories and pods.
pub fn check_session_job(
    job: Resource<'_>,
    cluster: &SessionCluster,
    options: &CheckOptions,
) -> Vec<Problem> {
    let mut problems = match operator_rules::on_application_cluster(cluster) {
        Some(problem) => vec![problem],
        None => inherited_problems(job, cluster, options),
    };
    problems.retain(|p| !options.disabled.contains(p.rule));
    problems
}

/// Checks a set of documents held together (a KRM ResourceList): each one, and every session job
/// with its cluster when the set has it. Problems come with the index of their document.
pub fn check_documents(documents: &[Document], options: &CheckOptions) -> Vec<(usize, Problem)> {
    let clusters: Vec<SessionCluster> = documents
        .iter()
        .filter_map(|d| match classify(&d.value) {
            Classified::Flink(r) => SessionCluster::of(r),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for (i, doc) in documents.iter().enumerate() {
        let Verdict::Checked(problems) = check_document(doc, options) else {
            continue;
        };
        out.extend(problems.into_iter().map(|p| (i, p)));
        if let Classified::Flink(r) = classify(&doc.value) {
            if r.kind == Kind::FlinkSessionJob {
                if let Some(cluster) = clusters.iter().find(|c| c.serves(&r)) {
                    out.extend(
                        check_session_job(r, cluster, options)
                            .into_iter()
                            .map(|p| (i, p)),
                    );
                }
            }
        }
    }
    out
}

fn inherited_problems(
    job: Resource<'_>,
    cluster: &SessionCluster,
    options: &CheckOptions,
) -> Vec<Problem> {
    let config = cluster
        .config
        .overlaid_by(&FlinkConfig::of(job.value), "/spec/deploymentName");
    let mut problems = operator_rules::check_inherited(job, &config);
    let setup = StateSetup {
        config: &config,
        storage: &cluster.storage,
        missing_at: "/spec/deploymentName",
    };
    let inherited = prerequisites::check(&setup, options.prerequisite_severity());
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

/// Schema violations alone: the gate every manifest the tool writes must pass.
pub fn schema_problems(resource: Resource<'_>, release: Release) -> Vec<Problem> {
    schema::check(resource, release)
}

pub fn check_document(doc: &Document, options: &CheckOptions) -> Verdict {
    let mut problems = match classify(&doc.value) {
        Classified::Other => return Verdict::Skipped,
        Classified::WrongApiVersion { kind, api_version } => vec![Problem::error(
            rules::API_VERSION,
            "/apiVersion",
            format!(
                "{kind} is served as apiVersion flink.apache.org/v1beta1, not {api_version:?}; \
                 the API server would refuse this document"
            ),
        )],
        Classified::Flink(resource) => {
            let unknown_severity = if options.strict {
                Severity::Error
            } else {
                Severity::Warning
            };
            let mut p = schema::check(resource, options.release);
            p.extend(unknown_fields::check(
                resource,
                options.release,
                unknown_severity,
            ));
            let config = if resource.kind == Kind::FlinkDeployment {
                FlinkConfig::of(resource.value)
            } else {
                FlinkConfig::default()
            };
            p.extend(operator_rules::check(resource, &config));
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
                p.extend(prerequisites::check(
                    &setup,
                    options.prerequisite_severity(),
                ));
            }
            p
        }
    };
    problems.extend(doc.duplicates.iter().map(|d| {
        Problem::error(
            rules::DUPLICATE_KEY,
            d.pointer.clone(),
            "this key appears twice in the same mapping; kubectl rejects the document (most YAML tools keep the last value without a word)",
        )
        .at_key()
    }));
    problems.retain(|p| !options.disabled.contains(p.rule));
    Verdict::Checked(problems)
}
