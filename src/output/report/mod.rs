//! Output formats for `validate`: one file each, all behind one trait.

mod github;
mod json;
mod junit;
mod sarif;
mod text;

use std::io::{self, Write};

use clap::ValueEnum;

use crate::validate::Outcome;

pub trait Report {
    fn write(&self, outcome: &Outcome, out: &mut dyn Write) -> io::Result<()>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Compiler style: file:line:col: severity[family/rule] message (path)
    Text,
    /// One JSON object: {"summary": {...}, "findings": [...]}
    Json,
    /// JUnit XML, for CI test reports
    Junit,
    /// SARIF 2.1.0, for GitHub code scanning
    Sarif,
    /// GitHub Actions workflow annotations
    Github,
}

impl Format {
    /// Whether the report names the documents that passed, not only the findings.
    pub fn lists_passes(self) -> bool {
        matches!(self, Format::Junit)
    }
}

/// One report a run writes: `-o FORMAT` (to stdout, or `-O FILE`) or `-o FORMAT=FILE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSpec {
    pub format: Format,
    pub file: Option<std::path::PathBuf>,
}

impl std::str::FromStr for ReportSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<ReportSpec, String> {
        let (name, file) = match text.split_once('=') {
            Some((name, file)) if !file.is_empty() => (name, Some(file.into())),
            Some((name, _)) => return Err(format!("{name}=: name the file after the `=`")),
            None => (text, None),
        };
        let format = Format::from_str(name, true).map_err(|_| {
            format!("{name:?}: use text, json, junit, sarif or github, optionally =FILE")
        })?;
        Ok(ReportSpec { format, file })
    }
}

/// What a text report leaves out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub colour: bool,
    /// `-q`: no summary line.
    pub quiet: bool,
}

pub fn for_format(format: Format, style: Style) -> Box<dyn Report> {
    match format {
        Format::Text => Box::new(text::Text {
            colour: style.colour,
            quiet: style.quiet,
        }),
        Format::Json => Box::new(json::Json),
        Format::Junit => Box::new(junit::Junit),
        Format::Sarif => Box::new(sarif::Sarif),
        Format::Github => Box::new(github::Github),
    }
}
