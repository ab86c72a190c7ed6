//! Restores that survive the cluster: into another namespace and onto other storage in one
//! command, the hazards that would lose the state on apply, and backups that really retry.

mod common;

use common::{Run, docs, fixture, notes, refused};
use serde_json::Value;

fn restore(args: &[&str], files: &[&str]) -> common::Output {
    let mut run = Run::new(&[&["restore"], args].concat());
    for f in files {
        run = run.arg(fixture(f));
    }
    run.run()
}

const SEED: [&str; 2] = ["restore/seed-deployment.yaml", "restore/seed-snapshot.yaml"];
const TWO_JOBS: [&str; 1] = ["restore/session-cluster-two-jobs.yaml"];
const DR: [&str; 4] = [
    "--namespace",
    "flink-dr",
    "--relocate",
    "file:/opt/flink/volume=s3://dr-flink/prod",
];

#[test]
fn a_dr_restore_of_the_seed_is_one_command_that_validate_accepts() {
    let out = restore(&DR, &SEED);
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("seed_dr_stdout", out.stdout);
    insta::assert_snapshot!("seed_dr_stderr", out.stderr_relative());
    let check = Run::new(&["validate", "--backup-ready", "-o", "json"])
        .stdin(out.stdout.clone())
        .run();
    assert_eq!(check.code, 0, "{}", check.stdout);
    let restored = &docs(&out.stdout)[0];
    assert_eq!(restored["metadata"]["namespace"], "flink-dr");
    assert_eq!(
        restored["spec"]["flinkConfiguration"]["high-availability.storageDir"],
        "s3://dr-flink/prod/flink-ha"
    );
    // The same move is the patch, and the KRM function's spec.
    let patch = restore(&[&DR[..], &["-o", "patch"]].concat(), &SEED).json();
    let ops: Vec<&Value> = patch.as_array().unwrap().iter().collect();
    assert!(
        ops.iter()
            .any(|op| op["path"] == "/metadata/namespace" && op["value"] == "flink-dr")
    );
    assert!(ops.iter().any(|op| op["path"]
        == "/spec/flinkConfiguration/execution.checkpointing.dir"
        && op["value"] == "s3://dr-flink/prod/flink-cp"));
}

#[test]
fn a_session_cluster_moves_with_its_two_jobs() {
    let out = restore(
        &[
            "--namespace",
            "streaming-dr",
            "--relocate",
            "file:/opt/flink/volume=s3://dr-flink/streaming",
        ],
        &TWO_JOBS,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("two_jobs_dr_stdout", out.stdout);
    let written = docs(&out.stdout);
    let kinds: Vec<(&str, &str, &str)> = written
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap(),
                d["metadata"]["name"].as_str().unwrap(),
                d["metadata"]["namespace"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("FlinkDeployment", "shared-session", "streaming-dr"),
            ("FlinkSessionJob", "orders", "streaming-dr"),
            ("FlinkSessionJob", "payments", "streaming-dr"),
        ]
    );
    let check = Run::new(&["validate", "--backup-ready"])
        .stdin(out.stdout.clone())
        .run();
    assert_eq!(check.code, 0, "{}", check.stdout);
}

#[test]
fn a_relocation_that_moves_nothing_or_a_savepoint_with_entropy_is_refused() {
    let out = restore(&["--relocate", "file:/nowhere=s3://b"], &SEED);
    refused(
        &out,
        "--relocate file:/nowhere=s3://b matches neither a savepoint path",
    );
    let bad = restore(&["--relocate", "relative=s3://b"], &SEED);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    let in_place = Run::new(&[
        "restore",
        "--savepoint-path",
        "s3://old-bucket/app/sp/savepoint-1",
    ])
    .arg(fixture("rules/entropy-relocated/pass.yaml"))
    .run();
    assert_eq!(
        in_place.code, 0,
        "restoring where it was written is fine: {}",
        in_place.stderr
    );
    let moved = Run::new(&[
        "restore",
        "--savepoint-path",
        "s3://old-bucket/app/sp/savepoint-1",
        "--relocate",
        "s3://old-bucket=s3://bucket",
    ])
    .arg(fixture("rules/entropy-relocated/pass.yaml"))
    .run();
    refused(&moved, "[restore/entropy-relocated]");
}

