//! Blue/green deployments (operator 1.14+): backed up through their active child, in every state
//! of the controller's state machine that matters, and restored through the template from the
//! snapshots of either child.

mod common;

use serde_json::{Value, json};

use common::{Run, docs, fixture, notes, refused};

fn saved() -> String {
    std::fs::read_to_string(fixture("blue-green/laststate-active-blue.yaml")).unwrap()
}

fn snapshots() -> String {
    std::fs::read_to_string(fixture("blue-green/snapshots.yaml")).unwrap()
}

/// The saved parent and blue child, with green active instead.
fn green_active() -> String {
    saved()
        .replace("ACTIVE_BLUE", "ACTIVE_GREEN")
        .replace(
            "basic-bg-laststate-example-blue",
            "basic-bg-laststate-example-green",
        )
        .replace(
            "blue-green-deployment-type: BLUE",
            "blue-green-deployment-type: GREEN",
        )
}

/// Only the parent: the first item of the saved List.
fn parent_only() -> String {
    let text = saved();
    let child_at = text
        .find("- apiVersion: flink.apache.org/v1beta1\n  kind: FlinkDeployment")
        .unwrap();
    text[..child_at].to_owned()
}

fn backup(input: String, extra: &[&str]) -> common::Output {
    Run::new(&["backup"])
        .args(extra)
        .env("SOURCE_DATE_EPOCH", "1764400000")
        .stdin(input)
        .run()
}

fn job_reference(out: &common::Output) -> Value {
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written = docs(&out.stdout);
    assert_eq!(written.len(), 1, "{}", out.stdout);
    written[0]["spec"]["jobReference"].clone()
}

#[test]
fn backup_snapshots_the_active_child() {
    let out = backup(saved(), &[]);
    assert_eq!(
        job_reference(&out),
        json!({"kind": "FlinkDeployment", "name": "basic-bg-laststate-example-blue"})
    );
    assert_eq!(
        docs(&out.stdout)[0]["metadata"]["namespace"],
        json!("flink"),
        "in the parent's namespace"
    );
    let out = backup(green_active(), &[]);
    assert_eq!(
        job_reference(&out),
        json!({"kind": "FlinkDeployment", "name": "basic-bg-laststate-example-green"})
    );
}

#[test]
fn backup_waits_out_every_transition() {
    for (state, needle) in [
        (
            "INITIALIZING_BLUE",
            "its first deployment is still starting",
        ),
        ("SAVEPOINTING_BLUE", "taking a savepoint of the blue child"),
        (
            "SAVEPOINTING_GREEN",
            "taking a savepoint of the green child",
        ),
        (
            "TRANSITIONING_TO_GREEN",
            "a transition to the green child is under way",
        ),
        (
            "TRANSITIONING_TO_BLUE",
            "a transition to the blue child is under way",
        ),
        ("ACTIVE", "which the 1.14 and 1.15 controllers do not write"),
    ] {
        let out = backup(saved().replace("ACTIVE_BLUE", state), &[]);
        refused(&out, needle);
        assert!(
            out.stderr
                .contains("wait until status.blueGreenState is ACTIVE_BLUE or ACTIVE_GREEN"),
            "{state}: {}",
            out.stderr
        );
        assert!(
            out.stderr
                .contains("FlinkBlueGreenDeployment/flink/basic-bg-laststate-example"),
            "{}",
            out.stderr
        );
    }
    // --force takes the savepoint of the child that runs; a transition has no settled one.
    let out = backup(
        saved().replace("ACTIVE_BLUE", "SAVEPOINTING_BLUE"),
        &["--force"],
    );
    assert_eq!(
        job_reference(&out)["name"],
        json!("basic-bg-laststate-example-blue")
    );
    let out = backup(
        saved().replace("ACTIVE_BLUE", "TRANSITIONING_TO_GREEN"),
        &["--force"],
    );
    refused(&out, "which child keeps the job is not settled");
}

#[test]
fn backup_checks_the_active_child_when_it_is_there() {
    let deploying = saved().replace(
        "jobManagerDeploymentStatus: READY",
        "jobManagerDeploymentStatus: DEPLOYING",
    );
    let out = backup(deploying, &[]);
    refused(
        &out,
        "its active child FlinkDeployment/flink/basic-bg-laststate-example-blue: \
         status.jobManagerDeploymentStatus is DEPLOYING, not READY",
    );
    // Without the child, the parent's status stands for it, and stderr says so.
    let out = backup(parent_only(), &[]);
    assert_eq!(
        job_reference(&out)["name"],
        json!("basic-bg-laststate-example-blue")
    );
    notes(
        &out,
        "its active child basic-bg-laststate-example-blue is not in the input",
    );
    let failing = parent_only().replace("      state: RUNNING\n", "      state: FAILING\n");
    refused(
        &backup(failing, &[]),
        "status.jobStatus.state is FAILING, not RUNNING",
    );
    let no_status = parent_only();
    let no_status = &no_status[..no_status.find("  status:").unwrap()];
    refused(
        &backup(no_status.to_owned(), &[]),
        "kubectl get flinkbluegreendeployment basic-bg-laststate-example -n flink -o yaml",
    );
}

