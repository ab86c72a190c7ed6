//! The KRM function: a `config.kubernetes.io/v1` ResourceList in, one ResourceList out, around
//! the same validate, backup and restore (kustomize `transformers:`, kpt).
//!
//! Items other than the targets pass through untouched, annotations included. Findings become
//! `results`; since kustomize shows a failing function's stderr rather than its results, they are
//! written to stderr too.

pub mod function_config;

use std::collections::HashMap;

use crate::pointer::Lookup;
use serde_json::{Map, Value, json};

use crate::check::registry::{Rule, Selector};
use crate::check::{CheckOptions, check_values, suppress};
use crate::finding::{Problem, Severity};
use crate::input::locate;
use crate::input::{Document, Origin};
use crate::model::resource::{Classified, classify};
use crate::output::terminal::escape;
use crate::refusal::Refusal;
use crate::transform::backup::{self, BackupOptions};
use crate::transform::gate::{self, Outgoing};
use crate::transform::inventory::TransformInput;
use crate::transform::restore::{self, RestoreOptions};
use crate::yaml::{Limits, PositionReader};
use function_config::{BackupSpec, FunctionKind, RestoreSpec, ValidateSpec, choose_judge, spec};

const PATH_ANNOTATIONS: [&str; 2] = [
    "config.kubernetes.io/path",
    "internal.config.kubernetes.io/path",
];
const INDEX_ANNOTATIONS: [&str; 2] = [
    "config.kubernetes.io/index",
    "internal.config.kubernetes.io/index",
];

/// What the command line asked for, before the functionConfig's `spec` is applied.
#[derive(Debug, Clone)]
pub enum Requested {
    Validate(CheckOptions),
    Backup(BackupOptions, CheckOptions),
    Restore(RestoreOptions, CheckOptions),
}

#[derive(Debug)]
pub struct Outcome {
    pub resource_list: Value,
    /// `file:line:col: severity[rule] message` lines and notes for stderr.
    pub messages: Vec<String>,
    pub failed: bool,
}

pub fn is_resource_list(value: &Value) -> bool {
    value.get("kind").and_then(Value::as_str) == Some("ResourceList")
        && value
            .get("apiVersion")
            .and_then(Value::as_str)
            .is_some_and(|v| v.starts_with("config.kubernetes.io/"))
}

/// A ResourceList result.
struct KrmResult {
    severity: &'static str,
    message: String,
    rule: Option<Rule>,
    item: Option<usize>,
    pointer: Option<String>,
}

pub fn run(list: &Value, requested: Option<Requested>) -> Outcome {
    let items: Vec<Value> = list
        .get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let config = list.get("functionConfig").filter(|c| !c.is_null());
    let documents: Vec<Document> = items
        .iter()
        .enumerate()
        .map(|(i, item)| Document {
            origin: origin_of(item, i),
            value: item.clone(),
            duplicates: Vec::new(),
        })
        .collect();
    let mut output_items = items.clone();
    let results = match execute(&documents, config, requested, &mut output_items) {
        Ok(results) => results,
        Err(message) => vec![KrmResult {
            severity: "error",
            message,
            rule: None,
            item: None,
            pointer: None,
        }],
    };
    let failed = results.iter().any(|r| r.severity == "error");
    let messages = stderr_lines(&results, &documents);
    let mut out = Map::new();
    out.insert(
        "apiVersion".into(),
        list.get("apiVersion")
            .cloned()
            .unwrap_or(json!("config.kubernetes.io/v1")),
    );
    out.insert("kind".into(), json!("ResourceList"));
    out.insert("items".into(), Value::Array(output_items));
    if let Some(config) = config {
        out.insert("functionConfig".into(), config.clone());
    }
    if !results.is_empty() {
        let rendered: Vec<Value> = results.iter().map(|r| result_value(r, &items)).collect();
        out.insert("results".into(), Value::Array(rendered));
    }
    Outcome {
        resource_list: Value::Object(out),
        messages,
        failed,
    }
}

