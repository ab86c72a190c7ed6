//! Hostile and broken input: never a panic, never a silent change, never a partial write.

mod common;

use std::path::PathBuf;

use common::{Run, fixture};

/// What `validate` must say about each file of `fixtures/bad/`: exit code and the rules reported.
const EXPECTED: &[(&str, i32, &[&str])] = &[
    ("billion-laughs.yaml", 1, &["yaml-syntax"]),
    ("binary-junk.yaml", 1, &["yaml-syntax"]),
    ("binary.yaml", 1, &["yaml-syntax"]),
    ("bom.yaml", 0, &[]),
    ("comments-only.yaml", 0, &[]),
    ("control-characters.yaml", 1, &["unknown-field"]),
    ("custom-tag.yaml", 1, &["yaml-syntax"]),
    ("deep-block-nesting.yaml", 1, &["yaml-syntax"]),
    ("deep-flow-nesting.yaml", 1, &["yaml-syntax"]),
    ("duplicate-keys.yaml", 1, &["duplicate-key"]),
    ("empty-resource-list.yaml", 0, &[]),
    ("empty.yaml", 0, &[]),
    ("huge-integer.yaml", 1, &["parallelism-invalid"]),
    ("invalid-utf8.yaml", 1, &["yaml-syntax"]),
    ("merge-keys.yaml", 0, &[]),
    ("nan-and-infinity.yaml", 1, &["yaml-syntax"]),
    ("nested-list.yaml", 1, &["yaml-syntax"]),
    ("non-string-keys.yaml", 1, &["yaml-syntax"]),
    ("null-key.yaml", 1, &["yaml-syntax"]),
    ("tabs.yaml", 1, &["yaml-syntax"]),
];

fn bad_files() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(fixture("bad"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    files
}

#[test]
fn every_bad_file_has_an_expected_verdict() {
    let names: Vec<String> = bad_files()
        .iter()
        .map(|f| f.rsplit('/').next().unwrap().to_owned())
        .collect();
    let expected: Vec<&str> = EXPECTED.iter().map(|e| e.0).collect();
    assert_eq!(names, expected);
    for (name, code, rules) in EXPECTED {
        let out = Run::new(&["validate", "-o", "json"])
            .arg(fixture(&format!("bad/{name}")))
            .run();
        assert_eq!(out.code, *code, "{name}: {}", out.stdout);
        let found: Vec<String> = out.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                assert!(f["line"].as_u64().unwrap() >= 1, "{name}: {f}");
                f["rule"].as_str().unwrap().to_owned()
            })
            .collect();
        assert_eq!(found, *rules, "{name}");
    }
}

#[test]
fn no_subcommand_panics_on_any_bad_file() {
    let commands: &[&[&str]] = &[
        &["validate"],
        &["validate", "--backup-ready", "--strict", "-o", "sarif"],
        &["backup", "--force"],
        &["backup", "--trigger-nonce", "--force"],
        &["restore", "--from-status"],
        &["restore", "--savepoint-path", "s3://b/sp"],
        &["restore", "--diff", "--savepoint-path", "s3://b/sp"],
    ];
    for file in bad_files() {
        for args in commands {
            // `Run` fails the test on any panic message.
            let out = Run::new(args).arg(&file).run();
            assert!(
                matches!(out.code, 0 | 1),
                "{args:?} {file}: exit {}\n{}",
                out.code,
                out.stderr
            );
            if out.code == 1 && args[0] != "validate" {
                assert!(
                    out.stdout.is_empty(),
                    "{args:?} {file}: a refusal printed {}",
                    out.stdout
                );
                assert!(
                    !out.stderr.is_empty(),
                    "{args:?} {file}: refused without a word"
                );
            }
            if out.stderr.contains("error[yaml/yaml-syntax]") {
                let name = file.rsplit('/').next().unwrap();
                assert!(
                    out.stderr.contains(&format!("{name}:")),
                    "{args:?}: {}",
                    out.stderr
                );
            }
        }
    }
}

