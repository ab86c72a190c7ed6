//! Checks: a resource in, problems out. A rule never prints, reads a file or exits.

pub mod rules;
mod schema;
mod unknown_fields;

use std::collections::BTreeSet;

use crate::finding::{Problem, Severity};
use crate::input::Document;
use crate::release::Release;
use crate::resource::{Classified, classify};

#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub release: Release,
    /// Unknown fields are errors, not warnings.
    pub strict: bool,
    /// Rule ids turned off with `--disable`.
    pub disabled: BTreeSet<String>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            release: Release::NEWEST,
            strict: false,
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

/// Schema violations alone: the gate every manifest the tool writes must pass.
pub fn schema_problems(resource: crate::resource::Resource<'_>, release: Release) -> Vec<Problem> {
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
