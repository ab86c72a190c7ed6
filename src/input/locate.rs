//! Places problems in their file: JSON Pointer to line and column, computed only for documents
//! that have something to report, with one `PositionReader` per source so that a file of many
//! such documents is read once, not once per document.

use crate::finding::{At, Finding, Problem};
use crate::input::Document;
use crate::model::resource::kind_name_namespace;
use crate::yaml::{Pos, PositionReader};

/// `positions` reads the source `doc` came from.
pub fn place(
    positions: &mut PositionReader<'_>,
    doc: &Document,
    problems: Vec<Problem>,
) -> Vec<Finding> {
    if problems.is_empty() {
        return Vec::new();
    }
    let positions = positions.positions(doc.origin.document - 1);
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
