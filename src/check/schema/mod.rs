//! The `schema` family: what the API server refuses (schema violations) or prunes (unknown fields),
//! against the chosen operator release.

pub mod admits;
mod property_table;
mod structural;
mod unknown_fields;

use unknown_fields::check as unknown_fields;

use std::borrow::Cow;

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use crate::check::registry::Rule;
use crate::finding::Problem;
use crate::model::release::Release;
use crate::model::resource::Resource;
use crate::schemas;

/// Schema violations (what the API server refuses) and unknown fields (what it prunes).
pub fn problems(resource: Resource<'_>, release: Release) -> Vec<Problem> {
    let walked = admits::walk(release, resource.kind, resource.value);
    // Most documents are valid: the walk says so without compiling the schema.
    let mut problems = if walked.answer == Some(true) {
        Vec::new()
    } else {
        violations(resource, release)
    };
    if !walked.prunes_nothing() {
        problems.extend(unknown_fields(resource, release));
    }
    problems
}

/// Schema violations alone.
pub fn check(resource: Resource<'_>, release: Release) -> Vec<Problem> {
    if admits::admits(release, resource.kind, resource.value) == Some(true) {
        return Vec::new();
    }
    violations(resource, release)
}

/// What the compiled validator finds.
fn violations(resource: Resource<'_>, release: Release) -> Vec<Problem> {
    let validator = schemas::validator(release, resource.kind);
    let instance = without_nulls(resource.value);
    // Answering yes or no is several times cheaper than collecting errors.
    if validator.is_valid(&instance) {
        return Vec::new();
    }
    validator
        .iter_errors(&instance)
        .map(|e| {
            Problem::new(
                Rule::SchemaViolation,
                e.instance_path().as_str().to_owned(),
                message(&e),
            )
        })
        .collect()
}

/// At one release: the walk's answer and the validator's, and whether the walk's "nothing is
/// pruned", where it says so, holds (the unknown-field walk finds nothing).
pub struct Answers {
    pub release: Release,
    pub walk: admits::Answer,
    pub validator: bool,
    pub prunes_nothing_holds: bool,
}

/// `Answers` at every release that serves the resource's kind: what the tests and the
/// `schema_walk` fuzz target hold to agree.
pub fn answers(resource: Resource<'_>) -> Vec<Answers> {
    Release::ALL
        .into_iter()
        .filter(|&release| schemas::serves(release, resource.kind))
        .map(|release| {
            let walked = admits::walk(release, resource.kind, resource.value);
            let validator = schemas::validator(release, resource.kind);
            Answers {
                release,
                walk: walked.answer,
                validator: validator.is_valid(&without_nulls(resource.value)),
                prunes_nothing_holds: !walked.prunes_nothing()
                    || unknown_fields(resource, release).is_empty(),
            }
        })
        .collect()
}

/// The API server drops `null` fields that the schema does not mark nullable before it validates
/// (no field of these CRDs is nullable), so `args: ~` is no error there and none here.
pub(super) fn without_nulls(value: &Value) -> Cow<'_, Value> {
    fn has_null_field(v: &Value) -> bool {
        match v {
            Value::Object(m) => m.values().any(|v| v.is_null() || has_null_field(v)),
            Value::Array(a) => a.iter().any(has_null_field),
            _ => false,
        }
    }
    fn strip(v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k.clone(), strip(v)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(strip).collect()),
            other => other.clone(),
        }
    }
    if has_null_field(value) {
        Cow::Owned(strip(value))
    } else {
        Cow::Borrowed(value)
    }
}

/// The validator's message, shortened where it would quote a whole subtree.
fn message(error: &jsonschema::ValidationError<'_>) -> String {
    let instance = short(error.instance());
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            format!("missing required field {property}")
        }
        ValidationErrorKind::Enum { options } => {
            format!("{instance} is not one of {}", list(options))
        }
        ValidationErrorKind::Constant { expected_value } => {
            format!("{instance} must be {expected_value}")
        }
        ValidationErrorKind::Type { .. } if error.instance().is_boolean() => format!(
            "{} (YAML 1.1, which kubectl reads, takes unquoted yes/no/on/off/y/n as booleans: \
             quote the value if a string is meant)",
            error
        ),
        ValidationErrorKind::Pattern { .. }
            if matches!(
                error.instance_path().as_str(),
                "/metadata/name" | "/metadata/namespace"
            ) =>
        {
            format!(
                "{instance} is not a valid Kubernetes name: use lower-case letters, digits and '-' \
                 (and '.' in a name), starting and ending with a letter or digit"
            )
        }
        ValidationErrorKind::AnyOf { .. } if error.instance_path().as_str() == "/metadata" => {
            "metadata needs a name (or a generateName)".to_owned()
        }
        _ => {
            let full = error.to_string();
            let rendered = error.instance().to_string();
            if rendered.len() > 80 || !error.instance().is_string() && instance != rendered {
                full.replacen(&rendered, &instance, 1)
            } else {
                full
            }
        }
    }
}

fn short(value: &Value) -> String {
    match value {
        Value::Object(_) => "this mapping".to_owned(),
        Value::Array(_) => "this list".to_owned(),
        other => {
            let s = other.to_string();
            if s.chars().count() > 80 {
                format!("{}...", s.chars().take(77).collect::<String>())
            } else {
                s
            }
        }
    }
}

fn list(options: &Value) -> String {
    match options.as_array() {
        Some(items) => items
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        None => options.to_string(),
    }
}
