//! Restore and backup you can trust: every mistake a user makes at 3 a.m. either gives the right
//! manifest or a refusal (exit 1, nothing on stdout, `file:line`, `Kind/namespace/name`, what to
//! do). Every refusal message is pinned by an `insta` snapshot.

mod common;

use std::os::unix::fs::{FileTypeExt, PermissionsExt};

use common::{Output, Run, completed, deployment, docs, refused, snapshot, stream};

fn restore(args: &[&str], input: String) -> Output {
    let mut all = vec!["restore"];
    all.extend_from_slice(args);
    Run::new(&all).stdin(input).run()
}

fn backup(args: &[&str], input: String) -> Output {
    let mut all = vec!["backup"];
    all.extend_from_slice(args);
    Run::new(&all)
        .env("SOURCE_DATE_EPOCH", "1763715600")
        .stdin(input)
        .run()
}

fn usage_error(out: &Output, needle: &str) {
    assert_eq!(
        out.code, 2,
        "stdout: {}\nstderr: {}",
        out.stdout, out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr.contains(needle),
        "expected {needle:?} in:\n{}",
        out.stderr
    );
}

fn pair() -> String {
    stream(&[
        deployment("app", Some("flink")),
        snapshot(
            "good",
            Some("flink"),
            "app",
            &completed("s3://b/sp-good", "2026-11-21T08:00:00Z"),
        ),
    ])
}

// Where the savepoint comes from.

#[test]
fn an_empty_padded_or_relative_savepoint_path_is_a_usage_error() {
    for (path, why) in [
        ("", "unset shell variable"),
        ("   ", "unset shell variable"),
        (" s3://b/sp", "leading or trailing whitespace"),
        ("s3://b/sp ", "leading or trailing whitespace"),
        ("savepoints/sp-1", "relative path"),
    ] {
        usage_error(&restore(&["--savepoint-path", path], pair()), why);
        usage_error(&backup(&["--path", path], pair()), why);
    }
    usage_error(
        &restore(
            &["--savepoint-path", "s3://b/x", "--snapshot", "good"],
            pair(),
        ),
        "cannot be used with",
    );
}

#[test]
fn the_newest_snapshot_is_decided_by_time_not_by_text() {
    // As text, "08:00:07Z" sorts before "08:00:07.412Z" and "09:30:00+02:00" after both; in time,
    // 09:30+02:00 is 07:30Z, the oldest.
    let input = stream(&[
        deployment("app", Some("flink")),
        snapshot(
            "whole",
            Some("flink"),
            "app",
            &completed("s3://b/whole", "2026-11-21T08:00:07Z"),
        ),
        snapshot(
            "fraction",
            Some("flink"),
            "app",
            &completed("s3://b/fraction", "2026-11-21T08:00:07.412Z"),
        ),
        snapshot(
            "offset",
            Some("flink"),
            "app",
            &completed("s3://b/offset", "2026-11-21T09:30:00+02:00"),
        ),
    ]);
    let out = restore(&[], input);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        docs(&out.stdout)[0]["spec"]["job"]["initialSavepointPath"],
        "s3://b/fraction"
    );
}

#[test]
fn a_timestamp_that_does_not_parse_is_refused_when_it_takes_part_in_the_choice() {
    let bad = |at: &str| {
        stream(&[
            deployment("app", Some("flink")),
            snapshot(
                "a",
                Some("flink"),
                "app",
                &completed("s3://b/a", "2026-11-21T08:00:00Z"),
            ),
            snapshot("b", Some("flink"), "app", &completed("s3://b/b", at)),
        ])
    };
    let out = restore(&[], bad("last tuesday"));
    refused(&out, "not an RFC 3339 time");
    insta::assert_snapshot!("unparsable_timestamp", out.stderr);
    // Alone, a snapshot needs no timestamp: there is nothing to choose.
    let alone = stream(&[
        deployment("app", Some("flink")),
        snapshot(
            "a",
            Some("flink"),
            "app",
            "  state: COMPLETED\n  path: s3://b/a\n",
        ),
    ]);
    assert_eq!(restore(&[], alone).code, 0);
}

