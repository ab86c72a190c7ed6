//! Every rule, in both directions, and the precise findings the rules issue promises.

mod common;

use common::{Run, fixture};
use flink_backup::check::registry::{self, Family};
use flink_backup::model::release::Release;
use serde_json::Value;

fn rules_found(path: &str, extra: &[&str]) -> (i32, Vec<Value>) {
    let mut args = vec!["validate", "--backup-ready", "--strict", "-o", "json"];
    args.extend_from_slice(extra);
    let out = Run::new(&args).arg(path).run();
    (out.code, out.json()["findings"].as_array().unwrap().clone())
}

/// A fixture under `fixtures/rules/<rule>/`: `fail*.yaml` must trigger the rule, `pass*.yaml`
/// must be spotless. Leading comments may narrow it: `# releases: 1.10 1.11` (the releases it is
/// about; at the rule's other releases a fail fixture must not trigger it) and `# args: ...`
/// (more flags, e.g. an operator configuration).
struct RuleFixture {
    path: String,
    name: String,
    releases: Option<Vec<Release>>,
    args: Vec<String>,
}

impl RuleFixture {
    fn all(rule: &str) -> Vec<RuleFixture> {
        let dir = fixture(&format!("rules/{rule}"));
        let mut found: Vec<RuleFixture> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("fixtures/rules/{rule}: {e}"))
            .map(|entry| {
                let path = entry.unwrap().path();
                let text = std::fs::read_to_string(&path).unwrap();
                let mut releases = None;
                let mut args = Vec::new();
                for line in text.lines().take_while(|l| l.starts_with('#')) {
                    if let Some(list) = line.strip_prefix("# releases:") {
                        releases = Some(
                            list.split_whitespace()
                                .map(|r| r.parse::<Release>().unwrap())
                                .collect(),
                        );
                    } else if let Some(more) = line.strip_prefix("# args:") {
                        args = more.split_whitespace().map(str::to_owned).collect();
                    }
                }
                RuleFixture {
                    name: path.file_name().unwrap().to_string_lossy().into_owned(),
                    path: path.display().to_string(),
                    releases,
                    args,
                }
            })
            .collect();
        found.sort_by(|a, b| a.name.cmp(&b.name));
        found
    }

    fn is_about(&self, release: Release) -> bool {
        self.releases.as_ref().is_none_or(|r| r.contains(&release))
    }

    /// What the rule's command says of the fixture: `validate`'s findings, or for the `restore`
    /// family the refusals `restore` gives (`[restore/<id>]` on stderr), as findings.
    fn run(&self, release: Release, family: Family) -> (i32, Vec<Value>) {
        let mut args: Vec<&str> = vec!["--operator-version", release.minor()];
        args.extend(self.args.iter().map(String::as_str));
        if family != Family::Restore {
            return rules_found(&self.path, &args);
        }
        let mut command = vec!["restore"];
        command.extend(args);
        let out = Run::new(&command).arg(&self.path).run();
        let found = out
            .stderr
            .lines()
            .filter_map(|line| {
                let start = line.find("[restore/")? + "[restore/".len();
                let id = &line[start..start + line[start..].find(']')?];
                Some(serde_json::json!({"rule": id, "severity": "error", "message": line}))
            })
            .collect();
        (out.code, found)
    }
}

#[test]
fn every_rule_has_a_fixture_that_triggers_it_and_one_that_passes() {
    for rule in registry::ALL {
        let fixtures = RuleFixture::all(rule.id);
        let fails = fixtures.iter().filter(|f| f.name.starts_with("fail"));
        let passes = fixtures.iter().filter(|f| f.name.starts_with("pass"));
        assert!(
            fails.clone().count() > 0 && passes.clone().count() > 0,
            "fixtures/rules/{} needs a fail*.yaml and a pass*.yaml",
            rule.id
        );
        for file in fails {
            for release in Release::ALL {
                let (code, found) = file.run(release, rule.family);
                let triggered = found.iter().any(|f| f["rule"] == rule.id);
                let expected = rule.releases.contains(release) && file.is_about(release);
                assert_eq!(
                    triggered, expected,
                    "fixtures/rules/{}/{} at {release}: {found:#?}",
                    rule.id, file.name
                );
                let refused = found
                    .iter()
                    .any(|f| f["rule"] == rule.id && f["severity"] == "error");
                if expected {
                    assert_eq!(
                        code,
                        i32::from(refused),
                        "{}/{} at {release}",
                        rule.id,
                        file.name
                    );
                }
            }
        }
        for file in passes {
            for release in Release::ALL
                .into_iter()
                .filter(|&r| rule.releases.contains(r) && file.is_about(r))
            {
                let (code, found) = file.run(release, rule.family);
                assert_eq!(
                    (code, found.len()),
                    (0, 0),
                    "fixtures/rules/{}/{} at {release}: {found:#?}",
                    rule.id,
                    file.name
                );
            }
        }
    }
}

