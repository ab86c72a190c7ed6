//! JUnit XML: a test suite per file, a test case per Flink document, a failure per error.

use std::io::{self, Write};

use super::Report;
use crate::check::registry::Rule;
use crate::finding::{Finding, Severity};
use crate::validate::Outcome;

pub struct Junit;

impl Report for Junit {
    fn write(&self, outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
        // Cases keyed by (file, document, item), in input order.
        let mut cases: Vec<(String, usize, Option<usize>, String)> = outcome
            .checked
            .iter()
            .map(|c| {
                let name = format!(
                    "{}/{} (document {}{})",
                    c.kind.as_deref().unwrap_or("?"),
                    c.name.as_deref().unwrap_or("<unnamed>"),
                    c.document,
                    c.item.map(|i| format!(", item {i}")).unwrap_or_default()
                );
                (c.file.to_string(), c.document, c.item, name)
            })
            .collect();
        // Documents that did not parse have no checked entry but still fail.
        for f in outcome
            .findings
            .iter()
            .filter(|f| f.rule == Rule::YamlSyntax)
        {
            cases.push((
                f.file.to_string(),
                f.document,
                f.item,
                format!("document {}", f.document),
            ));
        }
        type Case = (String, usize, Option<usize>, String);
        let mut by_file: Vec<(&str, Vec<&Case>)> = Vec::new();
        for case in &cases {
            match by_file.iter_mut().find(|(file, _)| *file == case.0) {
                Some((_, list)) => list.push(case),
                None => by_file.push((case.0.as_str(), vec![case])),
            }
        }
        let errors_of = |file: &str, document: usize, item: Option<usize>| -> Vec<&Finding> {
            outcome
                .findings
                .iter()
                .filter(|f| {
                    f.severity == Severity::Error
                        && &*f.file == file
                        && f.document == document
                        && f.item == item
                })
                .collect()
        };
        writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(
            out,
            r#"<testsuites name="flink-backup validate" tests="{}" failures="{}">"#,
            cases.len(),
            outcome.summary.invalid
        )?;
        for (file, cases) in by_file {
            let failures = cases
                .iter()
                .filter(|c| !errors_of(file, c.1, c.2).is_empty())
                .count();
            writeln!(
                out,
                r#"  <testsuite name="{}" tests="{}" failures="{}">"#,
                xml(file),
                cases.len(),
                failures
            )?;
            for case in cases {
                let errors = errors_of(file, case.1, case.2);
                write!(
                    out,
                    r#"    <testcase classname="{}" name="{}""#,
                    xml(file),
                    xml(&case.3)
                )?;
                if errors.is_empty() {
                    writeln!(out, "/>")?;
                    continue;
                }
                writeln!(out, ">")?;
                for e in errors {
                    writeln!(
                        out,
                        r#"      <failure type="{}" message="{}">{}:{}:{}: {} ({})</failure>"#,
                        xml(&format!("{}/{}", e.rule.family(), e.rule.id())),
                        xml(&e.message),
                        xml(&e.file),
                        e.line,
                        e.column,
                        xml(&e.message),
                        xml(&e.path)
                    )?;
                }
                writeln!(out, "    </testcase>")?;
            }
            writeln!(out, "  </testsuite>")?;
        }
        writeln!(out, "</testsuites>")
    }
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 cannot carry most control characters, even escaped.
            c if c.is_control() && !matches!(c, '\n' | '\t') => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}