fn execute(
    documents: &[Document],
    config: Option<&Value>,
    requested: Option<Requested>,
    items: &mut Vec<Value>,
) -> Result<Vec<KrmResult>, String> {
    let config_kind = config.and_then(|c| {
        let ours =
            c.get("apiVersion").and_then(Value::as_str) == Some(function_config::API_VERSION);
        c.get("kind").and_then(Value::as_str).map(|k| (k, ours))
    });
    let function = match (&requested, config_kind) {
        (Some(Requested::Validate(_)), _) => FunctionKind::Validate,
        (Some(Requested::Backup(..)), _) => FunctionKind::Backup,
        (Some(Requested::Restore(..)), _) => FunctionKind::Restore,
        (None, Some((kind, true))) => {
            FunctionKind::from_config_kind(kind).ok_or_else(|| no_function(config_kind))?
        }
        (None, _) => return Err(no_function(config_kind)),
    };
    if let Some((kind, ours)) = config_kind {
        if !ours || kind != function.config_kind() {
            return Err(format!(
                "the functionConfig is a {kind}, but this run is {}; use kind {} with apiVersion {}",
                function.config_kind(),
                function.config_kind(),
                function_config::API_VERSION
            ));
        }
    }
    let config = config.filter(|_| config_kind.is_some());
    match function {
        FunctionKind::Validate => {
            let mut options = match requested {
                Some(Requested::Validate(o)) => o,
                _ => CheckOptions::default(),
            };
            if let Some(config) = config {
                let s: ValidateSpec = spec(config)?;
                choose_judge(
                    &mut options,
                    s.operator_version.as_deref(),
                    s.distribution.as_deref(),
                )?;
                let policy = &mut options.policy;
                policy.strict = s.strict.unwrap_or(policy.strict);
                policy.backup_ready = s.backup_ready.unwrap_or(policy.backup_ready);
                for id in s.disable.unwrap_or_default() {
                    policy.disabled.insert(Selector::parse(&id)?);
                }
            }
            let values: Vec<&Value> = documents.iter().map(|d| &d.value).collect();
            let mut by_item: Vec<Vec<Problem>> = vec![Vec::new(); values.len()];
            for (i, problem) in check_values(&values, &options) {
                by_item[i].push(problem);
            }
            // Each item's `flink-backup.io/ignore` annotation, as `validate` honours it.
            let mut results = Vec::new();
            for (i, problems) in by_item.into_iter().enumerate() {
                let (kept, _) = suppress::apply(values[i], problems);
                results.extend(kept.into_iter().map(|p| problem_result(i, p)));
            }
            Ok(results)
        }
        FunctionKind::Restore => {
            let (mut options, mut version) = match requested {
                Some(Requested::Restore(o, v)) => (o, v),
                _ => (
                    RestoreOptions {
                        allow_non_restored_state: true,
                        ..RestoreOptions::default()
                    },
                    CheckOptions::default(),
                ),
            };
            if let Some(config) = config {
                let s: RestoreSpec = spec(config)?;
                choose_judge(
                    &mut version,
                    s.operator_version.as_deref(),
                    s.distribution.as_deref(),
                )?;
                options.source.savepoint_path = s.savepoint_path.or(options.source.savepoint_path);
                options.source.snapshot = s.snapshot.or(options.source.snapshot);
                options.source.from_status = s.from_status.unwrap_or(options.source.from_status);
                options.source.allow_checkpoint = s
                    .allow_checkpoint
                    .unwrap_or(options.source.allow_checkpoint);
                options.allow_non_restored_state = s
                    .allow_non_restored_state
                    .unwrap_or(options.allow_non_restored_state);
                options.redeploy = s.redeploy.unwrap_or(options.redeploy);
                options.namespace = s.namespace.or(options.namespace);
                for text in s.relocate.unwrap_or_default() {
                    options
                        .relocations
                        .push(text.parse().map_err(|e| format!("relocate: {e}"))?);
                }
                options.no_claim = s.no_claim.unwrap_or(options.no_claim);
                options.allow.claim = s.allow_claim.unwrap_or(options.allow.claim);
                options.allow.unreachable_savepoint = s
                    .allow_unreachable_savepoint
                    .unwrap_or(options.allow.unreachable_savepoint);
                options.allow.ha_metadata =
                    s.allow_ha_metadata.unwrap_or(options.allow.ha_metadata);
            }
            options.operator = version.operator.clone();
            let input = TransformInput::of(documents.to_vec());
            let plan = restore::plan(&input, &options).map_err(|r| joined(&r.0))?;
            let documents = &input.documents;
            let mut restored = Vec::new();
            let mut cluster_forms = std::collections::HashMap::new();
            for r in &plan.resources {
                let value = r.apply(documents).map_err(|e| e.to_string())?;
                let outgoing = Outgoing {
                    value: &value,
                    from: Some(&documents[r.document].origin),
                };
                let cluster = r
                    .cluster
                    .map(|i| cluster_forms.get(&i).unwrap_or(&documents[i].value));
                gate::check_one(&outgoing, cluster, &version).map_err(|r| joined(&r))?;
                if !r.is_target {
                    cluster_forms.insert(r.document, value.clone());
                }
                restored.push((r.id.clone(), value));
            }
            items.retain(|item| {
                !matches!(classify(item), Classified::Flink(r) if plan.left_out.contains(&r.id()))
            });
            // kustomize never passes two items of one kind, namespace and name.
            for (id, value) in restored {
                let slot = items
                    .iter_mut()
                    .find(|item| matches!(classify(item), Classified::Flink(r) if r.id() == id));
                if let Some(slot) = slot {
                    *slot = value;
                }
            }
            Ok(plan.notes.into_iter().map(info).collect())
        }
        FunctionKind::Backup => {
            let (mut options, mut version) = match requested {
                Some(Requested::Backup(o, v)) => (o, v),
                _ => (
                    BackupOptions {
                        now: backup::name::now(std::env::var("SOURCE_DATE_EPOCH").ok().as_deref())?,
                        ..BackupOptions::default()
                    },
                    CheckOptions::default(),
                ),
            };
            if let Some(config) = config {
                let s: BackupSpec = spec(config)?;
                choose_judge(
                    &mut version,
                    s.operator_version.as_deref(),
                    s.distribution.as_deref(),
                )?;
                options.format_type = s.format_type.or(options.format_type);
                options.path = s.path.or(options.path);
                options.backoff_limit = s.backoff_limit.or(options.backoff_limit);
                options.release = version.release;
                options.dispose_on_delete =
                    s.dispose_on_delete.unwrap_or(options.dispose_on_delete);
                options.labels.extend(s.labels.unwrap_or_default());
                options.checkpoint = s.checkpoint.unwrap_or(options.checkpoint);
                options.force = s.force.unwrap_or(options.force);
                options.name = s.name.or(options.name);
                options.generate_name = s.generate_name.unwrap_or(options.generate_name);
                options.trigger_nonce = s.trigger_nonce.unwrap_or(options.trigger_nonce);
            }
            let input = TransformInput::of(documents.to_vec());
            let documents = &input.documents;
            let plan = backup::plan(&input, &options).map_err(|r| joined(&r.0))?;
            let outgoing: Vec<Outgoing<'_>> = plan
                .manifests
                .iter()
                .map(|m| Outgoing {
                    value: &m.manifest,
                    from: Some(&documents[m.target].origin),
                })
                .collect();
            gate::check(&outgoing, &version).map_err(|r| joined(&r))?;
            items.extend(plan.manifests.into_iter().map(|m| m.manifest));
            Ok(plan.notes.into_iter().map(info).collect())
        }
    }
}