#[test]
fn backup_refuses_the_nonce_procedure_for_blue_green() {
    refused(
        &backup(saved(), &["--trigger-nonce"]),
        "is backed up with a FlinkStateSnapshot of its active child: drop --trigger-nonce",
    );
}

#[test]
fn a_child_saved_alone_is_backed_up_as_itself() {
    let text = saved();
    let child = format!(
        "apiVersion: v1\nkind: List\nitems:\n{}",
        &text[text
            .find("- apiVersion: flink.apache.org/v1beta1\n  kind: FlinkDeployment")
            .unwrap()..]
    );
    let out = backup(child.clone(), &[]);
    assert_eq!(
        job_reference(&out)["name"],
        json!("basic-bg-laststate-example-blue")
    );
    notes(
        &out,
        "a child of the FlinkBlueGreenDeployment basic-bg-laststate-example, which is not in the input",
    );
    // Restored alone, it would run outside the controller.
    let out = Run::new(&["restore"])
        .stdin(format!("{child}---\n{}", snapshots()))
        .run();
    refused(
        &out,
        "is a child of the FlinkBlueGreenDeployment basic-bg-laststate-example",
    );
    assert!(
        out.stderr.contains(
            "kubectl get flinkbluegreendeployment basic-bg-laststate-example -n flink -o yaml"
        ),
        "{}",
        out.stderr
    );
}

fn restore(extra: &[&str], input: String) -> common::Output {
    Run::new(&["restore"]).args(extra).stdin(input).run()
}

fn template_job(out: &common::Output) -> Value {
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written = docs(&out.stdout);
    assert_eq!(written.len(), 1, "the parent only: {}", out.stdout);
    assert_eq!(written[0]["kind"], "FlinkBlueGreenDeployment");
    written[0]["spec"]["template"]["spec"]["job"].clone()
}

#[test]
fn restore_pairs_the_snapshots_of_either_child_and_drops_the_children() {
    let input = format!("{}---\n{}", saved(), snapshots());
    let out = restore(&[], input.clone());
    let job = template_job(&out);
    // The green child's snapshot is the newer.
    assert_eq!(
        job["initialSavepointPath"],
        json!("file:/opt/flink/volume/flink-sp/savepoint-8c0e2b-6f5e4d3c2b1a")
    );
    assert_eq!(job["upgradeMode"], json!("savepoint"));
    assert_eq!(job["state"], json!("running"));
    notes(
        &out,
        "left out FlinkDeployment/flink/basic-bg-laststate-example-blue: the blue/green controller of basic-bg-laststate-example makes it",
    );
    let written = &docs(&out.stdout)[0];
    assert!(written.get("status").is_none());
    assert!(written["metadata"].get("finalizers").is_none());
    // --snapshot chooses the blue child's.
    let out = restore(
        &[
            "--snapshot",
            "basic-bg-laststate-example-blue-20261128-090000",
        ],
        input,
    );
    assert_eq!(
        template_job(&out)["initialSavepointPath"],
        json!("file:/opt/flink/volume/flink-sp/savepoint-5f1d0a-1a2b3c4d5e6f")
    );
}

#[test]
fn restore_redeploys_through_the_template_nonce() {
    let out = restore(&["--redeploy"], format!("{}---\n{}", saved(), snapshots()));
    assert_eq!(template_job(&out)["savepointRedeployNonce"], json!(1));
}

#[test]
fn the_patch_and_the_diff_touch_only_the_template_job() {
    let input = format!("{}---\n{}", saved(), snapshots());
    let out = restore(&["-o", "patch"], input.clone());
    assert_eq!(out.code, 0, "{}", out.stderr);
    let patch: Value = serde_json::from_str(&out.stdout).unwrap();
    let paths: Vec<&str> = patch
        .as_array()
        .unwrap()
        .iter()
        .map(|op| op["path"].as_str().unwrap())
        .filter(|p| !p.starts_with("/metadata") && *p != "/status")
        .collect();
    assert_eq!(
        paths,
        [
            "/spec/template/spec/job/upgradeMode",
            "/spec/template/spec/job/state",
            "/spec/template/spec/job/initialSavepointPath",
            "/spec/template/spec/job/allowNonRestoredState",
        ]
    );
    let dir = tempfile::tempdir().unwrap();
    let saved_file = dir.path().join("bg.yaml");
    std::fs::write(&saved_file, &input).unwrap();
    let out = Run::new(&["restore", "--diff", "bg.yaml"])
        .dir(dir.path())
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("blue_green_restore_diff", out.stdout);
    notes(
        &out,
        "bg.yaml still holds FlinkDeployment/flink/basic-bg-laststate-example-blue, which the blue/green controller makes",
    );
    // In place, the file would still hold the child: refused until it is taken out.
    let out = Run::new(&["restore", "-O", "bg.yaml", "--in-place", "bg.yaml"])
        .dir(dir.path())
        .run();
    refused(
        &out,
        "bg.yaml holds FlinkDeployment/flink/basic-bg-laststate-example-blue",
    );
    assert_eq!(std::fs::read_to_string(&saved_file).unwrap(), input);
    // Without the child, the parent is restored where it stands.
    std::fs::write(
        &saved_file,
        format!("{}---\n{}", parent_only(), snapshots()),
    )
    .unwrap();
    let out = Run::new(&["restore", "-O", "bg.yaml", "--in-place", "bg.yaml"])
        .dir(dir.path())
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rewritten = std::fs::read_to_string(&saved_file).unwrap();
    assert!(
        rewritten.contains("          initialSavepointPath: file:/opt/flink/volume/flink-sp/savepoint-8c0e2b-6f5e4d3c2b1a\n"),
        "{rewritten}"
    );
}

