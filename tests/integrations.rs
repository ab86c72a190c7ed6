//! Where users run it, with the real tools: kustomize's function runtime (`kubectl kustomize`),
//! pre-commit, shell pipes, completions, the man page, and the README's recipes.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{Run, docs, fixture, repo, venv_tool};
use serde_json::Value;

/// `kubectl kustomize` with the container engine replaced by `tests/bin/docker`, which runs the
/// binary under test as the function image would.
fn kustomize(dir: &Path) -> Option<Output> {
    let kubectl = venv_tool("kubectl")?;
    let path = format!(
        "{}:{}",
        repo().join("tests/bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Some(
        Command::new(kubectl)
            .args(["kustomize", "--enable-alpha-plugins"])
            .arg(dir)
            .env("PATH", path)
            .env("FLINK_BACKUP_BIN", env!("CARGO_BIN_EXE_flink-backup"))
            .output()
            .unwrap(),
    )
}

#[test]
fn a_kustomize_restore_build_equals_the_restore_command() {
    let Some(built) = kustomize(&repo().join("fixtures/kustomize/restore")) else {
        return;
    };
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert!(built.status.success(), "{stderr}");
    let built = docs(&String::from_utf8_lossy(&built.stdout));
    let direct = Run::new(&["restore"])
        .arg(fixture("kustomize/restore/seed-deployment.yaml"))
        .arg(fixture("kustomize/restore/seed-snapshot.yaml"))
        .run();
    let direct = docs(&direct.stdout);
    // The deployment is in its restore form; the snapshot passes through unchanged.
    assert_eq!(built.len(), 2);
    assert_eq!(built[0], direct[0]);
    let snapshot =
        docs(&std::fs::read_to_string(fixture("kustomize/restore/seed-snapshot.yaml")).unwrap());
    assert_eq!(built[1], snapshot[0]);
    assert!(
        stderr.contains(
            "initialSavepointPath file:/opt/flink/volume/flink-sp/savepoint-caf2b2-39d09a1c170c"
        ),
        "{stderr}"
    );
}

#[test]
fn a_kustomize_build_with_an_invalid_deployment_fails_with_the_finding() {
    let Some(built) = kustomize(&repo().join("fixtures/kustomize/validate")) else {
        return;
    };
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert!(!built.status.success());
    assert!(built.stdout.is_empty());
    assert!(
        stderr.contains(
            "FlinkDeployment/application-cluster-prod: error[schema/schema-violation] \"savepont\" is not one of"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("error[schema/unknown-field] unknown field `initialSavepointpath`"),
        "{stderr}"
    );
}

fn resource_list(function_config: &str, items: &str) -> String {
    format!(
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n{items}functionConfig:\n{function_config}"
    )
}

fn indent(text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        out.push_str(if i == 0 { "- " } else { "  " });
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[test]
fn krm_results_carry_the_resource_the_field_and_the_file() {
    let mut deployment = std::fs::read_to_string(fixture("validate/typos.yaml")).unwrap();
    deployment = deployment.replace(
        "  name: application-cluster-prod\n",
        "  name: application-cluster-prod\n  annotations:\n    config.kubernetes.io/path: deploy/app.yaml\n    config.kubernetes.io/index: '0'\n",
    );
    let config = "  apiVersion: flink-backup.krm/v1alpha1\n  kind: FlinkValidate\n  metadata: {name: v}\n  spec: {strict: true}\n";
    let out = Run::new(&[])
        .stdin(resource_list(config, &indent(&deployment)))
        .run();
    assert_eq!(out.code, 1);
    let list = &docs(&out.stdout)[0];
    assert_eq!(list["kind"], "ResourceList");
    // Items pass through untouched, annotations included.
    assert_eq!(list["items"][0], docs(&deployment)[0]);
    let first = &list["results"][0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["resourceRef"]["kind"], "FlinkDeployment");
    assert_eq!(first["resourceRef"]["name"], "application-cluster-prod");
    assert_eq!(first["field"]["path"], "spec.job.upgradeMode");
    assert_eq!(first["file"]["path"], "deploy/app.yaml");
    assert_eq!(first["file"]["index"], 0);
    assert!(
        out.stderr
            .contains("deploy/app.yaml: error[schema/schema-violation]"),
        "{}",
        out.stderr
    );
}

#[test]
fn krm_restore_keeps_the_annotations_kustomize_relies_on() {
    let annotated = std::fs::read_to_string(fixture("splice/commented.yaml"))
        .unwrap()
        .replace(
            "  namespace: flink\n",
            "  namespace: flink\n  annotations:\n    config.kubernetes.io/index: '0'\n    internal.config.kubernetes.io/path: deploy/analytics.yaml\n",
        );
    let config = "  apiVersion: flink-backup.krm/v1alpha1\n  kind: FlinkRestore\n  metadata: {name: r}\n  spec: {savepointPath: 's3://flink-state/sp/savepoint-1'}\n";
    let out = Run::new(&[])
        .stdin(resource_list(config, &indent(&annotated)))
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let item = &docs(&out.stdout)[0]["items"][0];
    assert_eq!(
        item["metadata"]["annotations"],
        serde_json::json!({"config.kubernetes.io/index": "0", "internal.config.kubernetes.io/path": "deploy/analytics.yaml"})
    );
    assert_eq!(
        item["spec"]["job"]["initialSavepointPath"],
        "s3://flink-state/sp/savepoint-1"
    );
}

#[test]
fn krm_function_config_unknown_fields_and_kinds_are_errors() {
    let item =
        indent(&std::fs::read_to_string(fixture("rules/schema-violation/pass.yaml")).unwrap());
    let typo = "  apiVersion: flink-backup.krm/v1alpha1\n  kind: FlinkRestore\n  metadata: {name: r}\n  spec: {savepointpath: s3://b}\n";
    let out = Run::new(&[]).stdin(resource_list(typo, &item)).run();
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("unknown field `savepointpath`"),
        "{}",
        out.stderr
    );

    let foreign = "  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n";
    let out = Run::new(&[]).stdin(resource_list(foreign, &item)).run();
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("cannot tell which function to run"),
        "{}",
        out.stderr
    );

    // A subcommand decides, and its flags apply (an exec function with args).
    let restore =
        "  apiVersion: flink-backup.krm/v1alpha1\n  kind: FlinkRestore\n  metadata: {name: r}\n";
    let out = Run::new(&["restore", "--savepoint-path", "s3://b/sp"])
        .stdin(resource_list(restore, &item))
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        docs(&out.stdout)[0]["items"][0]["spec"]["job"]["initialSavepointPath"],
        "s3://b/sp"
    );
    let mismatch = Run::new(&["validate"])
        .stdin(resource_list(restore, &item))
        .run();
    assert!(
        mismatch
            .stderr
            .contains("the functionConfig is a FlinkRestore, but this run is FlinkValidate")
    );
}

