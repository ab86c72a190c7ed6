//! Places problems in their file: JSON Pointer to line and column, computed only for documents
//! that have something to report.

use crate::finding::{At, Finding, Problem};
use crate::input::{Document, Source};
use crate::model::resource::kind_name_namespace;
use crate::yaml::{Limits, Pos, read_positions};

pub fn place(
    source: &Source,
    doc: &Document,
    problems: Vec<Problem>,
    limits: Limits,
) -> Vec<Finding> {
    if problems.is_empty() {
        return Vec::new();
    }
    let positions = read_positions(&source.text, doc.origin.document - 1, limits);
    let base = doc.origin.pointer_base();
    let (kind, name, namespace) = kind_name_namespace(&doc.value);
    problems
        .into_iter()
        .map(|p| {
            let pos = positions
                .find(&format!("{base}{}", p.pointer), p.at == At::Key)
                .unwrap_or(Pos {
                    line: doc.origin.line,
                    column: 1,
                });
            Finding {
                file: doc.origin.file.clone(),
                document: doc.origin.document,
                item: doc.origin.item,
                line: pos.line,
                column: pos.column,
                kind: kind.clone(),
                name: name.clone(),
                namespace: namespace.clone(),
                severity: p.severity,
                rule: p.rule,
                family: p.rule.family(),
                path: p.pointer,
                message: p.message,
            }
        })
        .collect()
}
