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

pub fn for_format(format: Format, colour: bool) -> Box<dyn Report> {
    match format {
        Format::Text => Box::new(text::Text { colour }),
        Format::Json => Box::new(json::Json),
        Format::Junit => Box::new(junit::Junit),
        Format::Sarif => Box::new(sarif::Sarif),
        Format::Github => Box::new(github::Github),
    }
}
