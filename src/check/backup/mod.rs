//! The `backup` family: the procedure's prerequisites: a checkpoint and a savepoint directory (and an HA storage
//! directory when HA is on), each a different place on storage that outlives the pod.

use crate::check::registry::Rule;
use crate::finding::Problem;
use crate::model::flink_config::{Entry, FlinkConfig, FlinkOption, Location};
use crate::model::storage::{Placement, PodStorage, Storage};

/// The configuration and pods whose state directories are checked.
pub struct StateSetup<'a> {
    pub config: &'a FlinkConfig,
    pub storage: &'a Storage,
    /// Where a missing key is reported: the mapping that should hold it.
    pub missing_at: &'a str,
}

pub fn check(setup: &StateSetup<'_>) -> Vec<Problem> {
    let mut out = Vec::new();
    let problem = |rule, pointer: &str, message: String| Problem::new(rule, pointer, message);
    let checkpoint = setup.config.resolve(FlinkOption::CheckpointDir);
    let savepoint = setup.config.resolve(FlinkOption::SavepointDir);
    let ha = if setup.config.ha_enabled() {
        let storage = setup.config.resolve(FlinkOption::HaStorageDir);
        if storage.is_none() {
            let mode = setup
                .config
                .resolve(FlinkOption::HaMode)
                .map(|e| e.pointer.as_str());
            out.push(problem(
                Rule::HaStorageDirMissing,
                mode.unwrap_or(setup.missing_at),
                format!(
                    "high availability is on but has no storage directory: set {} to a directory on the persistent volume",
                    FlinkOption::HaStorageDir.describe()
                ),
            ));
        }
        storage
    } else {
        None
    };
    for (entry, option, rule, what) in [
        (
            checkpoint,
            FlinkOption::CheckpointDir,
            Rule::CheckpointDirMissing,
            "checkpoint",
        ),
        (
            savepoint,
            FlinkOption::SavepointDir,
            Rule::SavepointDirMissing,
            "savepoint",
        ),
    ] {
        if entry.is_none() {
            out.push(problem(
                rule,
                setup.missing_at,
                format!(
                    "no {what} directory is configured: set {} to a directory on the persistent volume",
                    option.describe()
                ),
            ));
        }
    }

    // Each directory parsed once, for the overlap pairs and the storage check alike.
    let dirs: Vec<(&Entry, Location, &str, bool)> = [
        (checkpoint, "checkpoint", true),
        (savepoint, "savepoint", true),
        (ha, "HA storage", false),
    ]
    .into_iter()
    .filter_map(|(e, what, both_roles)| e.map(|e| (e, Location::parse(&e.value), what, both_roles)))
    .collect();
    for (i, (later, b, later_what, _)) in dirs.iter().enumerate() {
        for (earlier, a, earlier_what, _) in &dirs[..i] {
            if a.contains(b) || b.contains(a) {
                let relation = if a == b {
                    "is the same place as"
                } else {
                    "overlaps"
                };
                out.push(problem(
                    Rule::StateDirsOverlap,
                    &later.pointer,
                    format!(
                        "the {later_what} directory {} ({}) {relation} the {earlier_what} directory {} ({}): \
                         Flink cleans each up on its own schedule, so give each its own directory",
                        later.key, later.value, earlier.key, earlier.value
                    ),
                ));
            }
        }
    }
    for (entry, location, what, both_roles) in &dirs {
        if let Some(message) = not_persistent(entry, location, what, *both_roles, setup.storage) {
            out.push(problem(
                Rule::StateDirNotPersistent,
                &entry.pointer,
                message,
            ));
        }
    }
    out
}

