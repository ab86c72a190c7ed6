//! The `validate` command: every source, every document, every check; findings in input order.
//!
//! Files are checked one at a time. A FlinkSessionJob is held back until every file has been read,
//! because the rules it must pass depend on its session cluster, which may come later.

use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::check::registry::Rule;
use crate::check::{CheckOptions, Verdict, check_document, check_session_job_with, suppress};
use crate::finding::{Finding, Problem, Severity};
use crate::input::locate;
use crate::input::{
    self, Document, Entry, InputPath, ReadOptions, Source, SourceDefect, UnreadablePath,
};
use crate::model::kind::Kind;
use crate::model::resource::{Classified, classify, kind_name_namespace};
use crate::model::session_cluster::{ApplicationClusters, SessionCluster, SessionClusters};
use crate::packed::Packed;
use crate::yaml::{PositionReader, YamlError};

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
    /// Findings turned off on their object by a `flink-backup.io/ignore` annotation.
    pub suppressed: usize,
    /// Files skipped as Helm templates (`{{ ... }}` outside strings).
    pub templates: usize,
}

/// One checked Flink document, for reports that list passes too (JUnit).
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub file: Arc<str>,
    pub document: usize,
    pub item: Option<usize>,
    pub kind: Option<String>,
    pub name: Option<String>,
}

/// Whether a run lists the documents that passed (`Outcome::checked`), for the reports that name
/// them (JUnit), or only counts them: naming each document costs three strings, and over 10,000
/// documents 3% of the CPU time and 5 MB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Passes {
    Listed,
    #[default]
    Counted,
}

/// A finding an object's `flink-backup.io/ignore` annotation turned off, with its reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuppressedFinding {
    #[serde(flatten)]
    pub finding: Finding,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub summary: Summary,
    pub findings: Vec<Finding>,
    pub suppressed: Vec<SuppressedFinding>,
    /// Every Flink document checked, with `Passes::Listed`; empty otherwise.
    pub checked: Vec<Checked>,
}

impl Outcome {
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}

/// A session job waiting for the clusters of the whole input: which cluster it runs on decides
/// whose operator judges it, and what it inherits.
struct PendingSessionJob {
    file_index: usize,
    source: Arc<Source>,
    document: Document,
}

/// What one file gave.
#[derive(Default)]
struct FileOutcome {
    summary: Summary,
    findings: Vec<Finding>,
    suppressed: Vec<SuppressedFinding>,
    passes: Passes,
    checked: Vec<Checked>,
    checked_names: CheckedNames,
    clusters: Vec<SessionCluster>,
    applications: ApplicationClusters,
    pending: Vec<PendingSessionJob>,
}

pub fn run(
    paths: &[InputPath],
    read: &ReadOptions,
    check: &CheckOptions,
    passes: Passes,
) -> Result<Outcome, UnreadablePath> {
    let one_file = |(file_index, path): (usize, &InputPath)| {
        Ok(check_read_source(
            file_index,
            input::read_source(path)?,
            read,
            check,
            passes,
        ))
    };
    let per_file = match paths {
        // The pre-commit and editor case: one file does not pay for starting the thread pool.
        [path] => vec![one_file((0, path))?],
        // Files are checked in parallel. Collected by index, the outcomes go straight to their
        // places in one vector (collecting into a `Result` would grow a list of vectors and copy
        // it on the serial path); an unreadable path is then the first in input order.
        _ => {
            let results: Vec<Result<FileOutcome, UnreadablePath>> =
                paths.par_iter().enumerate().map(one_file).collect();
            let mut per_file = Vec::with_capacity(results.len());
            for result in results {
                per_file.push(result?);
            }
            per_file
        }
    };
    Ok(finish(per_file, read, check))
}

/// The same, over sources already in memory (or read lazily by the iterator), one at a time.
pub fn run_sources(
    sources: impl IntoIterator<Item = Result<Result<Source, SourceDefect>, UnreadablePath>>,
    read: &ReadOptions,
    check: &CheckOptions,
    passes: Passes,
) -> Result<Outcome, UnreadablePath> {
    let per_file = sources
        .into_iter()
        .enumerate()
        .map(|(file_index, source)| Ok(check_read_source(file_index, source?, read, check, passes)))
        .collect::<Result<Vec<FileOutcome>, UnreadablePath>>()?;
    Ok(finish(per_file, read, check))
}

fn check_read_source(
    file_index: usize,
    source: Result<Source, SourceDefect>,
    read: &ReadOptions,
    check: &CheckOptions,
    passes: Passes,
) -> FileOutcome {
    let mut file = FileOutcome {
        passes,
        ..FileOutcome::default()
    };
    match source {
        Ok(source) if source.is_template() => file.summary.templates = 1,
        Ok(source) => check_source(&mut file, file_index, Arc::new(source), read, check),
        Err(defect) => file.push_broken(defect.name, 1, defect.error),
    }
    file
}

