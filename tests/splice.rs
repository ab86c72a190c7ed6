//! Restores that keep the file: the output is the saved text with the restore's edits and nothing
//! else, every corpus restore changes only the documented lines, and what cannot be edited with
//! certainty falls back to the canonical form, announced.

mod common;

use common::{Run, docs, fixture};
use serde_json::Value;

const SP: &str = "s3://flink-state/sp/savepoint-0a1b2c-3d4e5f6a7b8c";

fn restore(extra: &[&str], file: &str) -> common::Output {
    let mut args = vec!["restore", "--savepoint-path", SP];
    args.extend_from_slice(extra);
    Run::new(&args).arg(fixture(file)).run()
}

#[test]
fn hand_formatted_manifests_give_the_smallest_diff() {
    for name in ["commented", "crlf", "bom", "anchors"] {
        let out = restore(&["--diff"], &format!("splice/{name}.yaml"));
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        assert!(
            !out.stderr.contains("canonical form"),
            "{name}: {}",
            out.stderr
        );
        insta::assert_snapshot!(format!("diff_{name}"), out.stdout_relative());
    }
}

#[test]
fn the_readme_shows_the_diff_a_restore_really_gives() {
    let out = Run::new(&[
        "restore",
        "fixtures/splice/commented.yaml",
        "--diff",
        "--savepoint-path",
        SP,
    ])
    .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let readme = std::fs::read_to_string(common::repo().join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("```diff\n{}```", out.stdout)),
        "README.md must show this diff verbatim:\n{}",
        out.stdout
    );
}

#[test]
fn the_output_is_the_file_with_the_edits_line_endings_and_marks_kept() {
    let crlf = restore(&[], "splice/crlf.yaml");
    let body = crlf
        .stdout
        .strip_prefix("---\r\n")
        .expect("a marker in the file's line ending");
    assert!(!body.replace("\r\n", "").contains('\n'), "{body:?}");
    assert!(body.contains("    state: running\r\n"), "{body:?}");
    let saved = std::fs::read_to_string(fixture("splice/crlf.yaml")).unwrap();
    let json = restore(&["-o", "json"], "splice/crlf.yaml").json();
    assert_eq!(docs(&crlf.stdout), [json]);
    assert!(saved.contains("   # CRLF line endings") && body.contains("   # CRLF line endings"));

    // In place, the byte-order mark and every other byte stay.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bom.yaml");
    std::fs::copy(fixture("splice/bom.yaml"), &file).unwrap();
    let path = file.display().to_string();
    let out = Run::new(&["restore", "--savepoint-path", SP, "-O", &path, "--in-place"])
        .arg(&path)
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written = std::fs::read(&file).unwrap();
    assert!(written.starts_with(b"\xEF\xBB\xBF# Saved by an editor"));
    let again = Run::new(&["restore", "--savepoint-path", SP, "-O", &path, "--in-place"])
        .arg(&path)
        .run();
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        std::fs::read(&file).unwrap(),
        written,
        "a second run changes nothing"
    );
    assert!(
        again
            .stderr
            .contains("already holds the restore form: it is left as it was"),
        "{}",
        again.stderr
    );
}

#[test]
fn in_place_keeps_every_other_document_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.yaml");
    let deployment = std::fs::read_to_string(fixture("splice/commented.yaml")).unwrap();
    let snapshot = "# The nightly snapshot.\napiVersion: flink.apache.org/v1beta1\nkind: FlinkStateSnapshot\nmetadata:\n  name: analytics-nightly\n  namespace: flink\nspec:\n  jobReference: {kind: FlinkDeployment, name: analytics}\n  savepoint: {alreadyExists: false, disposeOnDelete: false}\nstatus:\n  state: COMPLETED\n  path: 's3://flink-state/analytics/savepoints/savepoint-4f2a1c-8e7d6c5b4a39'\n  resultTimestamp: \"2026-11-20T02:00:07.412Z\"\n";
    let configmap = "apiVersion: v1\nkind: ConfigMap   # unrelated, kept\nmetadata: {name: notes, namespace: flink}\ndata: {owner: 'streaming'}\n";
    let text = format!("{deployment}---\n{snapshot}---\n{configmap}");
    std::fs::write(&file, &text).unwrap();
    let path = file.display().to_string();
    let out = Run::new(&["restore", "-O", &path, "--in-place"])
        .arg(&path)
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written = std::fs::read_to_string(&file).unwrap();
    let tail = format!("---\n{snapshot}---\n{configmap}");
    assert!(written.ends_with(&tail), "{written}");
    let head = &written[..written.len() - tail.len()];
    let changed: Vec<_> = similar::TextDiff::from_lines(deployment.as_str(), head)
        .iter_all_changes()
        .filter(|c| c.tag() != similar::ChangeTag::Equal)
        .map(|c| format!("{}{}", c.tag(), c.value().trim_end()))
        .collect();
    insta::assert_snapshot!(changed.join("\n"));
}

