//! `restore -o velero`: the rules are read as Velero reads them (strict decoding, one data key),
//! and each, applied by an independent RFC 7386 / RFC 6902 implementation (the `json-patch`
//! crate) to the saved object as Velero holds it, gives exactly `restore -o json`.

mod common;

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Value, json};

use common::{Output, Run, docs, fixture, refused};

/// What Velero strips before it applies modifiers (`pkg/restore`, `resetMetadataAndStatus`).
fn as_velero_restores_it(value: &Value) -> Value {
    let mut out = value.clone();
    let object = out.as_object_mut().unwrap();
    object.remove("status");
    if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        for field in [
            "generateName",
            "selfLink",
            "uid",
            "resourceVersion",
            "generation",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "ownerReferences",
        ] {
            metadata.remove(field);
        }
    }
    out
}

// Velero's types (internal/resourcemodifiers, 1.13+), decoded as strictly as its
// `yaml.UnmarshalStrict`: an unknown key or a value of the wrong type is an error.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigMap {
    #[serde(rename = "apiVersion")]
    api_version: String,
    kind: String,
    metadata: Metadata,
    data: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Metadata {
    name: String,
    namespace: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResourceModifiers {
    version: String,
    #[serde(rename = "resourceModifierRules")]
    rules: Vec<Rule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rule {
    conditions: Conditions,
    #[serde(default)]
    patches: Vec<JsonPatch>,
    #[serde(default, rename = "mergePatches")]
    merge_patches: Vec<MergePatch>,
    #[serde(default, rename = "strategicPatches")]
    strategic_patches: Vec<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Conditions {
    #[serde(default)]
    namespaces: Vec<String>,
    #[serde(rename = "groupResource")]
    group_resource: String,
    #[serde(rename = "resourceNameRegex")]
    resource_name_regex: String,
    #[serde(default, rename = "labelSelector")]
    label_selector: Option<Value>,
    #[serde(default)]
    matches: Vec<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonPatch {
    operation: String,
    #[serde(default)]
    from: String,
    path: String,
    #[serde(default)]
    value: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MergePatch {
    #[serde(rename = "patchData")]
    patch_data: String,
}

/// The ConfigMap and its rules, decoded strictly; exactly one data key, as Velero requires.
fn modifiers(out: &Output) -> (ConfigMap, ResourceModifiers) {
    assert_eq!(out.code, 0, "{}", out.stderr);
    let read = docs(&out.stdout);
    assert_eq!(read.len(), 1, "one ConfigMap: {}", out.stdout);
    let config_map: ConfigMap = serde_json::from_value(read[0].clone()).unwrap();
    assert_eq!(
        (config_map.api_version.as_str(), config_map.kind.as_str()),
        ("v1", "ConfigMap")
    );
    assert_eq!(config_map.data.len(), 1, "Velero refuses any other count");
    let text = config_map.data.values().next().unwrap();
    let inner = docs(text);
    assert_eq!(inner.len(), 1, "{text}");
    let modifiers: ResourceModifiers = serde_json::from_value(inner[0].clone()).unwrap();
    assert_eq!(modifiers.version, "v1");
    for rule in &modifiers.rules {
        assert!(rule.strategic_patches.is_empty() && rule.conditions.matches.is_empty());
        assert!(rule.conditions.label_selector.is_none());
        assert!(
            rule.patches.is_empty() != rule.merge_patches.is_empty(),
            "one kind of patch per rule: {rule:?}"
        );
    }
    (config_map, modifiers)
}

/// The saved object a rule is for, by Velero's conditions.
fn matched<'a>(rule: &Rule, saved: &'a [Value]) -> &'a Value {
    let regex = &rule.conditions.resource_name_regex;
    let name = regex
        .strip_prefix('^')
        .and_then(|r| r.strip_suffix('$'))
        .expect("anchored to the exact name")
        .replace('\\', "");
    let found: Vec<&Value> = saved
        .iter()
        .filter(|d| {
            let plural = format!(
                "{}s.flink.apache.org",
                d["kind"].as_str().unwrap_or("").to_ascii_lowercase()
            );
            plural == rule.conditions.group_resource
                && d["metadata"]["name"] == json!(name)
                && rule
                    .conditions
                    .namespaces
                    .iter()
                    .all(|ns| d["metadata"]["namespace"] == json!(ns))
        })
        .collect();
    assert_eq!(found.len(), 1, "rule {rule:?} matches {found:?}");
    found[0]
}

/// Every saved object (List items unwrapped) of `files`.
fn saved(files: &[String]) -> Vec<Value> {
    files
        .iter()
        .flat_map(|f| docs(&std::fs::read_to_string(f).unwrap()))
        .flat_map(|d| match d["kind"].as_str() {
            Some("List") => d["items"].as_array().unwrap().clone(),
            _ => vec![d],
        })
        .collect()
}

fn restored_json(files: &[String], extra: &[&str]) -> Vec<Value> {
    let out = Run::new(&["restore", "-o", "json"])
        .args(extra)
        .args(files)
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let value = out.json();
    match value["kind"].as_str() {
        Some("List") => value["items"].as_array().unwrap().clone(),
        _ => vec![value],
    }
}

/// How Velero pastes a JSON Patch value into JSON text (`JSONPatch.ToString`), in 1.12.0/1.12.1
/// and in 1.12.2 and later.
#[derive(Debug, Clone, Copy)]
enum Velero {
    V1_12_0,
    V1_12_2,
}

fn go_parse_bool(s: &str) -> bool {
    matches!(
        s,
        "1" | "t" | "T" | "TRUE" | "true" | "True" | "0" | "f" | "F" | "FALSE" | "false" | "False"
    )
}

fn go_parse_float(s: &str) -> bool {
    s.parse::<f64>().is_ok()
}

fn pasted(op: &JsonPatch, velero: Velero) -> String {
    let mut value = op.value.clone();
    let quoted = match velero {
        Velero::V1_12_0 => {
            !(value == "null"
                || go_parse_bool(&value)
                || value.starts_with('{')
                || value.starts_with('[')
                || go_parse_float(&value))
        }
        Velero::V1_12_2 => {
            if value.is_empty() {
                true
            } else if value.starts_with('"') && value.ends_with('"') {
                value = value
                    .trim_start_matches('"')
                    .trim_end_matches('"')
                    .to_owned();
                true
            } else {
                let lower = value.to_ascii_lowercase();
                !(value == "null"
                    || lower == "true"
                    || lower == "false"
                    || value.starts_with('{')
                    || value.starts_with('[')
                    || go_parse_float(&value))
            }
        }
    };
    let value = if quoted || value.is_empty() {
        format!("\"{value}\"")
    } else {
        value
    };
    format!(
        r#"{{"op": "{}", "from": "{}", "path": "{}", "value": {value}}}"#,
        op.operation, op.from, op.path
    )
}

/// Applies a rule as Velero does: JSON Patches pasted and decoded, merge patches read as YAML
/// (JSON here) and merged.
fn apply(rule: &Rule, object: &mut Value, velero: Velero) {
    if !rule.patches.is_empty() {
        let text = format!(
            "[{}]",
            rule.patches
                .iter()
                .map(|p| pasted(p, velero))
                .collect::<Vec<_>>()
                .join(",\n\t")
        );
        let patch: json_patch::Patch = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("Velero {velero:?} cannot decode {text}: {e}"));
        json_patch::patch(object, &patch)
            .unwrap_or_else(|e| panic!("Velero {velero:?} fails {text}: {e}"));
    }
    for merge in &rule.merge_patches {
        let patch: Value = serde_json::from_str(&merge.patch_data).unwrap();
        json_patch::merge(object, &patch);
    }
}

/// For each input, every rule applied by Velero gives the restore form, and every completed
/// snapshot is pinned to the savepoint it records.
fn check_rules_make_the_restore(files: &[String], extra: &[&str]) {
    let saved = saved(files);
    let expected = restored_json(files, extra);
    for json_patches in [false, true] {
        let mut args = vec!["restore", "-o", "velero"];
        if json_patches {
            args.push("--velero-json-patch");
        }
        let out = Run::new(&args).args(extra).args(files).run();
        let (config_map, modifiers) = modifiers(&out);
        assert_eq!(
            (
                config_map.metadata.name.as_str(),
                config_map.metadata.namespace.as_str()
            ),
            ("flink-restore", "velero")
        );
        let versions: &[Velero] = if json_patches {
            &[Velero::V1_12_0, Velero::V1_12_2]
        } else {
            &[Velero::V1_12_2]
        };
        for &velero in versions {
            for form in &expected {
                let original = saved
                    .iter()
                    .find(|d| {
                        d["kind"] == form["kind"]
                            && d["metadata"]["name"] == form["metadata"]["name"]
                    })
                    .unwrap();
                let rules: Vec<&Rule> = modifiers
                    .rules
                    .iter()
                    .filter(|r| std::ptr::eq(matched(r, &saved), original))
                    .collect();
                let mut object = as_velero_restores_it(original);
                for rule in &rules {
                    apply(rule, &mut object, velero);
                }
                assert_eq!(
                    object,
                    as_velero_restores_it(form),
                    "{velero:?}, json patches {json_patches}: {}",
                    form["metadata"]["name"]
                );
            }
            let pins: Vec<&Rule> = modifiers
                .rules
                .iter()
                .filter(|r| r.conditions.group_resource == "flinkstatesnapshots.flink.apache.org")
                .collect();
            let completed: Vec<&Value> = saved
                .iter()
                .filter(|d| {
                    d["kind"] == "FlinkStateSnapshot" && d["status"]["state"] == "COMPLETED"
                })
                .collect();
            assert_eq!(pins.len(), completed.len(), "{pins:?}");
            for pin in pins {
                let snapshot = matched(pin, &saved);
                let mut object = as_velero_restores_it(snapshot);
                apply(pin, &mut object, velero);
                assert_eq!(object["spec"]["savepoint"]["alreadyExists"], json!(true));
                assert_eq!(object["spec"]["savepoint"]["disposeOnDelete"], json!(false));
                assert_eq!(
                    object["spec"]["savepoint"]["path"], snapshot["status"]["path"],
                    "pinned to the savepoint it records"
                );
                assert!(object["spec"].get("checkpoint").is_none());
                // The pinned snapshot is one the operator accepts, with nothing left to take.
                let text = serde_json::to_string(&object).unwrap();
                let valid = Run::new(&["validate", "-"]).stdin(text).run();
                assert_eq!(valid.code, 0, "{}", valid.stdout);
            }
        }
    }
}

#[test]
fn rules_make_the_restore_form_of_a_deployment() {
    check_rules_make_the_restore(
        &[
            fixture("restore/seed-deployment.yaml"),
            fixture("restore/seed-snapshot.yaml"),
        ],
        &[],
    );
}

#[test]
fn rules_make_the_restore_form_of_a_session_cluster_and_its_jobs() {
    check_rules_make_the_restore(&[fixture("restore/session-cluster-two-jobs.yaml")], &[]);
}

#[test]
fn rules_make_the_restore_form_of_a_blue_green_deployment() {
    check_rules_make_the_restore(
        &[
            fixture("blue-green/laststate-active-blue.yaml"),
            fixture("blue-green/snapshots.yaml"),
        ],
        &[],
    );
}

#[test]
fn rules_carry_a_redeploy_a_relocation_and_no_claim() {
    check_rules_make_the_restore(
        &[
            fixture("restore/seed-deployment.yaml"),
            fixture("restore/seed-snapshot.yaml"),
        ],
        &[
            "--redeploy",
            "--relocate",
            "file:/opt/flink/volume=s3://dr-bucket/flink",
            "--allow-unreachable-savepoint",
        ],
    );
}

#[test]
fn the_configmap_is_what_the_readme_shows() {
    let out = Run::new(&["restore", "-o", "velero"])
        .arg(fixture("blue-green/laststate-active-blue.yaml"))
        .arg(fixture("blue-green/snapshots.yaml"))
        .run();
    insta::assert_snapshot!("velero_merge_patches", out.stdout);
    let out = Run::new(&["restore", "-o", "velero", "--velero-json-patch"])
        .args(["--velero-namespace", "backup", "--name", "flink-dr"])
        .arg(fixture("restore/seed-deployment.yaml"))
        .arg(fixture("restore/seed-snapshot.yaml"))
        .run();
    insta::assert_snapshot!("velero_json_patches", out.stdout);
}

/// `velero backup download` unpacks to `resources/<group-resource>/namespaces/<ns>/<name>.json`,
/// with a copy of each object under `v1beta1-preferredversion/`: that folder is input as it is.
#[test]
fn a_downloaded_velero_backup_restores_like_the_saved_yaml() {
    let files = [
        fixture("restore/seed-deployment.yaml"),
        fixture("restore/seed-snapshot.yaml"),
    ];
    let dir = tempfile::tempdir().unwrap();
    for object in saved(&files) {
        let resource = match object["kind"].as_str().unwrap() {
            "FlinkDeployment" => "flinkdeployments.flink.apache.org",
            "FlinkStateSnapshot" => "flinkstatesnapshots.flink.apache.org",
            other => panic!("unexpected kind {other}"),
        };
        let namespace = object["metadata"]["namespace"].as_str().unwrap();
        let name = object["metadata"]["name"].as_str().unwrap();
        for version in ["", "v1beta1-preferredversion"] {
            let folder = dir
                .path()
                .join("resources")
                .join(resource)
                .join(version)
                .join("namespaces")
                .join(namespace);
            std::fs::create_dir_all(&folder).unwrap();
            let text = serde_json::to_string(&object).unwrap();
            std::fs::write(folder.join(format!("{name}.json")), text).unwrap();
        }
    }
    let from_yaml = Run::new(&["restore", "-o", "velero"]).args(&files).run();
    let from_download = Run::new(&["restore", "-o", "velero"])
        .arg(dir.path().display().to_string())
        .run();
    assert_eq!(from_yaml.code, 0, "{}", from_yaml.stderr);
    assert_eq!(from_download.code, 0, "{}", from_download.stderr);
    assert_eq!(
        modifiers(&from_download).0.data,
        modifiers(&from_yaml).0.data
    );
}

#[test]
fn stderr_says_what_to_leave_out_of_the_velero_restore() {
    let out = Run::new(&["restore", "-o", "velero"])
        .arg(fixture("restore/seed-deployment.yaml"))
        .arg(fixture("restore/seed-snapshot.yaml"))
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    for needle in [
        "velero restore create --from-backup BACKUP --resource-modifier-configmap flink-restore",
        "Velero restores ConfigMaps before custom resources",
        "kubectl delete configmap -n flink -l app=application-cluster-prod,configmap-type=high-availability",
        "--selector 'configmap-type notin (high-availability)'",
    ] {
        assert!(out.stderr.contains(needle), "{needle}\n{}", out.stderr);
    }
    let out = Run::new(&["restore", "-o", "velero"])
        .arg(fixture("blue-green/laststate-active-blue.yaml"))
        .arg(fixture("blue-green/snapshots.yaml"))
        .run();
    assert!(
        out.stderr
            .contains("--selector 'flink/blue-green-deployment-type notin (BLUE,GREEN)'"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("high-availability"),
        "no HA here: {}",
        out.stderr
    );
}

#[test]
fn a_value_velero_1_12_would_misread_is_refused() {
    // A savepoint path with a backslash: Velero pastes it into JSON unescaped.
    let out = Run::new(&["restore", "-o", "velero", "--velero-json-patch"])
        .args(["--savepoint-path", r"s3://bucket/savepoints\savepoint-1"])
        .arg(fixture("restore/seed-deployment.yaml"))
        .run();
    refused(&out, "Velero pastes into JSON without escaping");
    assert!(
        out.stderr
            .contains("FlinkDeployment/flink/application-cluster-prod"),
        "{}",
        out.stderr
    );
    // Merge patches carry it.
    let out = Run::new(&["restore", "-o", "velero"])
        .args(["--savepoint-path", r"s3://bucket/savepoints\savepoint-1"])
        .arg(fixture("restore/seed-deployment.yaml"))
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn flags_that_mean_nothing_for_velero_are_usage_errors() {
    for (args, needle) in [
        (
            vec!["restore", "-o", "velero", "--namespace", "dr"],
            "--namespace-mappings",
        ),
        (vec!["restore", "--name", "x"], "--name needs -o velero"),
        (
            vec!["restore", "--velero-json-patch"],
            "--velero-json-patch needs -o velero",
        ),
    ] {
        let out = Run::new(&args)
            .arg(fixture("restore/seed-deployment.yaml"))
            .arg(fixture("restore/seed-snapshot.yaml"))
            .run();
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty());
        assert!(out.stderr.contains(needle), "{args:?}: {}", out.stderr);
    }
}