#[test]
fn a_newer_snapshot_that_failed_or_is_running_is_named_and_failed_ones_are_not_told_to_wait() {
    let input = stream(&[
        deployment("app", Some("flink")),
        snapshot(
            "older",
            Some("flink"),
            "app",
            &completed("s3://b/older", "2026-11-20T08:00:00Z"),
        ),
        snapshot(
            "failed",
            Some("flink"),
            "app",
            "  state: FAILED\n  error: checkpoint declined\n  resultTimestamp: '2026-11-21T08:00:00Z'\n",
        ),
        snapshot(
            "running",
            Some("flink"),
            "app",
            "  state: IN_PROGRESS\n  triggerTimestamp: '2026-11-22T08:00:00Z'\n",
        ),
    ]);
    let out = restore(&[], input);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("snapshot \"failed\" is newer (2026-11-21T08:00:00Z) but FAILED")
            && out
                .stderr
                .contains("snapshot \"running\" is newer (2026-11-22T08:00:00Z) but IN_PROGRESS"),
        "{}",
        out.stderr
    );
    let only_failed = stream(&[
        deployment("app", Some("flink")),
        snapshot(
            "failed",
            Some("flink"),
            "app",
            "  state: FAILED\n  error: checkpoint declined\n",
        ),
        snapshot("gone", Some("flink"), "app", "  state: ABANDONED\n"),
    ]);
    let out = restore(&[], only_failed);
    refused(&out, "it will not complete: take a new backup");
    assert!(!out.stderr.contains("wait"), "{}", out.stderr);
    insta::assert_snapshot!("failed_and_abandoned_snapshots", out.stderr);
}

#[test]
fn from_status_never_takes_the_last_state_placeholder_nor_a_stale_path() {
    let mut saved = deployment("app", Some("flink"));
    saved.push_str(
        "    upgradeSavepointPath: KUBERNETES_OPERATOR_LAST_STATE\n    savepointInfo:\n      \
         lastSavepoint: {location: 's3://b/sp-new', timeStamp: 1795248000000}\n",
    );
    let out = restore(&["--from-status"], saved);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        docs(&out.stdout)[0]["spec"]["job"]["initialSavepointPath"],
        "s3://b/sp-new"
    );

    let mut disagree = deployment("app", Some("flink"));
    disagree.push_str(
        "    upgradeSavepointPath: s3://b/upgrade-9\n    savepointInfo:\n      \
         lastSavepoint: {location: 's3://b/sp-2', timeStamp: 1795248000000}\n",
    );
    let out = restore(&["--from-status"], disagree);
    refused(&out, "s3://b/upgrade-9");
    assert!(out.stderr.contains("s3://b/sp-2"), "{}", out.stderr);
    insta::assert_snapshot!("from_status_disagreement", out.stderr);
}

// What is in the input.

#[test]
fn identical_copies_are_one_resource_and_differing_copies_are_refused_with_both_places() {
    let dir = tempfile::tempdir().unwrap();
    let nightly = dir.path().join("monday.yaml");
    let again = dir.path().join("tuesday.yaml");
    std::fs::write(&nightly, pair()).unwrap();
    std::fs::write(&again, pair()).unwrap();
    let out = Run::new(&["restore"])
        .arg(dir.path().display().to_string())
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(docs(&out.stdout).len(), 1);

    std::fs::write(
        &again,
        pair().replace("local:///opt/flink/job.jar", "local:///opt/flink/v2.jar"),
    )
    .unwrap();
    let out = Run::new(&["restore"])
        .arg(dir.path().display().to_string())
        .run();
    refused(&out, "is in the input 2 times, and the copies differ");
    assert!(
        out.stderr.contains("monday.yaml:1") && out.stderr.contains("tuesday.yaml:1"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("pass only the copy you mean"));
}

#[test]
fn restoring_a_folder_that_holds_its_own_output_gives_the_same_output_and_never_grows_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("backup.yaml"), pair()).unwrap();
    let out_file = dir.path().join("restored.yaml");
    let folder = dir.path().display().to_string();
    let first = Run::new(&["restore"]).arg(&folder).run();
    assert_eq!(first.code, 0, "{}", first.stderr);
    std::fs::write(&out_file, &first.stdout).unwrap();
    for _ in 0..2 {
        let again = Run::new(&["restore"])
            .arg(&folder)
            .arg("-O")
            .arg(out_file.display().to_string())
            .arg("--in-place")
            .run();
        assert_eq!(again.code, 0, "{}", again.stderr);
        assert_eq!(std::fs::read_to_string(&out_file).unwrap(), first.stdout);
    }
}

