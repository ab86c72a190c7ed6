//! What a check reports, before and after it is placed in its file.

use std::sync::Arc;

use serde::Serialize;

use crate::check::registry::{Family, Rule};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Which node of the document a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// The value at the pointer (or, for a missing field, the mapping that lacks it).
    Value,
    /// The key of the mapping entry at the pointer: unknown and duplicate fields.
    Key,
}

/// A problem as a rule sees it: relative to one object, not yet placed in a file. Its severity is
/// the rule's default until the severity stage (`check::policy`) decides it.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub rule: Rule,
    pub severity: Severity,
    /// JSON Pointer within the object.
    pub pointer: String,
    pub at: At,
    pub message: String,
}

impl Problem {
    pub fn new(rule: Rule, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            rule,
            severity: rule.info().severity,
            pointer: pointer.into(),
            at: At::Value,
            message: message.into(),
        }
    }

    pub fn at_key(mut self) -> Self {
        self.at = At::Key;
        self
    }
}

/// A problem placed in its file: the unit every report format prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub file: Arc<str>,
    pub document: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<usize>,
    pub line: usize,
    pub column: usize,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub severity: Severity,
    pub rule: Rule,
    pub family: Family,
    pub path: String,
    pub message: String,
}