#[test]
fn krm_backup_appends_the_snapshots() {
    let saved = std::fs::read_to_string(fixture("restore/seed-deployment.yaml")).unwrap();
    let config = "  apiVersion: flink-backup.krm/v1alpha1\n  kind: FlinkBackup\n  metadata: {name: b}\n  spec: {labels: {team: data}}\n";
    let out = Run::new(&[])
        .env("SOURCE_DATE_EPOCH", "1763715600")
        .stdin(resource_list(config, &indent(&saved)))
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let items = docs(&out.stdout)[0]["items"].clone();
    assert_eq!(items[0], docs(&saved)[0]);
    assert_eq!(items[1]["kind"], "FlinkStateSnapshot");
    assert_eq!(
        items[1]["metadata"]["name"],
        "application-cluster-prod-backup-20251121-090000"
    );
    assert_eq!(items[1]["metadata"]["labels"]["team"], "data");
}

#[test]
fn an_empty_resource_list_is_a_valid_run() {
    let config =
        "  apiVersion: flink-backup.krm/v1alpha1\n  kind: FlinkValidate\n  metadata: {name: v}\n";
    let text = format!(
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n{config}"
    );
    let out = Run::new(&[]).stdin(text).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(docs(&out.stdout)[0]["items"], serde_json::json!([]));
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

fn manifests_repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, source) in files {
        let target = dir.path().join(name);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(fixture(source), target).unwrap();
    }
    std::fs::write(dir.path().join("README.md"), "not a manifest\n").unwrap();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "manifests"]);
    dir
}

fn pre_commit_try_repo(pre_commit: &Path, dir: &Path, hook: &str) -> Output {
    Command::new(pre_commit)
        .args(["try-repo"])
        .arg(repo())
        .args([hook, "--all-files", "--color", "never"])
        .current_dir(dir)
        // One cache for the test run, inside target/, so the hook is built once.
        .env("PRE_COMMIT_HOME", repo().join("target/pre-commit-home"))
        // A working tree with changes is a new revision to pre-commit on every call: share the
        // dependencies' build between them, and skip the release profile's link-time
        // optimisation, which changes how fast the hook is built, not what it does.
        .env("CARGO_TARGET_DIR", repo().join("target/pre-commit-cargo"))
        .env("CARGO_PROFILE_RELEASE_LTO", "off")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap()
}