fn joined(refusals: &[Refusal]) -> String {
    refusals
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn no_function(config_kind: Option<(&str, bool)>) -> String {
    let seen = config_kind.map_or("no functionConfig".to_owned(), |(k, _)| {
        format!("a functionConfig of kind {k}")
    });
    format!(
        "cannot tell which function to run from {seen}: give a subcommand (validate, backup, restore) or a \
         functionConfig of kind FlinkValidate, FlinkBackup or FlinkRestore with apiVersion {}",
        function_config::API_VERSION
    )
}

fn info(message: String) -> KrmResult {
    KrmResult {
        severity: "info",
        message,
        rule: None,
        item: None,
        pointer: None,
    }
}

fn problem_result(item: usize, problem: Problem) -> KrmResult {
    KrmResult {
        severity: match problem.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        },
        message: problem.message,
        rule: Some(problem.rule),
        item: Some(item),
        pointer: Some(problem.pointer),
    }
}

fn annotation<'a>(item: &'a Value, keys: &[&str]) -> Option<&'a str> {
    let annotations = item.at("/metadata/annotations")?;
    keys.iter()
        .find_map(|k| annotations.get(*k).and_then(Value::as_str))
}

fn origin_of(item: &Value, i: usize) -> Origin {
    let index = annotation(item, &INDEX_ANNOTATIONS).and_then(|s| s.parse::<usize>().ok());
    Origin {
        // kustomize passes no path for resources it loaded itself: name the object instead.
        file: annotation(item, &PATH_ANNOTATIONS)
            .map(str::to_owned)
            .unwrap_or_else(|| {
                let text = |p: &str| item.at(p).and_then(Value::as_str);
                match (text("/kind"), text("/metadata/name")) {
                    (Some(kind), Some(name)) => format!("{kind}/{name}"),
                    _ => format!("<item {i}>"),
                }
            })
            .into(),
        document: index.map_or(1, |n| n + 1),
        item: None,
        line: 0,
    }
}