/// What every fail fixture reports at the newest release it is about: the messages, lines and
/// columns users see, pinned.
#[test]
fn what_each_rule_says() {
    let mut report = String::new();
    for rule in registry::ALL {
        for file in RuleFixture::all(rule.id)
            .into_iter()
            .filter(|f| f.name.starts_with("fail"))
        {
            let release = Release::ALL
                .into_iter()
                .rev()
                .find(|&r| rule.releases.contains(r) && file.is_about(r))
                .unwrap();
            let (_, found) = file.run(release, rule.family);
            report.push_str(&format!("{}/{} at {release}\n", rule.id, file.name));
            for f in found.iter().filter(|f| f["rule"] == rule.id) {
                let message = common::relative(f["message"].as_str().unwrap());
                match f["path"].as_str() {
                    Some(path) => report.push_str(&format!(
                        "  {}:{} {path} {message}\n",
                        f["line"], f["column"]
                    )),
                    None => report.push_str(&format!("  {message}\n")),
                }
            }
        }
    }
    insta::assert_snapshot!(report);
}

#[test]
fn disable_turns_a_rule_off() {
    let path = fixture("rules/jar-uri-invalid/fail.yaml");
    let (code, found) = rules_found(&path, &["--disable", "jar-uri-invalid"]);
    assert_eq!((code, found.len()), (0, 0), "{found:?}");
}

#[test]
fn prerequisites_are_warnings_unless_backup_ready() {
    let path = fixture("rules/checkpoint-dir-missing/fail.yaml");
    let out = Run::new(&["validate", "-o", "json"]).arg(&path).run();
    assert_eq!(out.code, 0);
    assert_eq!(out.json()["findings"][0]["severity"], "warning");
    let (code, found) = rules_found(&path, &[]);
    assert_eq!(code, 1);
    assert_eq!(found[0]["severity"], "error");
}

const APP: &str = "apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata:
  name: app
spec:
  flinkVersion: v1_20
  flinkConfiguration:
    state.checkpoints.dir: CP
    state.savepoints.dir: SP
  serviceAccount: flink
  jobManager:
    resource: {memory: 2048m, cpu: 1}
  taskManager:
    resource: {memory: 2048m, cpu: 1}
  job:
    jarURI: local:///opt/flink/job.jar
    parallelism: 2
    upgradeMode: savepoint
  podTemplate:
    spec:
      containers:
        - name: flink-main-container
          volumeMounts:
            - name: checkpoints
              mountPath: /flink-data/checkpoints
            - name: savepoints
              mountPath: /flink-data/savepoints
      volumes:
        - name: checkpoints
          emptyDir: {}
        - name: savepoints
          persistentVolumeClaim:
            claimName: savepoints
";