#[test]
fn a_merge_key_inside_spec_job_falls_back_to_the_canonical_form_and_says_so() {
    let out = restore(&[], "splice/merge-in-job.yaml");
    common::notes(
        &out,
        "merge-in-job.yaml:3: FlinkDeployment/flink/merged-job is written in canonical form: /spec/job carries an anchor or a merge key",
    );
    let json = restore(&["-o", "json"], "splice/merge-in-job.yaml").json();
    assert_eq!(docs(&out.stdout), [json]);
    assert!(!out.stdout.contains("<<"), "{}", out.stdout);
}

#[test]
fn canonical_asks_for_the_tools_own_layout() {
    let out = restore(&["--canonical"], "splice/commented.yaml");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stdout.contains('#'), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("    resource:\n      memory: '2048m'\n"),
        "{}",
        out.stdout
    );
    let edited = restore(&[], "splice/commented.yaml");
    assert_eq!(docs(&out.stdout), docs(&edited.stdout));
    assert!(edited.stdout.contains("# pinned"));
}

#[test]
fn exit_code_tells_scripts_whether_the_restore_changes_anything() {
    let changes = restore(&["--diff", "--exit-code"], "splice/commented.yaml");
    assert_eq!(changes.code, 1, "{}", changes.stderr);
    assert!(changes.stdout.starts_with("--- "), "{}", changes.stdout);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("restored.yaml");
    std::fs::write(&file, restore(&[], "splice/commented.yaml").stdout).unwrap();
    let none = Run::new(&["restore", "--savepoint-path", SP, "--diff", "--exit-code"])
        .arg(file.display().to_string())
        .run();
    assert_eq!(
        (none.code, none.stdout.as_str()),
        (0, ""),
        "{}",
        none.stderr
    );
    let usage = restore(&["--exit-code"], "splice/commented.yaml");
    assert_eq!(usage.code, 2, "--exit-code needs --diff");
}

#[test]
fn backup_trigger_nonce_edits_the_saved_text_too() {
    let out = Run::new(&["backup", "--trigger-nonce", "--force"])
        .arg(fixture("splice/commented.yaml"))
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("  image: flink:1.20   # pinned\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("    savepointTriggerNonce: 13\n"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("status:"), "{}", out.stdout);
}

/// What a restore may change, by key: the job's fields, and what is removed with its block.
const JOB_FIELDS: [&str; 7] = [
    "upgradeMode",
    "state",
    "initialSavepointPath",
    "allowNonRestoredState",
    "savepointTriggerNonce",
    "checkpointTriggerNonce",
    "savepointRedeployNonce",
];
const REMOVED_WITH_THEIR_BLOCK: [&str; 15] = [
    "status",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "ownerReferences",
    "annotations",
    "finalizers",
    "kubectl.kubernetes.io/last-applied-configuration",
    "flinkdeployments.flink.apache.org/finalizer",
    "flinksessionjobs.flink.apache.org/finalizer",
];

fn key_of(line: &str) -> (usize, &str) {
    let indent = line.len() - line.trim_start().len();
    let rest = line.trim_start().trim_start_matches("- ");
    (indent, rest.split(':').next().unwrap_or(rest).trim())
}

/// Every changed line of a `--diff` is a documented field's, or inside a block removed whole.
fn only_documented_lines(diff: &str) -> Result<(), String> {
    let mut removing: Option<usize> = None;
    let mut comments: Vec<&str> = Vec::new();
    for line in diff.lines() {
        if line.starts_with("---")
            || line.starts_with("+++")
            || line.starts_with("@@")
            || line.starts_with('\\')
        {
            continue;
        }
        let (sign, body) = line.split_at(1);
        let (indent, key) = key_of(body);
        if let Some(block) = removing {
            let inside = indent > block || (indent == block && body.trim_start().starts_with("- "));
            if sign == "-" && inside {
                continue;
            }
            removing = None;
        }
        match sign {
            "-" if body.trim_start().starts_with('#') => comments.push(body),
            "-" if REMOVED_WITH_THEIR_BLOCK.contains(&key) => {
                removing = Some(indent);
                comments.clear();
            }
            "-" | "+" if JOB_FIELDS.contains(&key) && comments.is_empty() => {}
            " " => {}
            _ => return Err(format!("an undocumented change: {line:?}")),
        }
    }
    if comments.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "removed comments that belong to no removed key: {comments:?}"
        ))
    }
}

