//! `flink-backup restore`, end to end.

mod common;

use common::{Run, completed, deployment, docs, fixture, refused, snapshot, stream};
use serde_json::{Value, json};

fn restore(args: &[&str], input: String) -> common::Output {
    let mut all = vec!["restore"];
    all.extend_from_slice(args);
    Run::new(&all).stdin(input).run()
}

#[test]
fn the_seed_example_gives_exactly_the_seed_job_block() {
    let out = Run::new(&["restore"])
        .arg(fixture("restore/seed-deployment.yaml"))
        .arg(fixture("restore/seed-snapshot.yaml"))
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let docs = docs(&out.stdout);
    assert_eq!(docs.len(), 1);
    let job = &docs[0]["spec"]["job"];
    assert_eq!(job["state"], "running");
    assert_eq!(job["upgradeMode"], "savepoint");
    assert_eq!(
        job["initialSavepointPath"],
        "file:/opt/flink/volume/flink-sp/savepoint-caf2b2-39d09a1c170c"
    );
    assert_eq!(job["allowNonRestoredState"], true);
    assert!(docs[0].get("status").is_none());
    assert_eq!(
        docs[0]["metadata"],
        json!({"name": "application-cluster-prod", "namespace": "flink"})
    );
    assert!(
        out.stderr
            .contains("from snapshot \"application-cluster-prod-backup-20261121-080000\"")
    );
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn everything_but_the_documented_fields_is_unchanged() {
    let out = Run::new(&["restore"])
        .arg(fixture("restore/seed-deployment.yaml"))
        .arg(fixture("restore/seed-snapshot.yaml"))
        .run();
    let restored = docs(&out.stdout).remove(0);
    let mut saved =
        docs(&std::fs::read_to_string(fixture("restore/seed-deployment.yaml")).unwrap()).remove(0);
    saved.as_object_mut().unwrap().shift_remove("status");
    saved["metadata"] = json!({"name": "application-cluster-prod", "namespace": "flink"});
    saved["spec"]["job"]["initialSavepointPath"] =
        json!("file:/opt/flink/volume/flink-sp/savepoint-caf2b2-39d09a1c170c");
    assert_eq!(restored, saved);
    // Key order is the saved order; the one new field comes last in `job`.
    let keys: Vec<&String> = restored["spec"].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "flinkConfiguration",
            "serviceAccount",
            "podTemplate",
            "jobManager",
            "taskManager",
            "job",
            "mode"
        ]
    );
}

#[test]
fn patch_output_applied_to_the_input_is_the_yaml_output() {
    let input = stream(&[
        deployment("app", None),
        snapshot(
            "s",
            None,
            "app",
            &completed("s3://b/sp-1", "2026-01-01T00:00:00Z"),
        ),
    ]);
    let yaml = restore(&[], input.clone());
    let patch = restore(&["-o", "patch"], input.clone());
    assert_eq!(patch.code, 0, "{}", patch.stderr);
    let patch: json_patch::Patch = serde_json::from_str(&patch.stdout).unwrap();
    let mut saved = docs(&input).remove(0);
    json_patch::patch(&mut saved, &patch).unwrap();
    assert_eq!(docs(&yaml.stdout), vec![saved]);
}

#[test]
fn patch_output_for_several_targets_names_each_target() {
    let input = stream(&[
        deployment("a", Some("ns")),
        snapshot(
            "sa",
            Some("ns"),
            "a",
            &completed("s3://b/a", "2026-01-01T00:00:00Z"),
        ),
        deployment("b", None),
        snapshot(
            "sb",
            None,
            "b",
            &completed("s3://b/b", "2026-01-01T00:00:00Z"),
        ),
    ]);
    let out = restore(&["-o", "patch"], input);
    let all: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        all[0]["target"],
        json!({"kind": "FlinkDeployment", "name": "a", "namespace": "ns"})
    );
    assert_eq!(
        all[1]["target"],
        json!({"kind": "FlinkDeployment", "name": "b"})
    );
    assert!(
        all[1]["patch"]
            .as_array()
            .unwrap()
            .iter()
            .any(|op| op["value"] == "s3://b/b")
    );
}

