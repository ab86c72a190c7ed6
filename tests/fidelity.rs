//! Restore output read back by an independent YAML 1.1 reader (PyYAML, as kubectl reads YAML 1.1)
//! equals the input except where the restore is documented to change it.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{fixture, repo, venv_tool};

/// The Python with PyYAML that `scripts/test` sets up.
fn python() -> Option<PathBuf> {
    let python = venv_tool("python3")?;
    let has_yaml = Command::new(&python)
        .args(["-c", "import yaml"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        has_yaml,
        "PyYAML is missing from {}: run scripts/test",
        python.display()
    );
    Some(python)
}

fn corpus_files() -> Vec<String> {
    // The operator's `main` examples are left out: 1.15 refuses them, so they are not restored.
    let paths = flink_backup::input::expand_paths(&[
        fixture("corpus/flink-kubernetes-operator-1.15.0").into(),
        fixture("corpus/ibm-event-automation").into(),
    ])
    .unwrap();
    paths
        .into_iter()
        .map(|p| match p {
            flink_backup::input::InputPath::File(f) => f.display().to_string(),
            flink_backup::input::InputPath::Stdin => unreachable!(),
        })
        .collect()
}

#[test]
fn restore_output_matches_the_input_under_pyyaml() {
    let Some(python) = python() else { return };
    let mut files = corpus_files();
    files.push(fixture("restore/tricky-scalars.yaml"));
    files.push(fixture("restore/seed-deployment.yaml"));
    files.push(fixture("restore/session-job.yaml"));
    files.push(fixture("blue-green/laststate-active-blue.yaml"));
    for name in ["commented", "crlf", "bom", "anchors", "merge-in-job"] {
        files.push(fixture(&format!("splice/{name}.yaml")));
    }
    let out = Command::new(python)
        .arg(repo().join("tests/fidelity.py"))
        .arg(env!("CARGO_BIN_EXE_flink-backup"))
        // Most corpus examples set no state directories; the gate would refuse their restore.
        .arg(fixture("operator-config/state-dirs.yaml"))
        .args(&files)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every restorable document of the corpus, plus the fixtures, was compared.
    let checked: usize = stdout
        .rsplit("fidelity: ")
        .next()
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(checked >= 30, "{stdout}");
}
