//! The `validate` command: every source, every document, every check; findings in input order.

use serde::Serialize;

use crate::check::{CheckOptions, Verdict, check_document, rules};
use crate::finding::{Finding, Severity};
use crate::input::{self, Entry, InputPath, ReadOptions, Source, UnreadablePath};
use crate::locate;

/// Counts for the summary line and the JSON contract.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub valid: usize,
    pub invalid: usize,
    pub skipped: usize,
    pub errors: usize,
    pub warnings: usize,
}

/// One checked Flink document, for reports that list passes too (JUnit).
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub file: std::sync::Arc<str>,
    pub document: usize,
    pub item: Option<usize>,
    pub kind: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub summary: Summary,
    pub findings: Vec<Finding>,
    pub checked: Vec<Checked>,
}

impl Outcome {
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }

    fn absorb(&mut self, file: Outcome) {
        self.summary.files += 1;
        self.summary.documents += file.summary.documents;
        self.summary.valid += file.summary.valid;
        self.summary.invalid += file.summary.invalid;
        self.summary.skipped += file.summary.skipped;
        self.summary.errors += file.summary.errors;
        self.summary.warnings += file.summary.warnings;
        self.findings.extend(file.findings);
        self.checked.extend(file.checked);
    }
}

pub fn run(
    paths: &[InputPath],
    read: &ReadOptions,
    check: &CheckOptions,
) -> Result<Outcome, UnreadablePath> {
    let mut outcome = Outcome::default();
    for path in paths {
        let file = match input::read_source(path)? {
            Ok(source) => check_source(&source, read, check),
            Err(defect) => {
                let mut file = Outcome::default();
                file.push_broken(defect.name, 1, defect.error);
                file
            }
        };
        outcome.absorb(file);
    }
    Ok(outcome)
}

/// Checks one file's documents; pure, so files can be checked in any order and merged.
pub fn check_source(source: &Source, read: &ReadOptions, check: &CheckOptions) -> Outcome {
    let mut out = Outcome::default();
    for entry in input::entries(source, read) {
        match entry {
            Entry::Broken { origin, error } => {
                out.push_broken(origin.file, origin.document, error);
            }
            Entry::Document(doc) => {
                out.summary.documents += 1;
                match check_document(&doc, check) {
                    Verdict::Skipped => out.summary.skipped += 1,
                    Verdict::Checked(problems) => {
                        let findings = locate::place(source, &doc, problems, read.limits);
                        let (kind, name, _) = crate::resource::kind_name_namespace(&doc.value);
                        out.checked.push(Checked {
                            file: doc.origin.file.clone(),
                            document: doc.origin.document,
                            item: doc.origin.item,
                            kind,
                            name,
                        });
                        out.push_findings(findings);
                    }
                }
            }
        }
    }
    out
}

impl Outcome {
    fn push_findings(&mut self, findings: Vec<Finding>) {
        let errors = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        self.summary.errors += errors;
        self.summary.warnings += findings.len() - errors;
        if errors > 0 {
            self.summary.invalid += 1;
        } else {
            self.summary.valid += 1;
        }
        self.findings.extend(findings);
    }

    fn push_broken(
        &mut self,
        file: std::sync::Arc<str>,
        document: usize,
        error: crate::yaml::YamlError,
    ) {
        self.summary.documents += 1;
        self.summary.invalid += 1;
        self.summary.errors += 1;
        self.findings.push(Finding {
            file,
            document,
            item: None,
            line: error.pos.line,
            column: error.pos.column,
            kind: None,
            name: None,
            namespace: None,
            severity: Severity::Error,
            rule: rules::YAML,
            path: String::new(),
            message: error.message,
        });
    }
}