fn only_finding(text: String, extra: &[&str]) -> (String, u64, u64, String) {
    let mut args = vec!["validate", "--backup-ready", "-o", "json"];
    args.extend_from_slice(extra);
    let out = Run::new(&args).stdin(text).run();
    let findings = out.json()["findings"].as_array().unwrap().clone();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    (
        f["rule"].as_str().unwrap().to_owned(),
        f["line"].as_u64().unwrap(),
        f["column"].as_u64().unwrap(),
        f["message"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn a_checkpoint_directory_on_an_empty_dir() {
    let text = APP
        .replace("CP", "file:///flink-data/checkpoints")
        .replace("SP", "/flink-data/savepoints/");
    let (rule, line, column, message) = only_finding(text, &[]);
    assert_eq!(
        (rule.as_str(), line, column),
        ("state-dir-not-persistent", 8, 28)
    );
    assert!(
        message.contains("volume mount /flink-data/checkpoints (volume \"checkpoints\", emptyDir)"),
        "{message}"
    );
}

#[test]
fn a_savepoint_directory_equal_to_the_checkpoint_directory() {
    let text = APP
        .replace("CP", "file:/flink-data/savepoints")
        .replace("SP", "file:///flink-data/savepoints/");
    let (rule, line, column, message) = only_finding(text, &[]);
    assert_eq!((rule.as_str(), line, column), ("state-dirs-overlap", 9, 27));
    assert!(message.contains("is the same place as"), "{message}");
}

#[test]
fn a_46_character_name() {
    let text = APP
        .replace("name: app", &format!("name: {}", "a".repeat(46)))
        .replace("CP", "s3://b/cp")
        .replace("SP", "s3://b/sp");
    let (rule, line, column, message) = only_finding(text, &[]);
    assert_eq!((rule.as_str(), line, column), ("name-invalid", 4, 9));
    assert!(message.contains("46 characters"), "{message}");
}

#[test]
fn nested_savepoint_directory_under_1_12() {
    let text = APP
        .replace("flinkVersion: v1_20", "flinkVersion: v1_18")
        .replace("CP", "s3://b/cp")
        .replace(
            "    state.savepoints.dir: SP\n",
            "    state:\n      savepoints:\n        dir: s3://b/sp\n",
        );
    let (rule, line, column, message) = only_finding(text.clone(), &["--operator-version", "1.12"]);
    assert_eq!((rule.as_str(), line, column), ("schema-violation", 9, 5));
    assert!(message.contains("not of type \"string\""), "{message}");
    let out = Run::new(&["validate", "--backup-ready"]).stdin(text).run();
    assert_eq!(out.code, 0, "valid from 1.13: {}", out.stdout);
}

#[test]
fn ibm_production_manifests_are_backup_ready_and_quick_starts_say_what_is_missing() {
    let deployments = fixture("corpus/ibm-event-automation/flink/cr-examples/flinkdeployment");
    let out = Run::new(&["validate", "--backup-ready", "--strict", "-o", "json"])
        .arg(&deployments)
        .run();
    let found: Vec<(String, String)> = out.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap();
            (
                file[file.len() - 30..].to_owned(),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "nt/kubernetes/quick-start.yaml".into(),
                "checkpoint-dir-missing".into()
            ),
            (
                "nt/kubernetes/quick-start.yaml".into(),
                "savepoint-dir-missing".into()
            ),
            (
                "ent/openshift/quick-start.yaml".into(),
                "checkpoint-dir-missing".into()
            ),
            (
                "ent/openshift/quick-start.yaml".into(),
                "savepoint-dir-missing".into()
            ),
        ]
    );
    // Session jobs inherit their cluster's directories: checked when the cluster is in the input.
    let all = fixture("corpus/ibm-event-automation/flink/cr-examples");
    let out = Run::new(&[
        "validate",
        "--backup-ready",
        "--disable",
        "jar-uri-unusable",
        "-o",
        "json",
    ])
    .arg(&all)
    .run();
    let production_findings: Vec<_> = out.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["file"].as_str().unwrap().contains("quick-start"))
        .cloned()
        .collect();
    assert!(production_findings.is_empty(), "{production_findings:#?}");
}

#[test]
fn a_session_job_inherits_its_clusters_directories() {
    let cluster = std::fs::read_to_string(fixture(
        "rules/session-job-on-application-cluster/pass.yaml",
    ))
    .unwrap();
    let without_dirs = cluster
        .replace(
            "    state.checkpoints.dir: s3://bucket/session/checkpoints\n",
            "",
        )
        .replace("upgradeMode: stateless", "upgradeMode: last-state");
    let out = Run::new(&["validate", "-o", "json"])
        .stdin(without_dirs)
        .run();
    let rules: Vec<(String, u64)> = out.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["document"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rules,
        [
            ("checkpoint-dir-missing".into(), 1),
            ("checkpoint-dir-missing".into(), 2),
            ("upgrade-mode-needs-checkpoint-dir".into(), 2),
        ]
    );
}
