//! The last gate before stdout: every manifest the tool writes must pass the embedded schema of
//! the chosen release, or nothing is written.

use serde_json::Value;

use crate::check;
use crate::model::release::Release;
use crate::model::resource::{Classified, classify};

pub fn check(manifests: &[&Value], release: Release) -> Result<(), Vec<String>> {
    let mut reasons = Vec::new();
    for value in manifests {
        if let Classified::Flink(resource) = classify(value) {
            for problem in check::schema_problems(resource, release) {
                reasons.push(format!(
                    "the {} it would write fails the operator {release} schema at {}: {}",
                    resource.describe(),
                    if problem.pointer.is_empty() {
                        "/"
                    } else {
                        &problem.pointer
                    },
                    problem.message
                ));
            }
        }
    }
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(reasons)
    }
}
