//! Every rule id, its default severity and what it catches: the JSON contract's `rule` values.

use crate::finding::Severity;

pub const YAML: &str = "yaml";
pub const SCHEMA: &str = super::schema::RULE;
pub const UNKNOWN_FIELD: &str = super::unknown_fields::RULE;
pub const DUPLICATE_KEY: &str = "duplicate-key";
pub const API_VERSION: &str = "api-version";

pub struct RuleInfo {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

pub const ALL: &[RuleInfo] = &[
    RuleInfo {
        id: YAML,
        severity: Severity::Error,
        summary: "The document is not YAML that kubectl can read.",
    },
    RuleInfo {
        id: SCHEMA,
        severity: Severity::Error,
        summary: "The document violates the operator's CRD schema for the chosen release.",
    },
    RuleInfo {
        id: UNKNOWN_FIELD,
        severity: Severity::Warning,
        summary: "A field the schema does not declare; the API server prunes it silently (an error with --strict).",
    },
    RuleInfo {
        id: DUPLICATE_KEY,
        severity: Severity::Error,
        summary: "A mapping has the same key twice; kubectl's strict decoding rejects it.",
    },
    RuleInfo {
        id: API_VERSION,
        severity: Severity::Error,
        summary: "A Flink kind with an apiVersion other than flink.apache.org/v1beta1.",
    },
];

pub fn find(id: &str) -> Option<&'static RuleInfo> {
    ALL.iter().find(|r| r.id == id)
}
