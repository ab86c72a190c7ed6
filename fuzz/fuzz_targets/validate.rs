#![no_main]
//! The whole validate pipeline on one in-memory file, every output format.

use flink_backup::check::CheckOptions;
use flink_backup::input::{ReadOptions, decode};
use flink_backup::output::report::{Format, Style, for_format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut check = CheckOptions::default();
    check.policy.backup_ready = data.first().is_some_and(|b| b & 1 == 1);
    let source = decode("fuzz.yaml".into(), data.to_vec());
    // Every format is written, JUnit too, which lists the documents that passed.
    let outcome = flink_backup::validate::run_sources(
        [Ok(source)],
        &ReadOptions::default(),
        &check,
        flink_backup::validate::Passes::Listed,
    )
    .expect("in-memory sources are always readable");
    for format in [Format::Text, Format::Json, Format::Junit, Format::Sarif, Format::Github] {
        let mut out = Vec::new();
        for_format(format, Style::default()).write(&outcome, &mut out).unwrap();
    }
});