#[test]
fn the_checker_of_documented_lines_can_fail() {
    assert!(only_documented_lines("@@ -1 +1 @@\n-  uid: x\n+    state: running\n").is_ok());
    assert!(only_documented_lines("@@ -1 +1 @@\n-    parallelism: 2\n").is_err());
    assert!(only_documented_lines("@@ -1 +1 @@\n-# a comment\n").is_err());
    assert!(only_documented_lines("@@ -1 +1 @@\n-status:\n-  a:\n-    b: 1\n-kind: X\n").is_err());
}

/// A COMPLETED snapshot for each restorable resource of `value`s.
fn snapshots_for(values: &[Value]) -> String {
    let mut out = String::new();
    for v in values {
        let kind = v["kind"].as_str().unwrap_or_default();
        let job = v["spec"]["job"].is_object();
        if !(kind == "FlinkSessionJob" || (kind == "FlinkDeployment" && job)) {
            continue;
        }
        let name = v["metadata"]["name"].as_str().unwrap();
        let namespace = v["metadata"]["namespace"]
            .as_str()
            .map(|ns| format!("  namespace: {ns}\n"))
            .unwrap_or_default();
        out.push_str(&format!(
            "---\napiVersion: flink.apache.org/v1beta1\nkind: FlinkStateSnapshot\nmetadata:\n  name: lines-{name}\n{namespace}spec:\n  jobReference: {{kind: {kind}, name: {name}}}\n  savepoint: {{disposeOnDelete: false}}\nstatus:\n  state: COMPLETED\n  path: {SP}\n  resultTimestamp: '2999-01-01T00:00:00Z'\n"
        ));
    }
    out
}

#[test]
fn every_corpus_restore_changes_only_the_documented_lines() {
    let paths = flink_backup::input::expand_paths(&[
        fixture("corpus/flink-kubernetes-operator-1.15.0").into(),
        fixture("corpus/ibm-event-automation").into(),
        fixture("restore").into(),
        fixture("splice").into(),
    ])
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut restored = 0;
    for path in paths {
        let flink_backup::input::InputPath::File(path) = path else {
            unreachable!()
        };
        if path.ends_with("splice/merge-in-job.yaml") {
            continue; // its fallback has a test of its own
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        // IBM's session job templates leave the jar for the user to fill in: fill it in.
        let text = text.replace(
            "'<URI of the job jar>'",
            "'https://repo.example.com/job.jar'",
        );
        let values: Vec<Value> = docs(&text)
            .into_iter()
            .flat_map(|v| match v["items"].as_array() {
                Some(items) if v["kind"] == "List" => items.clone(),
                _ => vec![v],
            })
            .collect();
        let snapshots = snapshots_for(&values);
        if snapshots.is_empty() {
            continue;
        }
        let saved = dir.path().join(path.file_name().unwrap());
        std::fs::write(&saved, &text).unwrap();
        let snaps = dir.path().join("snapshots.yaml");
        std::fs::write(&snaps, snapshots).unwrap();
        let run = |extra: &[&str]| {
            let mut args = vec!["restore", "--operator-config"];
            let config = fixture("operator-config/state-dirs.yaml");
            args.push(&config);
            args.extend_from_slice(extra);
            Run::new(&args)
                .arg(saved.display().to_string())
                .arg(snaps.display().to_string())
                .run()
        };
        let diff = run(&["--diff"]);
        let name = path.display();
        assert_eq!(diff.code, 0, "{name}: {}", diff.stderr);
        assert!(
            !diff.stderr.contains("canonical form"),
            "{name}: {}",
            diff.stderr
        );
        if let Err(why) = only_documented_lines(&diff.stdout) {
            panic!("{name}: {why}\n{}", diff.stdout);
        }
        // The edited YAML reads as the restore forms `-o json` gives.
        let yaml = docs(&run(&[]).stdout);
        let json = run(&["-o", "json"]).json();
        let json = match json["kind"].as_str() {
            Some("List") => json["items"].as_array().unwrap().clone(),
            _ => vec![json],
        };
        assert_eq!(yaml, json, "{name}");
        restored += yaml.len();
    }
    assert!(restored >= 30, "only {restored} resources restored");
}