#[test]
fn json_output_is_one_object_or_a_list() {
    let one = restore(
        &["-o", "json"],
        stream(&[
            deployment("a", None),
            snapshot("s", None, "a", &completed("s3://b/a", "t")),
        ]),
    );
    assert_eq!(one.json()["kind"], "FlinkDeployment");
    let two = restore(
        &["-o", "json"],
        stream(&[
            deployment("a", None),
            snapshot("sa", None, "a", &completed("s3://b/a", "t")),
            deployment("b", None),
            snapshot("sb", None, "b", &completed("s3://b/b", "t")),
        ]),
    );
    assert_eq!(two.json()["kind"], "List");
    assert_eq!(
        two.json()["items"][1]["spec"]["job"]["initialSavepointPath"],
        "s3://b/b"
    );
}

#[test]
fn pairs_by_name_and_namespace() {
    let input = stream(&[
        deployment("app", Some("blue")),
        deployment("app", Some("green")),
        snapshot(
            "g",
            Some("green"),
            "app",
            &completed("s3://b/green", "2026-01-01T00:00:00Z"),
        ),
        snapshot(
            "b",
            Some("blue"),
            "app",
            &completed("s3://b/blue", "2026-01-01T00:00:00Z"),
        ),
        snapshot(
            "other",
            None,
            "another-app",
            &completed("s3://b/other", "2026-01-01T00:00:00Z"),
        ),
    ]);
    let out = restore(&[], input);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let docs = docs(&out.stdout);
    assert_eq!(docs[0]["metadata"]["namespace"], "blue");
    assert_eq!(
        docs[0]["spec"]["job"]["initialSavepointPath"],
        "s3://b/blue"
    );
    assert_eq!(
        docs[1]["spec"]["job"]["initialSavepointPath"],
        "s3://b/green"
    );
}

#[test]
fn a_namespace_missing_on_one_side_matches() {
    let input = stream(&[
        deployment("app", Some("prod")),
        snapshot("s", None, "app", &completed("s3://b/x", "t")),
    ]);
    let out = restore(&[], input);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn the_newest_completed_snapshot_wins_and_says_so() {
    let input = stream(&[
        deployment("app", None),
        snapshot(
            "old",
            None,
            "app",
            &completed("s3://b/old", "2026-01-01T00:00:00Z"),
        ),
        snapshot(
            "newest",
            None,
            "app",
            &completed("s3://b/newest", "2026-03-01T00:00:00Z"),
        ),
        snapshot(
            "middle",
            None,
            "app",
            &completed("s3://b/middle", "2026-02-01T00:00:00Z"),
        ),
        snapshot(
            "running",
            None,
            "app",
            "  state: IN_PROGRESS\n  resultTimestamp: \"2026-04-01T00:00:00Z\"\n",
        ),
    ]);
    let out = restore(&[], input.clone());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        docs(&out.stdout)[0]["spec"]["job"]["initialSavepointPath"],
        "s3://b/newest"
    );
    assert!(
        out.stderr.contains("\"newest\", the newest COMPLETED of 3"),
        "{}",
        out.stderr
    );

    let picked = restore(&["--snapshot", "old"], input.clone());
    assert_eq!(
        docs(&picked.stdout)[0]["spec"]["job"]["initialSavepointPath"],
        "s3://b/old"
    );

    refused(
        &restore(&["--snapshot", "running"], input.clone()),
        "is IN_PROGRESS, not COMPLETED",
    );
    refused(
        &restore(&["--snapshot", "nope"], input),
        "--snapshot nope: the input has no FlinkStateSnapshot of that name; it has \"old\", \"newest\", \"middle\", \"running\"",
    );
}

