//! `flink-backup validate`, end to end.

mod common;

use common::{Run, fixture};
use flink_backup::check::registry::{self, Family};
use serde_json::{Value, json};

/// A finding as the tests compare it: file, line, column, severity, rule, path.
type Found = (String, u64, u64, String, String, String);

fn findings(out: &common::Output) -> Vec<Found> {
    out.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                common::relative(f["file"].as_str().unwrap()),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["severity"].as_str().unwrap().to_owned(),
                f["rule"].as_str().unwrap().to_owned(),
                f["path"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn corpus(dir: &str, extra: &[&str]) -> (serde_json::Value, Vec<Found>) {
    let mut args = vec!["validate", "-o", "json"];
    args.extend_from_slice(extra);
    let out = Run::new(&args).arg(fixture(&format!("corpus/{dir}"))).run();
    (out.json()["summary"].clone(), findings(&out))
}

#[test]
fn the_operators_1_15_examples_are_clean_at_1_15() {
    let (summary, found) = corpus("flink-kubernetes-operator-1.15.0", &[]);
    // 27 examples and 3 blue/green end-to-end manifests; kustomize files and other kinds skipped.
    assert_eq!(
        (summary["valid"].as_u64(), summary["invalid"].as_u64()),
        (Some(30), Some(0)),
        "{summary}"
    );
    // What remains are the backup prerequisites: most examples set no state directories, or
    // keep them on a hostPath.
    let rules: std::collections::BTreeSet<_> = found.iter().map(|f| f.4.as_str()).collect();
    assert!(
        rules
            .iter()
            .all(|id| registry::find(id).unwrap().family == Family::Backup),
        "{rules:?}"
    );
    assert!(found.iter().all(|f| f.3 == "warning"), "{found:?}");
}

#[test]
fn the_operators_main_examples_lose_their_memory_under_1_15() {
    // `main` (unreleased) uses `resources` (requests/limits), which no release has yet: the API
    // server prunes it, and then the webhook refuses the missing memory. One pair per manager.
    let (summary, found) = corpus("flink-kubernetes-operator-main", &["--disable", "backup"]);
    assert_eq!(summary["invalid"], 17, "{summary}");
    let mut by_rule = std::collections::BTreeMap::<_, Vec<_>>::new();
    for f in &found {
        by_rule
            .entry((f.3.as_str(), f.4.as_str()))
            .or_default()
            .push(f.5.as_str());
    }
    assert_eq!(by_rule.len(), 2, "{by_rule:?}");
    let missing = &by_rule[&("error", "memory-missing")];
    let pruned = &by_rule[&("error", "unknown-field")];
    assert_eq!((missing.len(), pruned.len()), (34, 34));
    for (m, p) in missing.iter().zip(pruned) {
        assert_eq!(format!("{m}/resources"), *p);
    }
}

#[test]
fn ibms_samples_are_judged_by_ibms_operator() {
    // IBM's samples carry its licence keys; its operator follows Apache 1.13, which does not
    // check a session job's jarURI. The templates' `<URI of the job jar>` is still worth a word.
    let (summary, found) = corpus("ibm-event-automation", &["--disable", "backup"]);
    assert_eq!(
        (summary["valid"].as_u64(), summary["errors"].as_u64()),
        (Some(18), Some(0)),
        "{summary}"
    );
    assert_eq!(found.len(), 6, "{found:?}");
    assert!(found.iter().all(|f| f.4 == "jar-uri-unusable"), "{found:?}");
    // Judged by the Apache operator, the samples lack the flinkVersion IBM's operator fills in,
    // and from 1.15 the placeholder jarURI is a refusal.
    let errors = |release: &str| {
        let (_, found) = corpus(
            "ibm-event-automation",
            &[
                "--disable",
                "backup",
                "--distribution",
                "apache",
                "--operator-version",
                release,
            ],
        );
        let mut rules = std::collections::BTreeMap::<(String, String), usize>::new();
        for f in found.into_iter().filter(|f| f.3 == "error") {
            *rules.entry((f.4, f.5)).or_default() += 1;
        }
        rules
    };
    let version = ("flink-version-missing".to_owned(), "/spec".to_owned());
    let jar = ("jar-uri-invalid".to_owned(), "/spec/job/jarURI".to_owned());
    assert_eq!(errors("1.15"), [(version.clone(), 8), (jar, 6)].into());
    assert_eq!(errors("1.14"), [(version, 8)].into());
}

#[test]
fn release_1_10_reports_exactly_the_configuration_and_version_errors() {
    let out = Run::new(&[
        "validate",
        "-o",
        "json",
        "--operator-version",
        "1.10",
        "--disable",
        "unknown-field",
    ])
    .arg(fixture("corpus/flink-kubernetes-operator-1.15.0"))
    .arg(fixture("corpus/ibm-event-automation"))
    .run();
    assert_eq!(out.code, 1);
    let errors: Vec<String> = out.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "schema-violation")
        .map(|f| {
            format!(
                "{}:{} {} {}",
                common::relative(f["file"].as_str().unwrap())
                    .trim_start_matches("fixtures/corpus/"),
                f["line"],
                f["path"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    for e in &errors {
        assert!(
            e.contains("/spec/flinkConfiguration/") || e.contains("/spec/flinkVersion"),
            "{e}"
        );
    }
    insta::assert_snapshot!(errors.join("\n"));
}

#[test]
fn nested_configuration_is_valid_from_1_13_and_an_error_before() {
    for (release, code) in [("1.12", 1), ("1.12.1", 1), ("1.13", 0), ("1.15", 0)] {
        let out = Run::new(&["validate", "-o", "json", "--operator-version", release])
            .arg(fixture("validate/nested-config.yaml"))
            .run();
        assert_eq!(out.code, code, "{release}: {}", out.stdout);
        if code == 1 {
            assert_eq!(
                findings(&out),
                vec![
                    (
                        "fixtures/validate/nested-config.yaml".into(),
                        8,
                        17,
                        "error".into(),
                        "schema-violation".into(),
                        "/spec/flinkVersion".into()
                    ),
                    (
                        "fixtures/validate/nested-config.yaml".into(),
                        10,
                        36,
                        "error".into(),
                        "schema-violation".into(),
                        "/spec/flinkConfiguration/taskmanager.numberOfTaskSlots".into()
                    ),
                    (
                        "fixtures/validate/nested-config.yaml".into(),
                        11,
                        5,
                        "error".into(),
                        "schema-violation".into(),
                        "/spec/flinkConfiguration/state".into()
                    ),
                ]
            );
        }
    }
}

#[test]
fn typos_are_caught_with_line_and_column() {
    let out = Run::new(&["validate", "-o", "json"])
        .arg(fixture("validate/typos.yaml"))
        .run();
    assert_eq!(out.code, 1);
    assert_eq!(
        findings(&out),
        vec![
            (
                "fixtures/validate/typos.yaml".into(),
                25,
                18,
                "error".into(),
                "schema-violation".into(),
                "/spec/job/upgradeMode".into()
            ),
            (
                "fixtures/validate/typos.yaml".into(),
                26,
                5,
                "error".into(),
                "unknown-field".into(),
                "/spec/job/initialSavepointpath".into()
            ),
        ]
    );
    let message = out.json()["findings"][1]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.contains("did you mean `initialSavepointPath`"),
        "{message}"
    );
}

#[test]
fn unknown_fields_are_errors_unless_the_configuration_says_otherwise_and_strict_wins() {
    let run = |extra: &[&str]| {
        let mut args = vec!["validate", "--disable", "schema-violation", "-o", "json"];
        args.extend_from_slice(extra);
        let out = Run::new(&args).arg(fixture("validate/typos.yaml")).run();
        (out.code, out.json()["findings"][0]["severity"].clone())
    };
    assert_eq!(run(&[]), (1, json!("error")));
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("lenient.yaml");
    std::fs::write(&config, "version: 1\nrules:\n  unknown-field: warning\n").unwrap();
    let config = config.display().to_string();
    assert_eq!(run(&["--config", &config]), (0, json!("warning")));
    assert_eq!(run(&["--config", &config, "--strict"]), (1, json!("error")));
}

#[test]
fn yaml_1_1_scalars_are_read_as_kubectl_reads_them() {
    let out = Run::new(&["validate", "-o", "json"])
        .arg(fixture("validate/yaml11.yaml"))
        .run();
    // `allowNonRestoredState: yes` and `parallelism: 0x2` are fine; the unquoted `on` is a boolean.
    assert_eq!(
        findings(&out),
        vec![(
            "fixtures/validate/yaml11.yaml".into(),
            23,
            22,
            "error".into(),
            "schema-violation".into(),
            "/spec/podTemplate/spec/containers/0/env/0/value".into()
        )]
    );
}

#[test]
fn duplicate_keys_point_at_the_second_key() {
    let out = Run::new(&["validate", "-o", "json"])
        .arg(fixture("validate/duplicate-key.yaml"))
        .run();
    assert_eq!(out.code, 1);
    assert_eq!(
        findings(&out),
        vec![(
            "fixtures/validate/duplicate-key.yaml".into(),
            11,
            5,
            "error".into(),
            "duplicate-key".into(),
            "/spec/savepoint/disposeOnDelete".into()
        )]
    );
}

#[test]
fn a_broken_document_is_one_error_and_other_files_are_still_checked() {
    let out = Run::new(&["validate", "-o", "json"])
        .arg(fixture("validate/broken.yaml"))
        .arg(fixture("validate/typos.yaml"))
        .run();
    assert_eq!(out.code, 1);
    let f = findings(&out);
    assert_eq!(f[0].0, "fixtures/validate/broken.yaml");
    assert_eq!(f[0].4, "yaml-syntax");
    assert_eq!(f[0].1, 14);
    assert_eq!(f.len(), 3, "{f:?}");
    assert_eq!(
        out.json()["summary"]["valid"],
        1,
        "the first document of broken.yaml is fine"
    );
}

#[test]
fn a_directory_of_mixed_manifests() {
    let out = Run::new(&["validate", "-o", "json"])
        .arg(fixture("validate/mixed"))
        .run();
    assert_eq!(out.code, 1);
    assert_eq!(
        out.json()["summary"],
        json!({"files": 3, "documents": 3, "valid": 1, "invalid": 1, "skipped": 1, "errors": 1, "warnings": 0, "suppressed": 0, "templates": 0})
    );
    assert_eq!(
        findings(&out),
        vec![(
            "fixtures/validate/mixed/snapshot.json".into(),
            3,
            44,
            "error".into(),
            "schema-violation".into(),
            "/spec/savepoint/disposeOnDelete".into()
        )]
    );
}

#[test]
fn list_items_keep_their_index_and_item_relative_paths() {
    let out = Run::new(&["validate", "-o", "json"])
        .arg(fixture("validate/list.yaml"))
        .run();
    let all = out.json()["findings"].clone();
    assert_eq!(all[0]["item"], 1);
    assert_eq!(all[0]["path"], "/metadata/name");
    assert_eq!(all[0]["line"], 15);
    assert_eq!(all[0]["name"], "Bad_Name");
    assert_eq!(all[1]["path"], "/spec/savepoint/formatType");
}

#[test]
fn a_flink_kind_with_a_wrong_api_version_is_an_error() {
    let out = Run::new(&["validate", "-o", "json"])
        .arg(fixture("validate/wrong-api-version.yaml"))
        .run();
    assert_eq!(out.code, 1);
    assert_eq!(out.json()["findings"][0]["rule"], "api-version");
}

#[test]
fn reads_stdin_by_default_and_with_a_dash() {
    let text = std::fs::read(fixture("validate/typos.yaml")).unwrap();
    for args in [vec!["validate"], vec!["validate", "-"]] {
        let out = Run::new(&args).stdin(text.clone()).run();
        assert_eq!(out.code, 1);
        assert!(
            out.stdout
                .starts_with("<stdin>:25:18: error[schema/schema-violation]"),
            "{}",
            out.stdout
        );
    }
}

#[test]
fn control_characters_from_the_input_never_reach_the_terminal() {
    let out = Run::new(&["validate"])
        .arg(fixture("validate/hostile-text.yaml"))
        .run();
    assert!(!out.stdout.contains('\u{1b}'), "{:?}", out.stdout);
    assert!(!out.stdout.contains('\u{7}'));
    assert!(
        out.stdout.contains("evil\\u{1b}[2J\\u{7}key"),
        "{}",
        out.stdout
    );
}

#[test]
fn usage_errors_exit_2_with_nothing_on_stdout() {
    let missing = Run::new(&["validate", "no/such/file.yaml"]).run();
    assert_eq!(missing.code, 2);
    assert!(missing.stdout.is_empty());
    assert!(
        missing.stderr.contains("cannot read no/such/file.yaml"),
        "{}",
        missing.stderr
    );

    let rule = Run::new(&["validate", "--disable", "no-such-rule"])
        .stdin("")
        .run();
    assert_eq!(rule.code, 2);
    assert!(
        rule.stderr
            .contains("the families are yaml, schema, operator"),
        "{}",
        rule.stderr
    );
    let typo = Run::new(&["validate", "--disable", "unknown-feild"])
        .stdin("")
        .run();
    assert_eq!(typo.code, 2);
    assert!(
        typo.stderr.contains("did you mean unknown-field?"),
        "{}",
        typo.stderr
    );

    let version = Run::new(&["validate", "--operator-version", "1.9"])
        .stdin("")
        .run();
    assert_eq!(version.code, 2);
    assert!(version.stderr.contains("1.10, 1.11"), "{}", version.stderr);
}

#[test]
fn help_documents_the_exit_codes() {
    let out = Run::new(&["validate", "--help"]).run();
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("2  usage error"), "{}", out.stdout);
}

#[test]
fn colour_only_on_a_terminal() {
    // Tests run with a pipe: no escape codes, whatever NO_COLOR says.
    let out = Run::new(&["validate"])
        .arg(fixture("validate/typos.yaml"))
        .run();
    assert!(!out.stdout.contains("\x1b["));
}

fn format_output(format: &str) -> String {
    let out = Run::new(&["validate", "-o", format])
        .arg("fixtures/validate/typos.yaml")
        .arg("fixtures/validate/list.yaml")
        .arg("fixtures/validate/families.yaml")
        .run();
    assert_eq!(out.code, 1);
    out.stdout
}

#[test]
fn output_text() {
    insta::assert_snapshot!(format_output("text"));
}

#[test]
fn output_json() {
    insta::assert_snapshot!(format_output("json"));
}

#[test]
fn output_junit() {
    insta::assert_snapshot!(format_output("junit"));
}

#[test]
fn output_sarif() {
    let sarif: Value = serde_json::from_str(&format_output("sarif")).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    // serde_json prints the numbers: the crate keeps their digits (arbitrary_precision), which
    // insta's own JSON serializer does not know.
    let results = serde_json::to_string_pretty(&sarif["runs"][0]["results"]).unwrap();
    insta::assert_snapshot!(results);
}

#[test]
fn output_github() {
    insta::assert_snapshot!(format_output("github"));
}

#[test]
fn schema_prints_the_embedded_schema() {
    let out = Run::new(&["schema", "flinkdeployment", "--operator-version", "1.12.1"]).run();
    assert_eq!(out.code, 0);
    // Embedded compact, printed indented to be read.
    assert!(
        out.stdout.starts_with("{\n  \"$schema\": "),
        "{}",
        &out.stdout[..80]
    );
    let schema = out.json();
    assert_eq!(
        schema["title"],
        "FlinkDeployment (Flink Kubernetes Operator 1.12.1)"
    );
    let on_disk: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("../schemas/1.12/flinkdeployment.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(schema, on_disk);
    assert_eq!(Run::new(&["schema", "Pod"]).run().code, 2);
}

#[test]
fn many_files_are_reported_in_the_order_given_although_checked_in_parallel() {
    // Every failing rule fixture, named on the command line in reverse: neither sorted nor the
    // order in which threads finish.
    let mut given: Vec<String> = std::fs::read_dir(fixture("rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        // `restore` speaks for its own family's rules, not `validate`.
        .filter(|dir| {
            let id = dir.file_name().unwrap().to_string_lossy();
            registry::find(&id).is_some_and(|r| r.family != Family::Restore)
        })
        .map(|dir| dir.join("fail.yaml"))
        // Those about older releases only (`# releases:`) have nothing to say at the default.
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|t| !t.starts_with("# releases:")))
        .map(|p| p.display().to_string())
        .collect();
    given.sort();
    given.reverse();
    assert!(given.len() > 20, "{given:?}");
    let mut run = Run::new(&["validate", "-o", "json"]);
    for file in &given {
        run = run.arg(file.clone());
    }
    let out = run.run();
    assert_eq!(out.code, 1);
    let mut reported: Vec<String> = Vec::new();
    for (file, ..) in findings(&out) {
        if reported.last() != Some(&file) {
            reported.push(file);
        }
    }
    let given: Vec<String> = given.iter().map(|f| common::relative(f)).collect();
    assert_eq!(reported, given);
}

#[test]
fn a_blue_green_template_is_checked_like_a_deployment_at_its_own_lines() {
    let text = std::fs::read_to_string(fixture("rules/blue-green-option-unknown/pass.yaml"))
        .unwrap()
        .replace(
            "      serviceAccount: flink\n",
            "      serviceAcount: flink\n",
        )
        .replace("upgradeMode: savepoint", "upgradeMode: savepont");
    let out = Run::new(&["validate", "-o", "json"])
        .stdin(text.clone())
        .run();
    let found: Vec<(u64, u64, String, String)> = findings(&out)
        .into_iter()
        .map(|f| (f.1, f.2, f.4, f.5))
        .collect();
    let expected = |rule: &str, path: &str, line: u64, column: u64| {
        (line, column, rule.to_owned(), path.to_owned())
    };
    assert_eq!(
        found,
        [
            expected("service-account-missing", "/spec/template/spec", 10, 5),
            expected("unknown-field", "/spec/template/spec/serviceAcount", 15, 7),
            expected(
                "schema-violation",
                "/spec/template/spec/job/upgradeMode",
                23,
                22
            ),
        ]
    );
    // Before 1.14 the operator has no such kind.
    let old = Run::new(&["validate", "-o", "json", "--operator-version", "1.13"])
        .stdin(text)
        .run();
    let rules: Vec<String> = findings(&old).into_iter().map(|f| f.4).collect();
    assert_eq!(rules, ["kind-not-served"]);
}

#[test]
fn a_session_job_without_its_cluster_is_not_held_to_what_the_cluster_decides() {
    let job = std::fs::read_to_string(fixture(
        "rules/session-job-on-application-cluster/fail.yaml",
    ))
    .unwrap();
    let job = &job[job.rfind("---").unwrap()..];
    // Alone, a last-state job with no directories of its own: its cluster may set them.
    let alone = job.replace("upgradeMode: stateless", "upgradeMode: last-state");
    let out = Run::new(&["validate", "--backup-ready", "-o", "json"])
        .stdin(alone)
        .run();
    assert_eq!((out.code, findings(&out)), (0, vec![]), "{}", out.stdout);
}