fn not_persistent(
    entry: &Entry,
    location: &Location,
    what: &str,
    both_roles: bool,
    storage: &Storage,
) -> Option<String> {
    if !location.is_local() {
        // Object stores outlive every pod; other schemes are not ours to judge.
        return None;
    }
    let roles: Vec<(&str, &PodStorage)> = if both_roles {
        vec![
            ("JobManager", &storage.jobmanager),
            ("TaskManagers", &storage.taskmanager),
        ]
    } else {
        vec![("JobManager", &storage.jobmanager)]
    };
    let mut reasons: Vec<(String, Vec<&str>)> = Vec::new();
    for (role, pod) in roles {
        let reason = match pod.place(&location.path) {
            Placement::Persistent { .. } => continue,
            Placement::Ephemeral { mount_path, volume, kind } => format!(
                "is on volume mount {mount_path} (volume {volume:?}, {kind}), which is lost with the {}",
                if kind == "hostPath" { "node" } else { "pod" }
            ),
            Placement::Unmounted => {
                "is under no volumeMount of flink-main-container, so it lives in the container's own filesystem".to_owned()
            }
        };
        match reasons.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, who)) => who.push(role),
            None => reasons.push((reason, vec![role])),
        }
    }
    if reasons.is_empty() {
        return None;
    }
    let detail: Vec<String> = reasons
        .into_iter()
        .map(|(reason, who)| format!("on the {} it {reason}", who.join(" and ")))
        .collect();
    Some(format!(
        "the {what} directory {} ({}) is not on persistent storage: {}; mount a persistentVolumeClaim volume there, or use an object store (s3://, gs://, ...)",
        entry.key,
        entry.value,
        detail.join("; ")
    ))
}

/// FLINK-39967 (operators 1.10 to 1.15): a snapshot still to be taken with no `backoffLimit`, or
/// a negative one, fails at its first error.
pub fn snapshot(resource: &serde_json::Value) -> Vec<Problem> {
    use serde_json::Value;
    let spec = resource.get("spec");
    let registers_existing = spec
        .and_then(|s| s.pointer("/savepoint/alreadyExists"))
        .and_then(Value::as_bool)
        == Some(true);
    let state = resource.pointer("/status/state").and_then(Value::as_str);
    let still_to_take = matches!(state, None | Some("" | "TRIGGER_PENDING" | "IN_PROGRESS"));
    if registers_existing || !still_to_take {
        return Vec::new();
    }
    let limit = spec
        .and_then(|s| s.get("backoffLimit"))
        .filter(|v| !v.is_null());
    let (at, shown) = match limit {
        None => ("/spec", "no backoffLimit".to_owned()),
        Some(v) if v.as_f64().is_some_and(|n| n < 0.0) => {
            ("/spec/backoffLimit", format!("backoffLimit {v}"))
        }
        Some(_) => return Vec::new(),
    };
    vec![Problem::new(
        Rule::SnapshotBackoffLimitUnset,
        at,
        format!(
            "this snapshot has {shown}: operators 1.10 to 1.15 then mark it FAILED at its first \
             error instead of retrying (FLINK-39967); set spec.backoffLimit to a few retries, e.g. 3"
        ),
    )]
}

/// FLINK-39814 (operators 1.10 to 1.15): a session job's own savepoint directory is ignored by
/// snapshot-triggered savepoints, which land under its cluster's.
pub fn session_job_savepoint_dir(
    job: &serde_json::Value,
    cluster: Option<&crate::model::session_cluster::SessionCluster>,
) -> Vec<Problem> {
    let line = cluster.map(|c| c.config.line()).unwrap_or_default();
    let own = FlinkConfig::of(job).read_by(line);
    let Some(entry) = own.resolve(FlinkOption::SavepointDir) else {
        return Vec::new();
    };
    let lands = match cluster.and_then(|c| c.config.resolve(FlinkOption::SavepointDir)) {
        Some(theirs) => format!(
            "under its session cluster's {} ({})",
            theirs.key, theirs.value
        ),
        None => "under its session cluster's savepoint directory".to_owned(),
    };
    vec![Problem::new(
        Rule::SessionJobSavepointDirIgnored,
        &entry.pointer,
        format!(
            "operators 1.10 to 1.15 ignore a session job's own {} ({}) for the savepoints its \
             FlinkStateSnapshots take (FLINK-39814): they land {lands}; set the directory on the \
             cluster, and look for the savepoints there",
            entry.key, entry.value
        ),
    )]
}
