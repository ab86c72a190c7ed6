//! What a check reports, before and after it is placed in its file.

use std::sync::Arc;

use serde::Serialize;

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

/// A problem as a rule sees it: relative to one object, not yet placed in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub rule: &'static str,
    pub severity: Severity,
    /// JSON Pointer within the object.
    pub pointer: String,
    pub at: At,
    pub message: String,
}

impl Problem {
    pub fn error(
        rule: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            rule,
            severity: Severity::Error,
            pointer: pointer.into(),
            at: At::Value,
            message: message.into(),
        }
    }

    pub fn warning(
        rule: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(rule, pointer, message)
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
    pub rule: &'static str,
    pub path: String,
    pub message: String,
}
