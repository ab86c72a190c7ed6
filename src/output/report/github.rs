//! GitHub Actions workflow commands: `::error file=..,line=..,col=..,title=family/rule::message`.

use std::io::{self, Write};

use super::Report;
use crate::finding::Severity;
use crate::validate::Outcome;

pub struct Github;

impl Report for Github {
    fn write(&self, outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
        for f in &outcome.findings {
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let path = if f.path.is_empty() {
                String::new()
            } else {
                format!(" ({})", f.path)
            };
            writeln!(
                out,
                "::{command} file={},line={},col={},title={}::{}{}",
                property(&f.file),
                f.line,
                f.column,
                property(&format!("{}/{}", f.rule.family(), f.rule.id())),
                data(&f.message),
                data(&path)
            )?;
        }
        Ok(())
    }
}

/// The escaping GitHub's toolkit applies to a command's message, after terminal escaping: the
/// annotations land in a CI log that a terminal may render.
fn data(s: &str) -> String {
    crate::output::terminal::escape(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The escaping for a command's properties, where `:` and `,` are separators.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