#[test]
fn unfinished_and_failed_snapshots_are_refused() {
    for (status, needle) in [
        ("  state: IN_PROGRESS\n", "is IN_PROGRESS, not COMPLETED"),
        ("  state: TRIGGER_PENDING\n", "is TRIGGER_PENDING"),
        (
            "  state: FAILED\n  error: 'Savepoint failed: disk full'\n  failures: 3\n",
            "status.error: \"Savepoint failed: disk full\"",
        ),
        ("  state: ABANDONED\n", "is ABANDONED"),
        ("  state: COMPLETED\n  path: ''\n", "status.path is empty"),
    ] {
        let out = restore(
            &[],
            stream(&[deployment("app", None), snapshot("s", None, "app", status)]),
        );
        refused(&out, needle);
        assert!(out.stderr.contains("FlinkDeployment/app"), "{}", out.stderr);
    }
}

#[test]
fn a_checkpoint_needs_allow_checkpoint() {
    let checkpoint = "apiVersion: flink.apache.org/v1beta1
kind: FlinkStateSnapshot
metadata:
  name: cp
spec:
  jobReference: {kind: FlinkDeployment, name: app}
  checkpoint: {}
status:
  state: COMPLETED
  path: s3://b/chk-7
";
    let input = stream(&[deployment("app", None), checkpoint.to_owned()]);
    refused(&restore(&[], input.clone()), "Flink owns checkpoint data");
    let allowed = restore(&["--allow-checkpoint"], input);
    assert_eq!(allowed.code, 0, "{}", allowed.stderr);
    assert_eq!(
        docs(&allowed.stdout)[0]["spec"]["job"]["initialSavepointPath"],
        "s3://b/chk-7"
    );
}

#[test]
fn an_already_existing_savepoint_uses_its_spec_path() {
    let snap = "apiVersion: flink.apache.org/v1beta1
kind: FlinkStateSnapshot
metadata:
  name: imported
spec:
  jobReference: {kind: FlinkDeployment, name: app}
  savepoint:
    alreadyExists: true
    path: s3://b/imported
status:
  state: COMPLETED
";
    let out = restore(&[], stream(&[deployment("app", None), snap.to_owned()]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        docs(&out.stdout)[0]["spec"]["job"]["initialSavepointPath"],
        "s3://b/imported"
    );
}

#[test]
fn no_source_is_refused_and_the_status_is_never_used_silently() {
    let mut with_status = deployment("app", None);
    with_status.push_str("    upgradeSavepointPath: s3://b/upgrade\n");
    refused(&restore(&[], with_status.clone()), "--from-status");
    let out = restore(&["--from-status"], with_status);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        docs(&out.stdout)[0]["spec"]["job"]["initialSavepointPath"],
        "s3://b/upgrade"
    );
    assert!(out.stderr.contains("upgradeSavepointPath (--from-status)"));
}

#[test]
fn from_status_reads_the_nonce_based_location_too() {
    let mut saved = deployment("app", None).replace("    state: stateless\n", "");
    saved = saved.replace(
        "    upgradeMode: stateless\n",
        "    upgradeMode: stateless\n    savepointTriggerNonce: 4\n",
    );
    saved.push_str("    savepointInfo:\n      lastSavepoint:\n        location: file:/flink-data/sp/savepoint-1\n        triggerNonce: 4\n");
    // The test deployment mounts no volume; that hazard has tests of its own.
    let out = restore(&["--from-status", "--allow-unreachable-savepoint"], saved);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let job = &docs(&out.stdout)[0]["spec"]["job"];
    assert_eq!(
        job["initialSavepointPath"],
        "file:/flink-data/sp/savepoint-1"
    );
    assert!(
        job.get("savepointTriggerNonce").is_none(),
        "IBM EP 1.2 removes the nonce: {job}"
    );
    refused(
        &restore(&["--from-status"], deployment("app", None)),
        "neither jobStatus.upgradeSavepointPath",
    );
}

