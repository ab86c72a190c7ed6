use std::io::{self, Write};

use super::Report;
use crate::finding::{Finding, Severity};
use crate::output::terminal::escape;
use crate::validate::Outcome;

pub struct Text {
    pub colour: bool,
    /// No summary line.
    pub quiet: bool,
}

impl Report for Text {
    fn write(&self, outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
        write_findings(&outcome.findings, self.colour, out)?;
        if self.quiet {
            return Ok(());
        }
        let s = &outcome.summary;
        let mut extra = String::new();
        if s.suppressed > 0 {
            extra.push_str(&format!(", {} suppressed", s.suppressed));
        }
        if s.templates > 0 {
            extra.push_str(&format!(
                "; {} Helm {} skipped",
                s.templates,
                plural(s.templates, "template", "templates")
            ));
        }
        writeln!(
            out,
            "{} {} in {} {}: {} valid, {} invalid, {} skipped (not Flink); {} {}, {} {}{extra}",
            s.documents,
            plural(s.documents, "document", "documents"),
            s.files,
            plural(s.files, "file", "files"),
            s.valid,
            s.invalid,
            s.skipped,
            s.errors,
            plural(s.errors, "error", "errors"),
            s.warnings,
            plural(s.warnings, "warning", "warnings"),
        )
    }
}

pub fn write_findings(findings: &[Finding], colour: bool, out: &mut dyn Write) -> io::Result<()> {
    for f in findings {
        let (severity, paint) = match f.severity {
            Severity::Error => ("error", "\x1b[1;31m"),
            Severity::Warning => ("warning", "\x1b[1;33m"),
        };
        let location = format!("{}:{}:{}", escape(&f.file), f.line, f.column);
        let path = if f.path.is_empty() {
            String::new()
        } else {
            format!(" ({})", escape(&f.path))
        };
        if colour {
            writeln!(
                out,
                "\x1b[1m{location}:\x1b[0m {paint}{severity}[{}/{}]\x1b[0m {}{path}",
                f.family,
                f.rule,
                escape(&f.message)
            )?;
        } else {
            writeln!(
                out,
                "{location}: {severity}[{}/{}] {}{path}",
                f.family,
                f.rule,
                escape(&f.message)
            )?;
        }
    }
    Ok(())
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}