#[test]
fn duplicate_keys_and_concatenated_objects_are_refused() {
    let duplicated = pair().replace(
        "    upgradeMode: stateless\n",
        "    upgradeMode: stateless\n    upgradeMode: savepoint\n",
    );
    let out = restore(&[], duplicated.clone());
    refused(
        &out,
        "has a key twice in one mapping: /spec/job/upgradeMode",
    );
    insta::assert_snapshot!("duplicate_key", out.stderr);
    refused(&backup(&[], duplicated), "has a key twice in one mapping");

    let joined = format!(
        "{}{}",
        deployment("app", Some("flink")),
        snapshot(
            "good",
            Some("flink"),
            "app",
            &completed("s3://b/sp", "2026-11-21T08:00:00Z")
        )
    );
    let out = restore(&[], joined);
    refused(&out, "two objects were joined without `---`");
    insta::assert_snapshot!("concatenated_objects", out.stderr);
}

#[test]
fn typed_lists_are_read_like_kind_list_by_every_command() {
    let deployment_list = format!(
        "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeploymentList\nmetadata: {{}}\nitems:\n{}",
        indent(&deployment("app", Some("flink")))
    );
    let snapshot_list = format!(
        "apiVersion: flink.apache.org/v1beta1\nkind: FlinkStateSnapshotList\nmetadata: {{}}\nitems:\n{}",
        indent(&snapshot(
            "good",
            Some("flink"),
            "app",
            &completed("s3://b/sp", "2026-11-21T08:00:00Z")
        ))
    );
    let out = restore(&[], stream(&[deployment_list.clone(), snapshot_list]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        docs(&out.stdout)[0]["spec"]["job"]["initialSavepointPath"],
        "s3://b/sp"
    );
    assert_eq!(backup(&[], deployment_list.clone()).code, 0);

    let typo = deployment_list.replace("    upgradeMode: stateless", "    upgradeMode: savepont");
    let out = Run::new(&["validate", "-o", "json"]).stdin(typo).run();
    assert_eq!(out.code, 1);
    let finding = &out.json()["findings"][0];
    assert_eq!(finding["rule"], "schema-violation");
    assert_eq!(finding["item"], 0);
    assert_eq!(finding["path"], "/spec/job/upgradeMode");
}

fn indent(text: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, l)| format!("{}{l}\n", if i == 0 { "- " } else { "  " }))
        .collect()
}