#[test]
fn the_krm_function_restores_the_parent_and_drops_the_children() {
    let mut items: Vec<Value> = docs(&saved())[0]["items"].as_array().unwrap().clone();
    items.extend(
        docs(&snapshots())[0]["items"]
            .as_array()
            .unwrap()
            .iter()
            .cloned(),
    );
    let list = json!({
        "apiVersion": "config.kubernetes.io/v1",
        "kind": "ResourceList",
        "items": items,
        "functionConfig": {
            "apiVersion": "flink-backup.krm/v1alpha1",
            "kind": "FlinkRestore",
            "metadata": {"name": "restore"},
        },
    });
    let out = Run::new(&[]).stdin(list.to_string()).run();
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let result = &docs(&out.stdout)[0];
    let kinds: Vec<(&str, &str)> = result["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap(),
                i["metadata"]["name"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        !kinds.contains(&("FlinkDeployment", "basic-bg-laststate-example-blue")),
        "{kinds:?}"
    );
    let parent = result["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "FlinkBlueGreenDeployment")
        .unwrap();
    assert_eq!(
        parent["spec"]["template"]["spec"]["job"]["initialSavepointPath"],
        json!("file:/opt/flink/volume/flink-sp/savepoint-8c0e2b-6f5e4d3c2b1a")
    );
}

/// Flink's HA ConfigMap of one child, as a namespace dump holds it.
fn ha_configmap(child: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {child}-cluster-config-map\n  namespace: flink\n  labels:\n    app: {child}\n    configmap-type: high-availability\n    type: flink-native-kubernetes\ndata:\n  checkpointID-0000000000000000042: stale\n"
    )
}

fn with_ha(text: &str) -> String {
    text.replace(
        "          rest.port: \"8081\"\n",
        "          rest.port: \"8081\"\n          high-availability.type: kubernetes\n          high-availability.storageDir: file:///opt/flink/volume/flink-ha\n",
    )
}

#[test]
fn the_hazards_are_judged_on_the_template() {
    let input = format!("{}---\n{}", with_ha(&parent_only()), snapshots());
    let out = restore(&[], input.clone());
    assert_eq!(out.code, 0, "{}", out.stderr);
    notes(
        &out,
        "kubectl delete configmap -n flink -l 'app in (basic-bg-laststate-example-blue,basic-bg-laststate-example-green)',configmap-type=high-availability",
    );
    let out = restore(
        &[],
        format!(
            "{input}---\n{}",
            ha_configmap("basic-bg-laststate-example-green")
        ),
    );
    refused(&out, "[restore/ha-metadata-left]");
    assert!(
        out.stderr.contains("basic-bg-laststate-example-green"),
        "{}",
        out.stderr
    );
    // Claimed savepoints: refused, or NO_CLAIM written into the template.
    let claiming = parent_only().replace(
        "          rest.port: \"8081\"\n",
        "          rest.port: \"8081\"\n          execution.state-recovery.claim-mode: CLAIM\n",
    );
    let input = format!("{claiming}---\n{}", snapshots());
    refused(&restore(&[], input.clone()), "[restore/savepoint-claimed]");
    let out = restore(&["--no-claim"], input);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        docs(&out.stdout)[0]["spec"]["template"]["spec"]["flinkConfiguration"]["execution.state-recovery.claim-mode"],
        json!("NO_CLAIM")
    );
}

#[test]
fn the_operators_own_laststate_example_cannot_reach_its_savepoint() {
    // The e2e manifest mounts the volume on the JobManager only: its TaskManagers cannot read a
    // savepoint there.
    let manifest = std::fs::read_to_string(fixture(
        "corpus/flink-kubernetes-operator-1.15.0/e2e-tests/bluegreen-laststate.yaml",
    ))
    .unwrap()
    .replace(
        "  name: basic-bg-laststate-example\n",
        "  name: basic-bg-laststate-example\n  namespace: flink\n",
    );
    let out = restore(&[], format!("{manifest}---\n{}", snapshots()));
    refused(&out, "[restore/savepoint-unreachable]");
    assert!(
        out.stderr
            .contains("on the TaskManagers, no volume of flink-main-container is mounted there"),
        "{}",
        out.stderr
    );
}
