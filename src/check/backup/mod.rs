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

    let dirs: Vec<(&Entry, &str, bool)> = [
        (checkpoint, "checkpoint", true),
        (savepoint, "savepoint", true),
        (ha, "HA storage", false),
    ]
    .into_iter()
    .filter_map(|(e, what, both_roles)| e.map(|e| (e, what, both_roles)))
    .collect();
    for (i, (later, later_what, _)) in dirs.iter().enumerate() {
        for (earlier, earlier_what, _) in &dirs[..i] {
            let (a, b) = (
                Location::parse(&earlier.value),
                Location::parse(&later.value),
            );
            if a.contains(&b) || b.contains(&a) {
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
    for (entry, what, both_roles) in dirs {
        if let Some(message) = not_persistent(entry, what, both_roles, setup.storage) {
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
    what: &str,
    both_roles: bool,
    storage: &Storage,
) -> Option<String> {
    let location = Location::parse(&entry.value);
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