#[test]
fn objects_that_are_not_flink_resources_are_left_out_and_counted() {
    let input = stream(&[
        pair(),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n".into(),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n".into(),
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: flink-pvc}\n".into(),
    ]);
    let out = restore(&[], input);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(docs(&out.stdout).len(), 1);
    assert!(
        out.stderr.contains(
            "left out 3 objects that are not Flink resources (2 ConfigMap, 1 PersistentVolumeClaim)"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn messages_say_what_is_really_wrong() {
    // A snapshot whose target differs only by namespace.
    let other_namespace = stream(&[
        deployment("app", Some("flink")),
        snapshot(
            "good",
            Some("prod"),
            "app",
            &completed("s3://b/sp", "2026-11-21T08:00:00Z"),
        ),
    ]);
    let out = restore(&[], other_namespace);
    refused(&out, "Snapshots of the same name in another namespace");
    insta::assert_snapshot!("namespace_mismatch", out.stderr);

    // A snapshot aimed at a session cluster.
    let cluster_only = "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata:\n  \
                        name: session-cluster-prod\n  namespace: flink\nspec:\n  flinkVersion: v1_20\n  \
                        serviceAccount: flink\nstatus:\n  jobManagerDeploymentStatus: READY\n"
        .to_owned();
    let job = "apiVersion: flink.apache.org/v1beta1\nkind: FlinkSessionJob\nmetadata:\n  name: job-a\n  \
               namespace: flink\nspec:\n  deploymentName: session-cluster-prod\n  job: {jarURI: 'https://r/j.jar'}\n"
        .to_owned();
    let at_cluster = stream(&[
        cluster_only.clone(),
        job,
        snapshot(
            "s",
            Some("flink"),
            "session-cluster-prod",
            &completed("s3://b/sp", "2026-11-21T08:00:00Z"),
        ),
    ]);
    let out = restore(&[], at_cluster);
    refused(&out, "a session cluster has no job to restore");
    insta::assert_snapshot!("snapshot_of_a_session_cluster", out.stderr);

    // A session cluster alone, given to backup.
    let out = backup(&[], cluster_only);
    refused(
        &out,
        "FlinkDeployment/flink/session-cluster-prod is a session cluster",
    );
    insta::assert_snapshot!("backup_of_a_session_cluster", out.stderr);
}

// Choosing what to act on.

#[test]
fn target_selects_what_backup_and_restore_act_on() {
    let two = stream(&[
        deployment("a", Some("flink")),
        snapshot(
            "sa",
            Some("flink"),
            "a",
            &completed("s3://b/a", "2026-11-21T08:00:00Z"),
        ),
        deployment("b", Some("flink")),
    ]);
    // b has no snapshot: alone, the whole restore is refused and says how to restore only a.
    let out = restore(&[], two.clone());
    refused(
        &out,
        "to restore only the targets that are ready, add --target flink/FlinkDeployment/a",
    );
    let out = restore(&["--target", "flinkdep/a"], two.clone());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(docs(&out.stdout)[0]["metadata"]["name"], "a");
    let out = restore(&["--target", "flink/FlinkDeployment/a"], two.clone());
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = restore(&["--target", "flinkdep/zzz"], two.clone());
    refused(&out, "--target FlinkDeployment/zzz: the input has no such");
    usage_error(
        &restore(&["--target", "deployment/a"], two.clone()),
        "not a kind",
    );

    // --snapshot must refer to one of the chosen targets.
    let out = restore(&["--target", "flinkdep/b", "--snapshot", "sa"], two.clone());
    refused(&out, "--snapshot sa refers to none of the chosen targets");
    insta::assert_snapshot!("snapshot_of_another_target", out.stderr);

    // A backup with one target not RUNNING refuses everything, and lists the ready ones.
    // The last RUNNING in the stream is b's: it is FAILED now.
    let not_running = two
        .rsplit_once("state: RUNNING")
        .map(|(a, b)| format!("{a}state: FAILED{b}"))
        .unwrap();
    let out = backup(&[], not_running.clone());
    refused(
        &out,
        "the targets that are ready can be backed up alone with --target flink/FlinkDeployment/a",
    );
    insta::assert_snapshot!("backup_with_one_target_not_running", out.stderr);
    let out = backup(&["--target", "flink/flinkdep/a"], not_running);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(docs(&out.stdout).len(), 1);
}

// The output gate.

#[test]
fn an_output_validate_would_refuse_is_never_written() {
    let no_dirs = pair()
        .replace("    execution.checkpointing.dir: s3://bucket/cp\n", "")
        .replace(
            "    execution.checkpointing.savepoint-dir: s3://bucket/sp\n",
            "",
        );
    let out = restore(&[], no_dirs);
    refused(&out, "[operator/upgrade-mode-needs-checkpoint-dir]");
    assert!(
        out.stderr.contains("set the checkpoint directory"),
        "{}",
        out.stderr
    );
    insta::assert_snapshot!("gate_without_state_directories", out.stderr);
}

// Labels and files.

#[test]
fn labels_follow_kubernetes_rules_and_the_operators_own_are_refused() {
    usage_error(
        &backup(&["--label", "snapshot.trigger-type=PERIODIC"], pair()),
        "history cleanup",
    );
    usage_error(
        &backup(&["--label", "snapshot.state=COMPLETED"], pair()),
        "operator's own label",
    );
    usage_error(
        &backup(&["--label=-bad=x"], pair()),
        "not a valid label name",
    );
    usage_error(
        &backup(&["--label", "team=has space"], pair()),
        "not a valid label value",
    );
    usage_error(
        &backup(&["--label", &format!("team={}", "x".repeat(64))], pair()),
        "not a valid label value",
    );
    let out = backup(&["--label", "example.com/team=data-eng"], pair());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        docs(&out.stdout)[0]["metadata"]["labels"]["example.com/team"],
        "data-eng"
    );
}

#[test]
fn output_file_follows_symlinks_writes_to_fifos_and_respects_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("backup.yaml");
    std::fs::write(&input, pair()).unwrap();
    let run = |output: &std::path::Path| {
        Run::new(&["restore"])
            .arg(input.display().to_string())
            .arg("-O")
            .arg(output.display().to_string())
            .run()
    };

    // A symlink stays a symlink; its target gets the output.
    let target = dir.path().join("real.yaml");
    std::fs::write(&target, "old\n").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.yaml");
    std::os::unix::fs::symlink("real.yaml", &link).unwrap();
    let out = run(&link);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("initialSavepointPath")
    );
    assert_eq!(
        std::fs::metadata(&target).unwrap().permissions().mode() & 0o777,
        0o640
    );

    // A new file gets what the umask gives (the test runs under the usual 022): 0644, not 0600.
    let fresh = dir.path().join("fresh.yaml");
    assert_eq!(run(&fresh).code, 0);
    let mode = std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode & 0o044,
        0o044,
        "readable by group and others: {mode:o}"
    );

    // A FIFO is written to, not replaced.
    let fifo = dir.path().join("pipe");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let out = run(&fifo);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(reader.join().unwrap().contains("initialSavepointPath"));
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());

    // /dev/null stays a device.
    assert_eq!(run(std::path::Path::new("/dev/null")).code, 0);
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );

    // A directory is refused.
    let out = run(dir.path());
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("it is a directory"), "{}", out.stderr);
}

