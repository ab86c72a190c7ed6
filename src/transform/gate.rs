//! The last gate before anything is written: every manifest a transform writes must pass every
//! error-level check `validate` makes (schema and operator rules, for the chosen release, session
//! jobs with their clusters), or nothing is written.

use serde_json::Value;

use crate::check::{CheckOptions, check_values};
use crate::finding::Severity;
use crate::input::Origin;
use crate::model::resource::{Classified, classify};
use crate::refusal::Refusal;

/// A manifest about to be written, and the saved resource it was made from.
pub struct Outgoing<'a> {
    pub value: &'a Value,
    pub from: Option<&'a Origin>,
}

/// One manifest, judged with `context` beside it (a session job's cluster as saved): only the
/// manifest's own problems count.
pub fn check_one(
    manifest: &Outgoing<'_>,
    context: Option<&Value>,
    options: &CheckOptions,
) -> Result<(), Vec<Refusal>> {
    match context {
        None => check(std::slice::from_ref(manifest), options),
        Some(context) => {
            let both = [
                Outgoing {
                    value: context,
                    from: None,
                },
                Outgoing {
                    value: manifest.value,
                    from: manifest.from,
                },
            ];
            refusals(&both, options, |i| i == 1)
        }
    }
}

pub fn check(manifests: &[Outgoing<'_>], options: &CheckOptions) -> Result<(), Vec<Refusal>> {
    refusals(manifests, options, |_| true)
}

fn refusals(
    manifests: &[Outgoing<'_>],
    options: &CheckOptions,
    counts: impl Fn(usize) -> bool,
) -> Result<(), Vec<Refusal>> {
    let release = options.release;
    let values: Vec<&Value> = manifests.iter().map(|m| m.value).collect();
    // The default severities: what `validate` calls an error, whatever presets a run uses.
    let options = CheckOptions {
        policy: Default::default(),
        ..options.clone()
    };
    let reasons: Vec<Refusal> = check_values(&values, &options)
        .into_iter()
        .filter(|(i, p)| counts(*i) && p.severity == Severity::Error)
        .map(|(i, problem)| {
            let subject = match classify(values[i]) {
                Classified::Flink(r) => r.id().to_string(),
                _ => "document".to_owned(),
            };
            let info = problem.rule.info();
            let at = if problem.pointer.is_empty() {
                "/"
            } else {
                &problem.pointer
            };
            Refusal {
                at: manifests[i].from.map(|o| o.to_string()),
                message: format!(
                    "the {subject} it would write fails the operator {release} check \
                     [{}/{}] at {at}: {} (fix: {})",
                    info.family, info.id, problem.message, info.fix
                ),
            }
        })
        .collect();
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(reasons)
    }
}
