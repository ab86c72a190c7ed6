//! `flink-backup backup`, end to end.

mod common;

use common::{Run, docs, fixture, refused};
use serde_json::json;

const EPOCH: &str = "1763715600"; // 2025-11-21 09:00:00 UTC

fn backup(args: &[&str], input: String) -> common::Output {
    let mut all = vec!["backup"];
    all.extend_from_slice(args);
    Run::new(&all)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .stdin(input)
        .run()
}

fn saved(name: &str, jm: &str, job: &str) -> String {
    format!(
        "apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata:
  name: {name}
  namespace: prod
  uid: 7f3c2a10
spec:
  flinkVersion: v1_20
  flinkConfiguration:
    state.savepoints.dir: s3://b/sp
    state.checkpoints.dir: s3://b/cp
  serviceAccount: flink
  jobManager:
    resource: {{memory: 2048m, cpu: 1}}
  taskManager:
    resource: {{memory: 2048m, cpu: 1}}
  job:
    jarURI: local:///opt/flink/job.jar
    parallelism: 2
    savepointTriggerNonce: 6
status:
  jobManagerDeploymentStatus: {jm}
  jobStatus:
    state: {job}
"
    )
}

#[test]
fn the_seed_example() {
    let input = std::fs::read_to_string(fixture("restore/seed-deployment.yaml")).unwrap();
    let out = backup(&[], input);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let snapshot = docs(&out.stdout).remove(0);
    assert_eq!(
        snapshot["spec"],
        json!({
            "backoffLimit": 3,
            "jobReference": {"kind": "FlinkDeployment", "name": "application-cluster-prod"},
            "savepoint": {"alreadyExists": false, "disposeOnDelete": false}
        })
    );
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn the_output_validates_and_is_reproducible() {
    let input = std::fs::read_to_string(fixture("restore/seed-deployment.yaml")).unwrap();
    let first = backup(&[], input.clone());
    let second = backup(&[], input);
    assert_eq!(
        first.stdout, second.stdout,
        "same SOURCE_DATE_EPOCH, same bytes"
    );
    let check = Run::new(&["validate", "--strict"])
        .stdin(first.stdout)
        .run();
    assert_eq!(check.code, 0, "{}", check.stdout);
}

#[test]
fn not_ready_failed_and_status_less_inputs_are_refused() {
    let out = backup(&[], saved("app", "DEPLOYING", "RUNNING"));
    refused(
        &out,
        "<stdin>:1: FlinkDeployment/prod/app: status.jobManagerDeploymentStatus is DEPLOYING, not READY",
    );
    let out = backup(&[], saved("app", "READY", "FAILED"));
    refused(&out, "status.jobStatus.state is FAILED, not RUNNING");
    let git = std::fs::read_to_string(fixture(
        "corpus/ibm-event-automation/flink/cr-examples/flinkdeployment/kubernetes/production-application-cluster.yaml",
    ))
    .unwrap();
    let out = backup(&[], git);
    refused(&out, "has no status: this looks like a manifest from git");
    assert!(
        out.stderr
            .contains("kubectl get flinkdeployment application-cluster-prod -o yaml")
    );
}

#[test]
fn force_skips_the_precondition_with_a_warning() {
    let out = backup(&["--force"], saved("app", "DEPLOYING", "FAILED"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("--force: not checking"),
        "{}",
        out.stderr
    );
    assert_eq!(
        docs(&out.stdout)[0]["metadata"]["name"],
        "app-backup-20251121-090000"
    );
}

#[test]
fn a_session_job_and_its_cluster() {
    let out = Run::new(&["backup"])
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .arg(fixture("restore/session-job.yaml"))
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let all = docs(&out.stdout);
    assert_eq!(all.len(), 1, "the session cluster has no job of its own");
    assert_eq!(
        all[0]["spec"]["jobReference"],
        json!({"kind": "FlinkSessionJob", "name": "session-job-prod"})
    );
    assert!(
        out.stderr
            .contains("FlinkDeployment/flink/session-cluster-prod is a session cluster")
    );

    let text = std::fs::read_to_string(fixture("restore/session-job.yaml")).unwrap();
    let not_ready = text.replace(
        "jobManagerDeploymentStatus: READY",
        "jobManagerDeploymentStatus: ERROR",
    );
    refused(
        &backup(&[], not_ready),
        "status.jobManagerDeploymentStatus of its session cluster FlinkDeployment/flink/session-cluster-prod is ERROR",
    );
}

#[test]
fn a_list_of_two_deployments_gives_two_snapshots_in_order() {
    let list = format!(
        "apiVersion: v1\nkind: List\nitems:\n{}{}",
        indent_item(&saved("first", "READY", "RUNNING")),
        indent_item(&saved("second", "READY", "RUNNING"))
    );
    let out = backup(&[], list);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let names: Vec<_> = docs(&out.stdout)
        .iter()
        .map(|d| d["metadata"]["name"].clone())
        .collect();
    assert_eq!(
        names,
        [
            json!("first-backup-20251121-090000"),
            json!("second-backup-20251121-090000")
        ]
    );
    let as_json = backup(
        &["-o", "json"],
        format!(
            "{}---\n{}",
            saved("a", "READY", "RUNNING"),
            saved("b", "READY", "RUNNING")
        ),
    );
    assert_eq!(as_json.json()["kind"], "List");
}

fn indent_item(doc: &str) -> String {
    let mut out = String::new();
    for (i, line) in doc.lines().enumerate() {
        out.push_str(if i == 0 { "- " } else { "  " });
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[test]
fn every_option_lands_in_the_manifest() {
    let out = backup(
        &[
            "--format-type",
            "NATIVE",
            "--path",
            "s3://b/manual",
            "--backoff-limit",
            "-1",
            "--label",
            "team=data",
            "--label",
            "tier=gold",
            "--name",
            "before-upgrade",
        ],
        saved("app", "READY", "RUNNING"),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn risky_options_warn() {
    let dispose = backup(&["--dispose-on-delete"], saved("app", "READY", "RUNNING"));
    assert_eq!(
        docs(&dispose.stdout)[0]["spec"]["savepoint"]["disposeOnDelete"],
        true
    );
    assert!(
        dispose.stderr.contains("will delete the savepoint data"),
        "{}",
        dispose.stderr
    );
    let checkpoint = backup(&["--checkpoint"], saved("app", "READY", "RUNNING"));
    assert_eq!(docs(&checkpoint.stdout)[0]["spec"]["checkpoint"], json!({}));
    assert!(
        docs(&checkpoint.stdout)[0]["spec"]
            .get("savepoint")
            .is_none()
    );
    assert!(checkpoint.stderr.contains("Flink owns checkpoint data"));
}

#[test]
fn names() {
    let two = format!(
        "{}---\n{}",
        saved("a", "READY", "RUNNING"),
        saved("b", "READY", "RUNNING")
    );
    refused(&backup(&["--name", "x"], two), "--name names one snapshot");
    let generated = backup(&["--generate-name"], saved("app", "READY", "RUNNING"));
    assert_eq!(
        docs(&generated.stdout)[0]["metadata"],
        json!({"generateName": "app-backup-", "namespace": "prod"})
    );
    let bad_epoch = Run::new(&["backup"])
        .env("SOURCE_DATE_EPOCH", "soon")
        .stdin(saved("app", "READY", "RUNNING"))
        .run();
    assert_eq!(bad_epoch.code, 2);
    assert!(bad_epoch.stderr.contains("SOURCE_DATE_EPOCH"));
}

#[test]
fn trigger_nonce_for_older_operators() {
    let out = backup(&["--trigger-nonce"], saved("app", "READY", "RUNNING"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = docs(&out.stdout).remove(0);
    assert_eq!(doc["kind"], "FlinkDeployment");
    assert_eq!(doc["spec"]["job"]["savepointTriggerNonce"], 7);
    assert_eq!(doc["spec"]["job"]["upgradeMode"], "savepoint");
    assert!(doc.get("status").is_none());
    assert!(doc["metadata"].get("uid").is_none());
}

#[test]
fn input_with_nothing_to_back_up_is_an_error() {
    refused(
        &backup(
            &[],
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n".into(),
        ),
        "no FlinkDeployment with spec.job, FlinkSessionJob or FlinkBlueGreenDeployment",
    );
}
