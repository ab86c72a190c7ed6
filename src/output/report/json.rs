//! `-o json`: the contract scripts read. Its shape is `schemas/report.json` (`flink-backup
//! schema report`), against which the tests hold every report; `version` changes only when the
//! shape does incompatibly.

use std::io::{self, Write};

use serde::Serialize;

use super::Report;
use crate::finding::Finding;
use crate::validate::{Outcome, Summary, SuppressedFinding};

/// The report's shape version.
pub const VERSION: u32 = 1;

pub struct Json;

#[derive(Serialize)]
struct Contract<'a> {
    version: u32,
    summary: &'a Summary,
    findings: &'a [Finding],
    suppressed: &'a [SuppressedFinding],
}

impl Report for Json {
    fn write(&self, outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
        let contract = Contract {
            version: VERSION,
            summary: &outcome.summary,
            findings: &outcome.findings,
            suppressed: &outcome.suppressed,
        };
        serde_json::to_writer_pretty(&mut *out, &contract)?;
        writeln!(out)
    }
}
