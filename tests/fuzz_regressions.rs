//! Every input a fuzzer ever broke the tool with (`fixtures/fuzz-regressions/`), run again the way
//! its fuzz target ran it, and through every subcommand.

mod common;

use common::{Run, fixture};
use flink_backup::input::{Entry, ReadOptions, decode, entries};
use flink_backup::yaml::{DocumentReader, to_yaml};

fn regressions() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(fixture("fuzz-regressions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn there_are_regressions_to_run() {
    assert!(!regressions().is_empty());
}

#[test]
fn what_the_writer_writes_reads_back_the_same() {
    for path in regressions() {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(source) = decode("regression".into(), bytes) else {
            continue;
        };
        for entry in entries(&source, &ReadOptions::default()) {
            if let Entry::Document(doc) = entry {
                let text = to_yaml(&doc.value);
                let again = DocumentReader::new(&text, Default::default())
                    .next()
                    .unwrap()
                    .unwrap_or_else(|e| panic!("{}: {e:?}\n{text}", path.display()));
                assert_eq!(again.value, doc.value, "{}", path.display());
            }
        }
    }
}

#[test]
fn no_subcommand_panics() {
    for path in regressions() {
        for args in [
            vec!["validate", "--backup-ready"],
            vec!["backup", "--force"],
            vec!["restore", "--from-status", "--allow-checkpoint"],
        ] {
            let out = Run::new(&args).arg(path.display().to_string()).run();
            assert!(
                matches!(out.code, 0 | 1),
                "{args:?} {}: {}",
                path.display(),
                out.stderr
            );
        }
    }
}