#[test]
fn a_snapshot_whose_target_is_missing_is_refused() {
    let out = restore(
        &[],
        snapshot("s", None, "gone", &completed("s3://b/x", "t")),
    );
    refused(
        &out,
        "<stdin>:1: FlinkStateSnapshot/s refers to FlinkDeployment/gone, which is not in the input",
    );
    refused(
        &restore(&[], String::new()),
        "no FlinkDeployment with spec.job",
    );
}

#[test]
fn explicit_savepoint_path() {
    let out = restore(
        &["--savepoint-path", "s3://b/explicit"],
        deployment("app", None),
    );
    assert_eq!(
        docs(&out.stdout)[0]["spec"]["job"]["initialSavepointPath"],
        "s3://b/explicit"
    );
    let two = stream(&[deployment("a", None), deployment("b", None)]);
    refused(
        &restore(&["--savepoint-path", "s3://b/x"], two),
        "restore one at a time with --target FlinkDeployment/a or --target FlinkDeployment/b",
    );
}

#[test]
fn redeploy_and_allow_non_restored_state_false() {
    let mut saved = deployment("app", None);
    saved = saved.replace(
        "    state: running\n",
        "    state: running\n    savepointRedeployNonce: 2\n",
    );
    let out = restore(
        &[
            "--redeploy",
            "--allow-non-restored-state=false",
            "--savepoint-path",
            "s3://b/x",
        ],
        saved,
    );
    let job = &docs(&out.stdout)[0]["spec"]["job"];
    assert_eq!(job["savepointRedeployNonce"], 3);
    assert_eq!(job["allowNonRestoredState"], false);
    let fresh = restore(
        &["--redeploy", "--savepoint-path", "s3://b/x"],
        deployment("app", None),
    );
    assert_eq!(
        docs(&fresh.stdout)[0]["spec"]["job"]["savepointRedeployNonce"],
        1
    );
}

#[test]
fn a_session_job_comes_after_its_cluster() {
    let out = Run::new(&["restore"])
        .arg(fixture("restore/session-job.yaml"))
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
    let docs = docs(&out.stdout);
    assert_eq!(docs[0]["kind"], "FlinkDeployment");
    assert_eq!(docs[1]["kind"], "FlinkSessionJob");
    assert!(
        docs[1]["spec"]["job"]
            .get("savepointTriggerNonce")
            .is_none()
    );
}

#[test]
fn restore_is_idempotent() {
    let snap = snapshot("s", None, "app", &completed("s3://b/x", "t"));
    let first = restore(&[], stream(&[deployment("app", None), snap.clone()]));
    let again = restore(&[], format!("{}---\n{snap}", first.stdout));
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(again.stdout, first.stdout);
}

#[test]
fn tricky_scalars_survive_the_round_trip() {
    let out = Run::new(&["restore", "--from-status", "--operator-config"])
        .arg(fixture("operator-config/state-dirs.yaml"))
        .arg(fixture("restore/tricky-scalars.yaml"))
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let restored = docs(&out.stdout).remove(0);
    let mut saved =
        docs(&std::fs::read_to_string(fixture("restore/tricky-scalars.yaml")).unwrap()).remove(0);
    saved.as_object_mut().unwrap().shift_remove("status");
    let job = saved["spec"]["job"].as_object_mut().unwrap();
    job.shift_remove("savepointTriggerNonce");
    job.insert("upgradeMode".into(), json!("savepoint"));
    job.insert("state".into(), json!("running"));
    job.insert("allowNonRestoredState".into(), json!(true));
    job.insert(
        "initialSavepointPath".into(),
        json!("s3://bucket/savepoints/savepoint-abc"),
    );
    assert_eq!(restored, saved);
    let wide = &restored["spec"]["flinkConfiguration"]["numbers"];
    assert_eq!(wide["beyondDouble"].to_string(), "9007199254740993");
    assert_eq!(
        wide["beyond64Bits"].to_string(),
        "123456789012345678901234567890"
    );
    assert!(
        out.stdout
            .contains("beyond64Bits: 123456789012345678901234567890\n")
    );
    assert!(out.stdout.contains("decimalText: 0.10\n"));
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn diff_shows_only_what_changes() {
    let out = Run::new(&["restore", "--diff"])
        .arg(fixture("restore/seed-deployment.yaml"))
        .arg(fixture("restore/seed-snapshot.yaml"))
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout_relative());
}

