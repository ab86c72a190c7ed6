//! What users of other linters expect: a configuration file found without flags, suppressions on
//! the object, and the small conventions (stdin names, quiet, colour, several reports, a
//! versioned JSON contract, Helm templates, encodings).

mod common;

use std::path::Path;

use common::{Run, fixture, repo};
use serde_json::{Value, json};

/// A throwaway repository: a `.git` folder (where discovery stops) and the given files.
fn repository(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn typos() -> String {
    std::fs::read_to_string(fixture("validate/typos.yaml")).unwrap()
}

fn severities(out: &common::Output) -> Vec<(String, String)> {
    out.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pair(rule: &str, severity: &str) -> (String, String) {
    (rule.to_owned(), severity.to_owned())
}

#[test]
fn the_configuration_file_is_found_from_the_current_directory_or_a_parent() {
    let repo = repository(&[
        (
            ".flink-backup.yaml",
            "version: 1\nrules:\n  unknown-field: warning\n",
        ),
        ("flink/app.yaml", &typos()),
    ]);
    let validate = |dir: &Path, extra: &[&str]| {
        let mut args = vec!["validate", "-o", "json"];
        args.extend_from_slice(extra);
        Run::new(&args).arg("app.yaml").dir(dir).run()
    };
    let from_parent = validate(&repo.path().join("flink"), &[]);
    assert_eq!(
        severities(&from_parent),
        [
            pair("schema-violation", "error"),
            pair("unknown-field", "warning")
        ]
    );
    // --config wins over FLINK_BACKUP_CONFIG, which wins over discovery.
    let other = repo.path().join("strict.yaml");
    std::fs::write(
        &other,
        "version: 1\nrules:\n  schema: warning\n  unknown-field: off\n",
    )
    .unwrap();
    let by_env = Run::new(&["validate", "-o", "json", "app.yaml"])
        .dir(repo.path().join("flink"))
        .env("FLINK_BACKUP_CONFIG", &other.display().to_string())
        .run();
    assert_eq!(severities(&by_env), [pair("schema-violation", "warning")]);
    let none = repo.path().join("none.yaml");
    std::fs::write(&none, "version: 1\n").unwrap();
    let by_flag = Run::new(&[
        "validate",
        "-o",
        "json",
        "--config",
        &none.display().to_string(),
        "app.yaml",
    ])
    .dir(repo.path().join("flink"))
    .env("FLINK_BACKUP_CONFIG", &other.display().to_string())
    .run();
    assert_eq!(
        severities(&by_flag),
        [
            pair("schema-violation", "error"),
            pair("unknown-field", "error")
        ]
    );
    // Flags win over the file.
    let disabled = validate(
        &repo.path().join("flink"),
        &["--disable", "unknown-field", "--strict"],
    );
    assert_eq!(severities(&disabled), [pair("schema-violation", "error")]);
    // Discovery stops at the repository root.
    let outside = repository(&[("nested/.git/HEAD", ""), ("nested/app.yaml", &typos())]);
    std::fs::write(
        outside.path().join(".flink-backup.yaml"),
        "version: 1\nrules:\n  schema: off\n",
    )
    .unwrap();
    let stopped = validate(&outside.path().join("nested"), &[]);
    assert_eq!(
        severities(&stopped).len(),
        2,
        "the parent's file is beyond the root"
    );
}

#[test]
fn the_configuration_file_mirrors_the_flags_and_excludes_globs() {
    let chart = "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata:\n  name: {{ .Release.Name }}\n";
    let repo = repository(&[
        (
            ".flink-backup.yaml",
            "version: 1\noperatorVersion: 1.12\nbackupReady: true\nexclude:\n  - vendor/\n  - '*.generated.yaml'\n",
        ),
        (
            "app.yaml",
            &std::fs::read_to_string(fixture("validate/nested-config.yaml")).unwrap(),
        ),
        ("vendor/broken.yaml", "a: [unclosed\n"),
        ("out/app.generated.yaml", "a: [unclosed\n"),
        ("chart/templates/deployment.yaml", chart),
    ]);
    let out = Run::new(&["validate", "-o", "json", "."])
        .dir(repo.path())
        .run();
    // Operator 1.12 reads flinkConfiguration as strings: the nested file fails there.
    let rules: Vec<String> = severities(&out).into_iter().map(|(r, _)| r).collect();
    assert!(rules.iter().all(|r| r == "schema-violation"), "{rules:?}");
    assert_eq!(
        out.json()["summary"]["files"],
        2,
        "vendor/ and *.generated.yaml are excluded"
    );
    assert_eq!(out.json()["summary"]["templates"], 1);
    // Explicitly named files are excluded too (pre-commit names every changed file).
    let named = Run::new(&["validate", "vendor/broken.yaml"])
        .dir(repo.path())
        .run();
    assert_eq!(named.code, 0, "{}", named.stdout);
    assert!(named.stderr.contains("no Flink resource was checked (0 documents in 0 files, 1 excluded by the configuration file)"), "{}", named.stderr);
    // `config` prints the effective settings and where each came from.
    let shown = Run::new(&["config"]).dir(repo.path()).run();
    assert_eq!(shown.code, 0);
    assert!(
        shown.stdout.contains("operatorVersion: \"1.12\"  # "),
        "{}",
        shown.stdout
    );
    assert!(
        shown.stdout.contains(".flink-backup.yaml:2\n"),
        "{}",
        shown.stdout
    );
    assert!(
        shown.stdout.contains("distribution: auto  # default\n"),
        "{}",
        shown.stdout
    );
}

#[test]
fn a_mistake_in_the_configuration_file_is_a_usage_error_at_its_line() {
    let repo = repository(&[(
        ".flink-backup.yaml",
        "version: 1\nrules:\n  unknown-feild: off\n",
    )]);
    let out = Run::new(&["validate", "-"])
        .dir(repo.path())
        .stdin(typos())
        .run();
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains(
            ".flink-backup.yaml:3: no rule or family \"unknown-feild\": did you mean unknown-field?"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn an_annotation_suppresses_one_rule_on_one_object_with_its_reason() {
    let list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: flink.apache.org/v1beta1\n  kind: FlinkStateSnapshot\n  metadata:\n    name: legacy\n    annotations:\n      flink-backup.io/ignore: \"snapshot-backoff-limit-unset: retried by our CronJob\"\n  spec:\n    jobReference: {kind: FlinkDeployment, name: app}\n    savepoint: {}\n- apiVersion: flink.apache.org/v1beta1\n  kind: FlinkStateSnapshot\n  metadata:\n    name: other\n  spec:\n    jobReference: {kind: FlinkDeployment, name: app}\n    savepoint: {}\n";
    let out = Run::new(&["validate", "--backup-ready", "-o", "json"])
        .stdin(list)
        .run();
    let json = out.json();
    let found: Vec<(&str, &str)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), f["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(found, [("other", "snapshot-backoff-limit-unset")]);
    assert_eq!(json["summary"]["suppressed"], 1);
    let suppressed = &json["suppressed"][0];
    assert_eq!(
        (
            suppressed["name"].as_str(),
            suppressed["rule"].as_str(),
            suppressed["reason"].as_str(),
            suppressed["item"].as_u64()
        ),
        (
            Some("legacy"),
            Some("snapshot-backoff-limit-unset"),
            Some("retried by our CronJob"),
            Some(0)
        )
    );
    let text = Run::new(&["validate", "--backup-ready"]).stdin(list).run();
    assert!(
        text.stdout.ends_with("1 error, 0 warnings, 1 suppressed\n"),
        "{}",
        text.stdout
    );
}

#[test]
fn a_session_job_checked_with_its_cluster_keeps_its_suppression() {
    let text = std::fs::read_to_string(fixture("rules/session-job-on-application-cluster/fail.yaml"))
        .unwrap()
        .replace(
            "  name: job\n",
            "  name: job\n  annotations:\n    flink-backup.io/ignore: \"session-job-on-application-cluster: migrating this week\"\n",
        );
    let out = Run::new(&["validate", "-o", "json"]).stdin(text).run();
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(
        out.json()["suppressed"][0]["rule"],
        "session-job-on-application-cluster"
    );
    // restore keeps the annotation: it is the user's, not the server's.
    let restored = Run::new(&["restore", "--savepoint-path", "s3://b/sp/savepoint-1"])
        .stdin(std::fs::read_to_string(fixture("splice/commented.yaml")).unwrap().replace(
            "  namespace: flink\n",
            "  namespace: flink\n  annotations:\n    flink-backup.io/ignore: \"jar-uri-unusable: built into the image\"\n",
        ))
        .run();
    assert!(
        restored
            .stdout
            .contains("flink-backup.io/ignore: \"jar-uri-unusable: built into the image\""),
        "{}",
        restored.stderr
    );
}

#[test]
fn stdin_gets_a_name_quiet_drops_the_summary_and_reports_go_to_their_files() {
    let out = Run::new(&["validate", "--stdin-filename", "deploy/app.yaml", "-q"])
        .stdin(typos())
        .run();
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .starts_with("deploy/app.yaml:25:18: error[schema/schema-violation]"),
        "{}",
        out.stdout
    );
    assert_eq!(
        out.stdout.lines().count(),
        2,
        "no summary line: {}",
        out.stdout
    );
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("results.sarif");
    let junit = dir.path().join("report.xml");
    let several = Run::new(&[
        "validate",
        "-o",
        "text",
        "-o",
        &format!("sarif={}", sarif.display()),
        "-o",
        &format!("junit={}", junit.display()),
    ])
    .stdin(typos())
    .run();
    assert_eq!(several.code, 1);
    assert!(several.stdout.contains("error[schema/schema-violation]"));
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 2);
    assert!(
        std::fs::read_to_string(&junit)
            .unwrap()
            .contains("<testsuites")
    );
    let two_on_stdout = Run::new(&["validate", "-o", "text", "-o", "json"])
        .stdin(typos())
        .run();
    assert_eq!(two_on_stdout.code, 2, "{}", two_on_stdout.stderr);
}

#[test]
fn colour_follows_the_flag_and_the_environment() {
    let coloured = |args: &[&str], env: &[(&str, &str)]| {
        let mut run = Run::new(args).stdin(typos());
        for (k, v) in env {
            run = run.env(k, v);
        }
        run.run().stdout.contains('\x1b')
    };
    // Not a terminal: no colour unless asked for.
    assert!(!coloured(&["validate"], &[]));
    assert!(coloured(&["validate", "--color", "always"], &[]));
    assert!(coloured(&["validate"], &[("FORCE_COLOR", "1")]));
    assert!(coloured(&["validate"], &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(
        &["validate"],
        &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]
    ));
    assert!(
        coloured(&["validate"], &[("FORCE_COLOR", "1"), ("NO_COLOR", "")]),
        "an empty NO_COLOR does not count"
    );
    assert!(!coloured(
        &["validate", "--color", "never"],
        &[("FORCE_COLOR", "1")]
    ));
}

#[test]
fn every_json_report_the_tests_pin_matches_the_published_schema() {
    let schema: Value =
        serde_json::from_str(&Run::new(&["schema", "report"]).run().stdout).unwrap();
    assert_eq!(
        schema,
        serde_json::from_str::<Value>(
            &std::fs::read_to_string(repo().join("schemas/report.json")).unwrap()
        )
        .unwrap()
    );
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir(repo().join("tests/snapshots")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        // An insta snapshot: a header between `---` lines, then the content.
        let Some(body) = text.splitn(3, "---\n").nth(2) else {
            continue;
        };
        let Ok(report) = serde_json::from_str::<Value>(body) else {
            continue;
        };
        if report.get("summary").is_none() {
            continue;
        }
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        checked += 1;
    }
    assert!(checked >= 1);
    // And a report with suppressions and an item.
    let report = Run::new(&["validate", "-o", "json"])
        .arg(fixture("validate/list.yaml"))
        .run()
        .json();
    assert!(validator.is_valid(&report));
    assert_eq!(report["version"], 1);
    assert!(
        !validator
            .is_valid(&json!({"version": 2, "summary": {}, "findings": [], "suppressed": []}))
    );
}

#[test]
fn nothing_to_check_is_a_warning_and_fail_on_empty_makes_it_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().display().to_string();
    let out = Run::new(&["validate", &path]).run();
    assert_eq!(out.code, 0);
    assert!(
        out.stderr
            .contains("warning: no Flink resource was checked (0 documents in 0 files)"),
        "{}",
        out.stderr
    );
    let strict = Run::new(&["validate", "--fail-on-empty", &path]).run();
    assert_eq!(strict.code, 1);
    let empty_stdin = Run::new(&["validate", "--fail-on-empty"]).stdin("").run();
    assert_eq!(empty_stdin.code, 1);
}

#[test]
fn a_tab_after_a_colon_and_utf16_read_as_kubectl_reads_them() {
    let tabbed = typos().replace("  flinkVersion: v1_20", "  flinkVersion:\tv1_20");
    let out = Run::new(&["validate", "-o", "json"]).stdin(tabbed).run();
    assert_eq!(
        severities(&out),
        [
            pair("schema-violation", "error"),
            pair("unknown-field", "error")
        ]
    );
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in typos().encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let out = Run::new(&["validate", "-o", "json"]).stdin(utf16).run();
    assert_eq!(out.json()["findings"][0]["line"], 25);
    let utf32 = [0xFF, 0xFE, 0, 0, b'a', 0, 0, 0];
    let out = Run::new(&["validate"]).stdin(utf32.to_vec()).run();
    assert!(out.stdout.contains("not valid UTF-32LE"), "{}", out.stdout);
}

#[test]
fn short_names_the_version_and_one_finding_per_bad_name() {
    for name in ["flinkdep", "sessionjob", "flinkbgdep", "flinksnp"] {
        let out = Run::new(&["schema", name]).run();
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
    }
    let version = Run::new(&["--version"]).run();
    assert!(
        version.stdout.contains("1.15 (1.15.0): flinkVersion v1_13"),
        "{}",
        version.stdout
    );
    assert!(version.stdout.contains("FlinkBlueGreenDeployment"));
    let bad = std::fs::read_to_string(fixture("rules/name-invalid/pass.yaml"))
        .unwrap()
        .replace(
            "  name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
            "  name: Bad_Name\n",
        );
    let out = Run::new(&["validate", "-o", "json"]).stdin(bad).run();
    assert_eq!(severities(&out), [pair("name-invalid", "error")]);
}

#[test]
fn the_readme_shows_what_validate_really_prints() {
    let out = Run::new(&["validate", "fixtures/validate/typos.yaml"]).run();
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let shown = format!(
        "$ flink-backup validate fixtures/validate/typos.yaml\n{}```",
        out.stdout
    );
    assert!(readme.contains(&shown), "README.md must show:\n{shown}");
}