#[test]
fn a_document_past_the_size_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.yaml");
    // 50 MB: one ConfigMap with a very long value; generated here rather than kept in git.
    let mut text =
        String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: large\ndata:\n  blob: ");
    text.push_str(&"x".repeat(50 * 1024 * 1024));
    text.push('\n');
    std::fs::write(&path, text).unwrap();
    for args in [
        vec!["validate"],
        vec!["restore", "--savepoint-path", "s3://b"],
    ] {
        let out = Run::new(&args).arg(path.display().to_string()).run();
        assert_eq!(out.code, 1, "{args:?}");
        let said = format!("{}{}", out.stdout, out.stderr);
        assert!(
            said.contains("larger than 8388608 bytes; raise --max-document-size"),
            "{said}"
        );
    }
    let small_limit = Run::new(&["validate", "--max-document-size", "100"])
        .arg(fixture("rules/schema-violation/pass.yaml"))
        .run();
    assert_eq!(small_limit.code, 1, "{}", small_limit.stdout);
}

#[test]
fn control_characters_are_escaped_on_every_channel() {
    let file = fixture("bad/control-characters.yaml");
    for args in [
        vec!["validate"],
        vec!["validate", "-o", "github"],
        vec!["restore"],
        vec!["restore", "--diff", "--savepoint-path", "s3://b/sp"],
    ] {
        let out = Run::new(&args).arg(&file).run();
        assert!(!out.stdout.is_empty() || !out.stderr.is_empty(), "{args:?}");
        for (channel, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            assert!(
                !text.contains('\u{1b}') && !text.contains('\u{7}'),
                "{args:?} {channel}: {text:?}"
            );
        }
    }
    // JSON keeps the exact data, escaped the JSON way.
    let json = Run::new(&["validate", "-o", "json"]).arg(&file).run();
    assert!(
        json.stdout.contains("\\u001b]0;title\\u0007"),
        "{}",
        json.stdout
    );
}

fn temp_copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name.rsplit('/').next().unwrap());
    std::fs::copy(fixture(name), &path).unwrap();
    (dir, path)
}

#[test]
fn output_file_is_written_whole_or_not_at_all() {
    let (dir, deployment) = temp_copy("restore/seed-deployment.yaml");
    let snapshot = fixture("restore/seed-snapshot.yaml");
    let target = dir.path().join("restored.yaml");
    let out = Run::new(&["restore", "-O"])
        .arg(target.display().to_string())
        .arg(deployment.display().to_string())
        .arg(&snapshot)
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&target).unwrap();
    let stdout = Run::new(&["restore"])
        .arg(deployment.display().to_string())
        .arg(&snapshot)
        .run()
        .stdout;
    assert_eq!(written, stdout);

    // A refused restore leaves an existing output file exactly as it was.
    std::fs::write(&target, "previous content\n").unwrap();
    let refused = Run::new(&["restore", "-O"])
        .arg(target.display().to_string())
        .arg(deployment.display().to_string())
        .run();
    assert_eq!(refused.code, 1);
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "previous content\n"
    );
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn output_file_never_replaces_an_input_without_in_place() {
    let (_dir, deployment) = temp_copy("restore/seed-deployment.yaml");
    let before = std::fs::read_to_string(&deployment).unwrap();
    let path = deployment.display().to_string();
    let snapshot = fixture("restore/seed-snapshot.yaml");
    let out = Run::new(&["restore", "-O", &path, &path, &snapshot]).run();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("is one of the inputs; add --in-place"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_to_string(&deployment).unwrap(), before);

    let in_place = Run::new(&["restore", "--in-place", "-O", &path, &path, &snapshot]).run();
    assert_eq!(in_place.code, 0, "{}", in_place.stderr);
    let after = std::fs::read_to_string(&deployment).unwrap();
    assert!(after.contains(
        "initialSavepointPath: file:/opt/flink/volume/flink-sp/savepoint-caf2b2-39d09a1c170c"
    ));
    assert!(!after.contains("status:"));
}

#[test]
fn inputs_are_never_modified() {
    let (_dir, deployment) = temp_copy("restore/seed-deployment.yaml");
    let before = std::fs::read(&deployment).unwrap();
    for args in [
        vec!["validate", "--backup-ready"],
        vec!["backup"],
        vec!["restore", "--savepoint-path", "s3://b/x"],
        vec!["restore", "--diff", "--savepoint-path", "s3://b/x"],
    ] {
        Run::new(&args).arg(deployment.display().to_string()).run();
        assert_eq!(std::fs::read(&deployment).unwrap(), before, "{args:?}");
    }
}