fn result_value(r: &KrmResult, items: &[Value]) -> Value {
    let mut out = Map::new();
    let message = match r.rule {
        Some(rule) => format!("[{rule}] {}", r.message),
        None => r.message.clone(),
    };
    out.insert("message".into(), json!(message));
    out.insert("severity".into(), json!(r.severity));
    if let Some(item) = r.item.and_then(|i| items.get(i)) {
        let mut reference = Map::new();
        for (key, pointer) in [
            ("apiVersion", "/apiVersion"),
            ("kind", "/kind"),
            ("name", "/metadata/name"),
            ("namespace", "/metadata/namespace"),
        ] {
            if let Some(v) = item.at(pointer).filter(|v| v.is_string()) {
                reference.insert(key.into(), v.clone());
            }
        }
        out.insert("resourceRef".into(), Value::Object(reference));
        if let Some(pointer) = r.pointer.as_deref().filter(|p| !p.is_empty()) {
            out.insert("field".into(), json!({"path": field_path(pointer)}));
        }
        if let Some(path) = annotation(item, &PATH_ANNOTATIONS) {
            let mut file = json!({"path": path});
            if let Some(index) =
                annotation(item, &INDEX_ANNOTATIONS).and_then(|s| s.parse::<u64>().ok())
            {
                file["index"] = json!(index);
            }
            out.insert("file".into(), file);
        }
    }
    Value::Object(out)
}

/// `/spec/containers/0/env` as `spec.containers[0].env`, the form kpt and kyaml print.
fn field_path(pointer: &str) -> String {
    let mut out = String::new();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if !segment.is_empty() && segment.chars().all(|c| c.is_ascii_digit()) {
            out.push_str(&format!("[{segment}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&segment);
        }
    }
    out
}

/// `file:line:col: severity[rule] message (path)`, with the line found in the item's source file
/// when it can be read from here (an `exec` function runs in the kustomization's folder). Each
/// file is read once, however many results it has.
fn stderr_lines(results: &[KrmResult], documents: &[Document]) -> Vec<String> {
    let mut texts: HashMap<&str, Option<String>> = HashMap::new();
    for r in results {
        if let Some(doc) = r.item.and_then(|i| documents.get(i)) {
            let file = &*doc.origin.file;
            texts
                .entry(file)
                .or_insert_with(|| std::fs::read_to_string(file).ok());
        }
    }
    let mut readers: HashMap<&str, PositionReader<'_>> = texts
        .iter()
        .filter_map(|(file, text)| {
            let text = text.as_deref()?;
            Some((*file, PositionReader::new(text, Limits::default())))
        })
        .collect();
    results
        .iter()
        .map(|r| stderr_line(r, documents, &mut readers))
        .collect()
}

fn stderr_line(
    r: &KrmResult,
    documents: &[Document],
    readers: &mut HashMap<&str, PositionReader<'_>>,
) -> String {
    let Some(doc) = r.item.and_then(|i| documents.get(i)) else {
        return format!("flink-backup: {}: {}", r.severity, escape(&r.message));
    };
    let pointer = r.pointer.clone().unwrap_or_default();
    let located = readers.get_mut(&*doc.origin.file).and_then(|positions| {
        let problem = Problem::new(r.rule.unwrap_or(Rule::SchemaViolation), pointer.clone(), "");
        locate::place(positions, doc, vec![problem]).pop()
    });
    let place = match located {
        Some(f) => format!("{}:{}:{}", escape(&f.file), f.line, f.column),
        None => escape(&doc.origin.file).into_owned(),
    };
    let rule = r
        .rule
        .map_or("krm".to_owned(), |rule| format!("{}/{rule}", rule.family()));
    format!(
        "{place}: {}[{rule}] {} ({})",
        r.severity,
        escape(&r.message),
        escape(&pointer)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn field_paths() {
        assert_eq!(
            super::field_path("/spec/containers/0/env"),
            "spec.containers[0].env"
        );
        assert_eq!(
            super::field_path("/metadata/annotations/a~1b"),
            "metadata.annotations.a/b"
        );
    }
}
