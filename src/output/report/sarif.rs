//! SARIF 2.1.0, the format GitHub code scanning uploads.

use std::io::{self, Write};

use serde_json::json;

use super::Report;
use crate::check::registry;
use crate::finding::Severity;
use crate::validate::Outcome;

pub struct Sarif;

impl Report for Sarif {
    fn write(&self, outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
        let rule_list: Vec<_> = registry::ALL
            .iter()
            .map(|r| {
                json!({
                    "id": r.id,
                    "shortDescription": {"text": r.summary},
                    "fullDescription": {"text": format!("{}: {}.", r.summary, r.why)},
                    "help": {"text": format!("Fix: {}.", r.fix)},
                    "defaultConfiguration": {"level": level(r.severity)},
                    "properties": {
                        "family": r.family.name(),
                        "tags": [r.family.name()],
                        "operatorReleases": r.releases.describe(),
                    },
                })
            })
            .collect();
        let results: Vec<_> = outcome
            .findings
            .iter()
            .map(|f| {
                json!({
                    "ruleId": f.rule.id(),
                    "ruleIndex": f.rule as usize,
                    "properties": {"family": f.family.name()},
                    "level": level(f.severity),
                    "message": {"text": f.message},
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": {"uri": f.file.trim_start_matches("./")},
                            "region": {"startLine": f.line, "startColumn": f.column},
                        },
                        "logicalLocations": [{"fullyQualifiedName": f.path}],
                    }],
                })
            })
            .collect();
        let log = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "flink-backup",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rule_list,
                }},
                "results": results,
            }],
        });
        serde_json::to_writer_pretty(&mut *out, &log)?;
        writeln!(out)
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}