#[test]
fn in_place_keeps_every_document_that_is_not_restored() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.yaml");
    let original = format!(
        "# the nightly backup\n{}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: notes}}\n",
        pair()
    );
    std::fs::write(&file, &original).unwrap();
    let path = file.display().to_string();
    let out = Run::new(&["restore", &path, "-O", &path, "--in-place"]).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rewritten = std::fs::read_to_string(&file).unwrap();
    let all = docs(&rewritten);
    assert_eq!(all.len(), 3, "{rewritten}");
    assert_eq!(
        all[0]["spec"]["job"]["initialSavepointPath"],
        "s3://b/sp-good"
    );
    // The snapshot (the backup's record of where the savepoint is) and the ConfigMap are byte for byte.
    let snapshot_text = original.split("---\n").nth(1).unwrap();
    assert!(rewritten.contains(snapshot_text), "{rewritten}");
    assert!(rewritten.ends_with("kind: ConfigMap\nmetadata: {name: notes}\n"));
}

#[test]
fn numbers_survive_exactly() {
    let wide = pair().replace(
        "    execution.checkpointing.savepoint-dir: s3://bucket/sp\n",
        "    execution.checkpointing.savepoint-dir: s3://bucket/sp\n    pipeline.max-parallelism.experiment: 123456789012345678901234567890\n    ratio: 0.10\n",
    );
    let out = restore(&[], wide.clone());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("pipeline.max-parallelism.experiment: 123456789012345678901234567890\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("ratio: 0.10\n"), "{}", out.stdout);
    let json = restore(&["-o", "json"], wide);
    assert!(
        json.stdout
            .contains("\"pipeline.max-parallelism.experiment\": 123456789012345678901234567890"),
        "{}",
        json.stdout
    );
}