#[test]
fn an_output_the_cluster_would_reject_is_never_printed() {
    let bad = deployment("app", None).replace("v1_20", "v9_9");
    let out = restore(&["--savepoint-path", "s3://b/x"], bad);
    refused(
        &out,
        "fails the operator 1.15 check [schema/schema-violation] at /spec/flinkVersion",
    );
}

#[test]
fn unreadable_input_writes_nothing() {
    let out = restore(
        &["--savepoint-path", "s3://b/x"],
        format!("{}---\nkey: [unclosed\n", deployment("app", None)),
    );
    refused(&out, "error[yaml/yaml-syntax]");
}

/// Every restorable resource of the corpus: restoring twice changes nothing the second time, and
/// the output passes the schema.
#[test]
fn restore_is_idempotent_over_the_corpus() {
    use flink_backup::input::{InputPath, ReadOptions, expand_paths, load_all};
    use flink_backup::transform::inventory::TransformInput;
    use flink_backup::transform::restore::{RestoreOptions, plan, source::SourceOptions};

    // The operator's `main` examples are left out: 1.15 refuses them as they stand.
    let paths: Vec<InputPath> = expand_paths(&[
        fixture("corpus/flink-kubernetes-operator-1.15.0").into(),
        fixture("corpus/ibm-event-automation").into(),
    ])
    .unwrap();
    let loaded = load_all(&paths, &ReadOptions::default()).unwrap();
    assert!(loaded.broken.is_empty());
    let options = RestoreOptions {
        source: SourceOptions {
            savepoint_path: Some("s3://flink-state/savepoints/savepoint-1".into()),
            ..Default::default()
        },
        allow_non_restored_state: true,
        ..RestoreOptions::default()
    };
    // Most of the operator's examples set no state directories: restore them as a platform whose
    // operator configuration gives every resource its directories would.
    let config = fixture("operator-config/state-dirs.yaml");
    let operator = flink_backup::model::operator_config::OperatorConfig::parse(
        &config,
        &std::fs::read_to_string(&config).unwrap(),
    )
    .unwrap();
    let check = flink_backup::check::CheckOptions {
        operator: std::sync::Arc::new(operator),
        ..Default::default()
    };
    let mut restored_count = 0;
    for mut doc in loaded.documents {
        // IBM's session job templates leave the jar for the user to fill in: fill it in.
        if let Some(jar) = doc.value.pointer_mut("/spec/job/jarURI") {
            if jar == "<URI of the job jar>" {
                *jar = json!("https://repo.example.com/job.jar");
            }
        }
        let origin = doc.origin.clone();
        let single = TransformInput::of(vec![doc]);
        let Ok(first) = plan(&single, &options) else {
            continue;
        };
        let target = first.resources.last().unwrap();
        let restored = target.apply(&single.documents).unwrap();
        let again_input = TransformInput::of(vec![flink_backup::input::Document {
            origin: origin.clone(),
            value: restored.clone(),
            duplicates: Vec::new(),
        }]);
        let second = plan(&again_input, &options).unwrap();
        let again = second
            .resources
            .last()
            .unwrap()
            .apply(&again_input.documents)
            .unwrap();
        assert_eq!(again, restored, "{origin}");
        let outgoing = [flink_backup::transform::gate::Outgoing {
            value: &restored,
            from: None,
        }];
        if let Err(refusals) = flink_backup::transform::gate::check(&outgoing, &check) {
            panic!("{origin}: {refusals:?}");
        }
        restored_count += 1;
    }
    assert!(
        restored_count >= 25,
        "only {restored_count} corpus resources were restorable"
    );
}
