use std::io::{self, Write};

use serde::Serialize;

use super::Report;
use crate::finding::Finding;
use crate::validate::{Outcome, Summary};

pub struct Json;

#[derive(Serialize)]
struct Contract<'a> {
    summary: &'a Summary,
    findings: &'a [Finding],
}

impl Report for Json {
    fn write(&self, outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
        let contract = Contract {
            summary: &outcome.summary,
            findings: &outcome.findings,
        };
        serde_json::to_writer_pretty(&mut *out, &contract)?;
        writeln!(out)
    }
}
