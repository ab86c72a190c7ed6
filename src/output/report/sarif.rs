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
                            "artifactLocation": {"uri": artifact_uri(&f.file)},
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

/// A file as SARIF wants it: a relative URI reference (to the current directory, which code
/// scanning takes as the repository root), percent-encoded; `file:///...` when it lies
/// elsewhere.
fn artifact_uri(file: &str) -> String {
    let path = std::path::Path::new(file);
    let relative = if path.is_absolute() {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| path.strip_prefix(cwd).ok().map(|p| p.display().to_string()))
    } else {
        Some(file.trim_start_matches("./").to_owned())
    };
    match relative {
        Some(relative) => percent_encode(&relative),
        None => format!("file://{}", percent_encode(file)),
    }
}

/// Every byte but the unreserved ones and `/` as `%XX` (RFC 3986).
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifact_uris_are_percent_encoded_references() {
        assert_eq!(
            artifact_uri("./flink/my app#1.yaml"),
            "flink/my%20app%231.yaml"
        );
        assert_eq!(artifact_uri("flink/ünï.yaml"), "flink/%C3%BCn%C3%AF.yaml");
        assert_eq!(
            artifact_uri("/nowhere/x y.yaml"),
            "file:///nowhere/x%20y.yaml"
        );
        let here = std::env::current_dir().unwrap().join("a b.yaml");
        assert_eq!(artifact_uri(&here.display().to_string()), "a%20b.yaml");
    }
}