/// Session jobs meet their clusters; files merge, in input order.
fn finish(mut per_file: Vec<FileOutcome>, read: &ReadOptions, check: &CheckOptions) -> Outcome {
    let mut clusters = SessionClusters::default();
    clusters.extend(per_file.iter_mut().flat_map(|f| f.clusters.drain(..)));
    let pending: Vec<PendingSessionJob> = per_file
        .iter_mut()
        .flat_map(|f| f.pending.drain(..))
        .collect();
    if !pending.is_empty() {
        clusters.extend(
            per_file
                .iter_mut()
                .flat_map(|f| std::mem::take(&mut f.applications).into_clusters()),
        );
    }
    // Jobs come in input order: one position reader per file serves all of that file's jobs.
    for jobs in pending.chunk_by(|a, b| a.file_index == b.file_index) {
        let mut positions = PositionReader::new(&jobs[0].source.text, read.limits);
        let file = &mut per_file[jobs[0].file_index];
        for job in jobs {
            file.finish_session_job(job, &clusters, &mut positions, check);
        }
    }
    let mut outcome = Outcome::default();
    for mut file in per_file {
        // Held-back session jobs rejoin their file's findings in document order.
        file.findings
            .sort_by_key(|f| (f.document, f.item, f.line, f.column));
        outcome.summary.files += 1;
        let s = &mut outcome.summary;
        s.documents += file.summary.documents;
        s.valid += file.summary.valid;
        s.invalid += file.summary.invalid;
        s.skipped += file.summary.skipped;
        s.errors += file.summary.errors;
        s.warnings += file.summary.warnings;
        s.suppressed += file.summary.suppressed;
        s.templates += file.summary.templates;
        outcome.findings.extend(file.findings);
        outcome.suppressed.extend(file.suppressed);
        outcome
            .checked
            .extend(file.checked_names.into_checked(file.checked));
    }
    outcome
}

/// The kinds and names of a file's checked documents, in one buffer while the file is read: a
/// few small strings kept per document would outlive the document around them and pin its
/// memory. `into_checked` gives each `Checked` its own strings once every file is done.
#[derive(Debug, Default)]
struct CheckedNames {
    names: Packed,
    /// Per `Checked` of the file, in order: where its kind and name stand in `names`.
    ranges: Vec<[Option<Range<usize>>; 2]>,
}

impl CheckedNames {
    /// The `Checked` for `doc`, its kind and name left empty until `into_checked`.
    fn record(&mut self, doc: &Document, kind: Option<String>, name: Option<String>) -> Checked {
        let kind = kind.map(|k| self.names.push(&k));
        let name = name.map(|n| self.names.push(&n));
        self.ranges.push([kind, name]);
        Checked {
            file: doc.origin.file.clone(),
            document: doc.origin.document,
            item: doc.origin.item,
            kind: None,
            name: None,
        }
    }

    fn into_checked(self, checked: Vec<Checked>) -> impl Iterator<Item = Checked> {
        let names = self.names;
        checked
            .into_iter()
            .zip(self.ranges)
            .map(move |(mut c, [kind, name])| {
                c.kind = kind.map(|r| names.get(r).to_owned());
                c.name = name.map(|r| names.get(r).to_owned());
                c
            })
    }
}

fn check_source(
    out: &mut FileOutcome,
    file_index: usize,
    source: Arc<Source>,
    read: &ReadOptions,
    check: &CheckOptions,
) {
    let mut positions = PositionReader::new(&source.text, read.limits);
    for entry in input::entries_placed(&source, read, &mut positions) {
        let doc = match entry {
            Entry::Broken { origin, error } => {
                out.push_broken(origin.file, origin.document, error);
                continue;
            }
            Entry::Document(doc) => doc,
        };
        out.summary.documents += 1;
        if let Classified::Flink(r) = classify(&doc.value) {
            if r.kind == Kind::FlinkSessionJob {
                out.pending.push(PendingSessionJob {
                    file_index,
                    source: source.clone(),
                    document: doc,
                });
                continue;
            }
            if !out.applications.record(r) {
                out.clusters.extend(SessionCluster::of(r, &check.operator));
            }
        }
        let problems = match check_document(&doc, check) {
            Verdict::Skipped => {
                out.summary.skipped += 1;
                continue;
            }
            Verdict::Checked(problems) => problems,
        };
        out.finish_document(&mut positions, &doc, problems, check);
    }
}

impl FileOutcome {
    fn finish_session_job(
        &mut self,
        job: &PendingSessionJob,
        clusters: &SessionClusters,
        positions: &mut PositionReader<'_>,
        check: &CheckOptions,
    ) {
        let problems = match classify(&job.document.value) {
            Classified::Flink(resource) => check_session_job_with(
                resource,
                &job.document.duplicates,
                clusters.of(&resource),
                check,
            ),
            _ => Vec::new(),
        };
        self.finish_document(positions, &job.document, problems, check);
    }