#[test]
fn the_pre_commit_hook_passes_good_manifests_and_stops_bad_ones() {
    let Some(pre_commit) = venv_tool("pre-commit") else {
        return;
    };
    let good = manifests_repo(&[
        ("flink/app.yaml", "rules/service-account-missing/pass.yaml"),
        ("flink/snapshot.yaml", "restore/seed-snapshot.yaml"),
        ("other/configmap.yaml", "validate/mixed/configmap.yaml"),
    ]);
    let out = pre_commit_try_repo(&pre_commit, good.path(), "flink-backup-validate");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("flink-backup validate") && text.contains("Passed"),
        "{text}"
    );

    let bad = manifests_repo(&[
        ("flink/app.yaml", "validate/typos.yaml"),
        ("other/configmap.yaml", "validate/mixed/configmap.yaml"),
    ]);
    let out = pre_commit_try_repo(&pre_commit, bad.path(), "flink-backup-validate");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains(
            "flink/app.yaml:25:18: error[schema/schema-violation] \"savepont\" is not one of"
        ),
        "{text}"
    );
    let strict = pre_commit_try_repo(
        &pre_commit,
        good.path(),
        "flink-backup-validate-backup-ready",
    );
    let text = String::from_utf8_lossy(&strict.stdout);
    assert!(strict.status.success(), "{text}");

    // A repository as teams have them: a Helm chart, vendored manifests excluded by the
    // configuration file, and one known finding suppressed on its object with a reason.
    let team = manifests_repo(&[
        ("flink/app.yaml", "rules/suppression-invalid/pass.yaml"),
        ("flink/snapshot.yaml", "restore/seed-snapshot.yaml"),
        ("vendor/upstream.yaml", "validate/typos.yaml"),
        ("chart/templates/deployment.yaml", "validate/typos.yaml"),
    ]);
    let template = "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata:\n  name: {{ .Release.Name }}\n";
    std::fs::write(
        team.path().join("chart/templates/deployment.yaml"),
        template,
    )
    .unwrap();
    std::fs::write(
        team.path().join(".flink-backup.yaml"),
        "version: 1\nexclude:\n  - vendor/\n",
    )
    .unwrap();
    git(team.path(), &["add", "."]);
    git(
        team.path(),
        &["commit", "-qm", "chart, vendor and settings"],
    );
    let out = pre_commit_try_repo(&pre_commit, team.path(), "flink-backup-validate");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Without the settings, the vendored typos fail the hook.
    std::fs::remove_file(team.path().join(".flink-backup.yaml")).unwrap();
    git(team.path(), &["commit", "-qam", "no settings"]);
    let out = pre_commit_try_repo(&pre_commit, team.path(), "flink-backup-validate");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("vendor/upstream.yaml:25:18: error[schema/schema-violation]"),
        "{text}"
    );
}

#[test]
fn kubectl_pipes_work_as_the_readme_writes_them() {
    // kubectl get ... -o yaml | flink-backup backup | (kubectl apply -f -)
    let saved = std::fs::read_to_string(fixture("restore/seed-deployment.yaml")).unwrap();
    let snapshot = Run::new(&["backup"])
        .env("SOURCE_DATE_EPOCH", "1763715600")
        .stdin(saved)
        .run();
    assert_eq!(snapshot.code, 0);
    // What kubectl would apply, it reads: kustomize (kubectl's own reader) takes it back unchanged.
    let Some(kubectl) = venv_tool("kubectl") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("snapshot.yaml"), &snapshot.stdout).unwrap();
    std::fs::write(
        dir.path().join("kustomization.yaml"),
        "resources: [snapshot.yaml]\n",
    )
    .unwrap();
    let read = Command::new(kubectl)
        .args(["kustomize"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    assert_eq!(
        docs(&String::from_utf8_lossy(&read.stdout)),
        docs(&snapshot.stdout)
    );
    // -o json, as kubectl users expect.
    let json = Run::new(&["restore", "-o", "json", "--savepoint-path", "s3://b"])
        .arg(fixture("restore/seed-deployment.yaml"))
        .run();
    assert_eq!(json.json()["kind"], "FlinkDeployment");
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = Run::new(&["completions", shell]).run();
        assert_eq!(out.code, 0);
        assert!(
            out.stdout.contains("restore") && out.stdout.contains("savepoint-path"),
            "{shell}"
        );
    }
    let man = Run::new(&["man"]).run();
    assert!(
        man.stdout.starts_with(".ie") || man.stdout.contains(".TH"),
        "{}",
        &man.stdout[..200.min(man.stdout.len())]
    );
    assert!(man.stdout.contains("flink\\-backup"));
}

#[test]
fn the_readme_shows_the_recipes_the_tests_run() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    for recipe in [
        "recipes/pre-commit-config.yaml",
        "recipes/github-actions.yml",
        "kustomize/restore/kustomization.yaml",
        "kustomize/restore/restore.yaml",
        "kustomize/validate/validate.yaml",
    ] {
        let text = std::fs::read_to_string(fixture(recipe)).unwrap();
        assert!(
            readme.contains(&text),
            "README.md must show fixtures/{recipe} verbatim"
        );
    }
    // The GitHub Actions recipe's command works and writes SARIF 2.1.0.
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("flink-backup.sarif");
    let out = Run::new(&["validate", "--backup-ready", "-o", "sarif", "-O"])
        .arg(sarif.display().to_string())
        .arg(fixture("rules/jar-uri-invalid/fail.yaml"))
        .run();
    assert_eq!(out.code, 1);
    let log: Value = serde_json::from_str(&std::fs::read_to_string(sarif).unwrap()).unwrap();
    assert_eq!(log["runs"][0]["results"][0]["ruleId"], "jar-uri-invalid");
}