#[test]
fn namespaces_that_would_collide_are_refused() {
    let text = std::fs::read_to_string(fixture("rules/savepoint-unreachable/pass.yaml")).unwrap();
    let snapshot = |ns: &str| {
        format!(
            "apiVersion: flink.apache.org/v1beta1\nkind: FlinkStateSnapshot\nmetadata: {{name: app-nightly, namespace: {ns}}}\nspec:\n  jobReference: {{kind: FlinkDeployment, name: app}}\n  savepoint: {{disposeOnDelete: false}}\nstatus: {{state: COMPLETED, path: 'file:/flink-data/savepoints/savepoint-1', resultTimestamp: '2026-11-29T02:00:00Z'}}\n"
        )
    };
    let mut both = String::new();
    for ns in ["team-a", "team-b"] {
        let deployment = text.replace(
            "  name: app\n",
            &format!("  name: app\n  namespace: {ns}\n"),
        );
        both.push_str(&format!("{deployment}---\n{}---\n", snapshot(ns)));
    }
    let apart = Run::new(&["restore"]).stdin(both.clone()).run();
    assert_eq!(
        apart.code, 0,
        "each in its own namespace is fine: {}",
        apart.stderr
    );
    let together = Run::new(&["restore", "--namespace", "dr"])
        .stdin(both.clone())
        .run();
    refused(
        &together,
        "--namespace would put FlinkDeployment/team-a/app and FlinkDeployment/team-b/app into one namespace under one name",
    );
    let one = Run::new(&[
        "restore",
        "--namespace",
        "dr",
        "--target",
        "team-a/flinkdep/app",
    ])
    .stdin(both.clone())
    .run();
    assert_eq!(one.code, 0, "{}", one.stderr);
    let bad_name = Run::new(&["restore", "--namespace", "Not_A_Namespace"])
        .stdin(both)
        .run();
    assert_eq!(bad_name.code, 2, "{}", bad_name.stderr);
}

#[test]
fn a_reachable_savepoint_names_its_claim_and_ha_says_what_to_delete() {
    let out = restore(&[], &SEED);
    notes(
        &out,
        "savepoint on PVC `ibm-flink-pvc` (mounted at /opt/flink/volume): make sure it is bound before applying: kubectl get pvc ibm-flink-pvc -n flink",
    );
    notes(
        &out,
        "kubectl delete configmap -n flink -l app=application-cluster-prod,configmap-type=high-availability",
    );
    // Notes go to stderr only: the JSON output is the restore form and nothing else.
    let json = restore(&["-o", "json"], &SEED).json();
    assert_eq!(docs(&out.stdout), [json]);
}

#[test]
fn no_claim_writes_no_claim_where_the_configuration_claims() {
    let path = "s3://bucket/app/savepoints/savepoint-7a1b2c-0d1e2f3a4b5c";
    let fixture_path = fixture("rules/savepoint-claimed/fail.yaml");
    let out = Run::new(&["restore", "--savepoint-path", path, "--no-claim", "--diff"])
        .arg(&fixture_path)
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("-    execution.state-recovery.claim-mode: CLAIM\n+    execution.state-recovery.claim-mode: NO_CLAIM\n"),
        "{}",
        out.stdout
    );
    let from_operator = Run::new(&[
        "restore",
        "--savepoint-path",
        path,
        "--no-claim",
        "--operator-config",
        &fixture("operator-config/claim.yaml"),
        "-o",
        "json",
    ])
    .arg(fixture(
        "rules/savepoint-claimed/fail-operator-default.yaml",
    ))
    .run();
    assert_eq!(from_operator.code, 0, "{}", from_operator.stderr);
    assert_eq!(
        from_operator.json()["spec"]["flinkConfiguration"]["execution.state-recovery.claim-mode"],
        "NO_CLAIM"
    );
}

#[test]
fn backups_retry_on_every_release_that_needs_it() {
    let saved = std::fs::read_to_string(fixture("restore/seed-deployment.yaml")).unwrap();
    for release in ["1.10", "1.11", "1.12", "1.13", "1.14", "1.15"] {
        let out = Run::new(&["backup", "--operator-version", release])
            .stdin(saved.clone())
            .run();
        assert_eq!(out.code, 0, "{release}: {}", out.stderr);
        assert_eq!(docs(&out.stdout)[0]["spec"]["backoffLimit"], 3, "{release}");
    }
    let chosen = Run::new(&["backup", "--backoff-limit", "7"])
        .stdin(saved)
        .run();
    assert_eq!(docs(&chosen.stdout)[0]["spec"]["backoffLimit"], 7);
}

#[test]
fn backup_says_where_a_session_jobs_savepoint_really_lands() {
    let text =
        std::fs::read_to_string(fixture("rules/session-job-savepoint-dir-ignored/fail.yaml"))
            .unwrap()
            .replace(
                "  name: session\n",
                "  name: session\nstatus:\n  jobManagerDeploymentStatus: READY\n",
            )
            .replace(
                "    upgradeMode: stateless\n",
                "    upgradeMode: stateless\nstatus:\n  jobStatus:\n    state: RUNNING\n",
            );
    let out = Run::new(&["backup"]).stdin(text).run();
    notes(
        &out,
        "they land under its session cluster's state.savepoints.dir (s3://bucket/session/savepoints)",
    );
}