    fn finish_document(
        &mut self,
        positions: &mut PositionReader<'_>,
        doc: &Document,
        problems: Vec<Problem>,
        check: &CheckOptions,
    ) {
        let (problems, suppressed) = suppress::apply(&doc.value, problems);
        // What the annotation itself got wrong takes the run's severities too.
        let (own, mut problems): (Vec<Problem>, Vec<Problem>) = problems
            .into_iter()
            .partition(|p| matches!(p.rule, Rule::SuppressionInvalid | Rule::SuppressionUnused));
        problems.extend(check.policy.judge(own, check.release));
        if !suppressed.is_empty() {
            let reasons: Vec<String> = suppressed.iter().map(|s| s.reason.clone()).collect();
            let placed = locate::place(
                positions,
                doc,
                suppressed.into_iter().map(|s| s.problem).collect(),
            );
            self.summary.suppressed += placed.len();
            self.suppressed.extend(
                placed
                    .into_iter()
                    .zip(reasons)
                    .map(|(finding, reason)| SuppressedFinding { finding, reason }),
            );
        }
        let findings = locate::place(positions, doc, problems);
        if self.passes == Passes::Listed {
            let (kind, name, _) = kind_name_namespace(&doc.value);
            let checked = self.checked_names.record(doc, kind, name);
            self.checked.push(checked);
        }
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

    fn push_broken(&mut self, file: Arc<str>, document: usize, error: YamlError) {
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
            rule: Rule::YamlSyntax,
            family: Rule::YamlSyntax.family(),
            path: String::new(),
            message: error.message,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::DOCUMENTS_READ;

    /// Placing the findings of many documents of one file reads the file's positions in one pass
    /// (and one more for its held-back session jobs), not once per document: every document,
    /// object of a List and session job below has a finding, where the old way read the file from
    /// the top for each.
    #[test]
    fn findings_of_a_crowded_file_are_placed_in_one_pass() {
        let deployment = |name: String| {
            format!(
                "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\n\
                 metadata:\n  name: {name}\nspec:\n  bogusField: 1\n"
            )
        };
        let session_job = |i: usize| {
            format!(
                "apiVersion: flink.apache.org/v1beta1\nkind: FlinkSessionJob\n\
                 metadata:\n  name: job-{i}\nspec:\n  deploymentName: session\n  bogusField: 1\n"
            )
        };
        let mut documents: Vec<String> = (0..20).map(|i| deployment(format!("d-{i}"))).collect();
        let items: String = (0..20)
            .map(|i| {
                let item = deployment(format!("item-{i}")).replace('\n', "\n  ");
                format!("- {}\n", item.trim_end())
            })
            .collect();
        documents.push(format!("apiVersion: v1\nkind: List\nitems:\n{items}"));
        documents.extend((0..10).map(session_job));
        documents.extend((20..40).map(|i| deployment(format!("d-{i}"))));
        let text = documents.join("---\n");
        let source = Source {
            name: "crowded.yaml".into(),
            text: text.clone(),
            bom: false,
        };

        DOCUMENTS_READ.set(0);
        let outcome = run_sources(
            [Ok(Ok(source))],
            &ReadOptions::default(),
            &CheckOptions::default(),
            Passes::Counted,
        )
        .unwrap();

        let unknown: Vec<&Finding> = outcome
            .findings
            .iter()
            .filter(|f| f.rule == Rule::UnknownField)
            .collect();
        assert_eq!(unknown.len(), 70, "{:#?}", outcome.findings);
        // Each placed on its own `bogusField` line.
        let lines: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim_start().starts_with("bogusField"))
            .map(|(i, _)| i + 1)
            .collect();
        let mut placed: Vec<usize> = unknown.iter().map(|f| f.line).collect();
        placed.sort_unstable();
        assert_eq!(placed, lines);
        let read = DOCUMENTS_READ.get();
        assert!(
            read <= 3 * documents.len(),
            "{read} documents read for {}",
            documents.len()
        );
    }

    /// The documents that passed are named only for the reports that list them.
    #[test]
    fn passes_are_listed_only_when_asked() {
        let text = "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\n\
                    metadata:\n  name: a\nspec:\n  bogusField: 1\n---\nkind: ConfigMap\n";
        let outcome = |passes| {
            let source = Source {
                name: "two.yaml".into(),
                text: text.into(),
                bom: false,
            };
            run_sources(
                [Ok(Ok(source))],
                &ReadOptions::default(),
                &CheckOptions::default(),
                passes,
            )
            .unwrap()
        };
        let listed = outcome(Passes::Listed);
        let counted = outcome(Passes::Counted);
        assert_eq!(
            listed.checked,
            vec![Checked {
                file: "two.yaml".into(),
                document: 1,
                item: None,
                kind: Some("FlinkDeployment".into()),
                name: Some("a".into()),
            }]
        );
        assert!(counted.checked.is_empty());
        // Everything else is the same.
        assert_eq!(listed.summary, counted.summary);
        assert_eq!(listed.findings, counted.findings);
        assert_eq!(listed.summary.invalid, 1);
    }
}
