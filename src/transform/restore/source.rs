//! Where each target's savepoint comes from: the explicit flag, the newest usable snapshot, or
//! (only when asked) the target's own status. Whatever is chosen must be a location Flink can use.

use serde_json::Value;

use crate::model::resource::Resource;
use crate::model::savepoint_path;
use crate::model::snapshot::{Snapshot, SnapshotState};
use crate::model::timestamp::Timestamp;
use crate::pointer::Lookup;

#[derive(Debug, Clone, Default)]
pub struct SourceOptions {
    pub savepoint_path: Option<String>,
    pub snapshot: Option<String>,
    pub from_status: bool,
    pub allow_checkpoint: bool,
}

/// A savepoint location, how it was found, and what the user should know about the choice.
#[derive(Debug, Clone, PartialEq)]
pub struct Chosen {
    pub path: String,
    pub how: String,
    /// Warnings for stderr: a newer snapshot that failed or is still running, a stale status.
    pub warnings: Vec<String>,
}

impl Chosen {
    fn plain(path: &str, how: String) -> Chosen {
        Chosen {
            path: path.to_owned(),
            how,
            warnings: Vec::new(),
        }
    }
}

/// The location for `target`, from the flag or from `snapshots` (the ones that refer to it).
pub fn choose(
    target: &Resource<'_>,
    snapshots: &[&Snapshot],
    options: &SourceOptions,
) -> Result<Chosen, String> {
    if let Some(path) = &options.savepoint_path {
        return Ok(Chosen::plain(path, "from --savepoint-path".into()));
    }
    if snapshots.is_empty() {
        if options.from_status {
            return from_status(target);
        }
        return Err(match &options.snapshot {
            Some(name) => format!("no FlinkStateSnapshot named {name:?} refers to it"),
            None => format!(
                "no FlinkStateSnapshot in the input refers to it (by spec.jobReference kind {} and \
                 name {:?}); add the saved snapshot (`kubectl get flinkstatesnapshot NAME -o yaml`), \
                 give --savepoint-path, or use --from-status to take the path the operator recorded \
                 in the resource's status",
                target.kind,
                target.name().unwrap_or("")
            ),
        });
    }
    let usable: Vec<&Snapshot> = snapshots
        .iter()
        .copied()
        .filter(|s| options.allow_checkpoint || !s.is_checkpoint())
        .collect();
    if usable.is_empty() {
        return Err(format!(
            "{} {}; Flink owns checkpoint data and may delete it at any time. Take a savepoint, \
             or pass --allow-checkpoint to restore from it anyway",
            if snapshots.len() > 1 {
                "its snapshots"
            } else {
                "its only snapshot"
            },
            names(snapshots, "a checkpoint", "checkpoints")
        ));
    }
    let completed: Vec<&Snapshot> = usable
        .iter()
        .copied()
        .filter(|s| s.state() == Some(SnapshotState::Completed))
        .collect();
    let chosen = match completed.as_slice() {
        [] => {
            let reasons: Vec<String> = usable
                .iter()
                .map(|s| {
                    let why = s.location().err().unwrap_or_default();
                    format!("snapshot {:?} {why}", s.name())
                })
                .collect();
            return Err(reasons.join("; "));
        }
        [one] => *one,
        several => newest_completed(several)?,
    };
    let path = chosen
        .location()
        .map_err(|why| format!("snapshot {:?} {why}", chosen.name()))?;
    if let Some(why) = savepoint_path::problem(path) {
        return Err(format!(
            "snapshot {:?} records the location {why}; pass the right one with --savepoint-path",
            chosen.name()
        ));
    }
    let how = if completed.len() > 1 {
        format!(
            "from snapshot {:?}, the newest COMPLETED of {} (status.resultTimestamp {})",
            chosen.name(),
            completed.len(),
            chosen.result_timestamp_text().unwrap_or("?")
        )
    } else {
        format!("from snapshot {:?}", chosen.name())
    };
    Ok(Chosen {
        path: path.to_owned(),
        how,
        warnings: newer_unusable(chosen, &usable),
    })
}

/// The newest by `status.resultTimestamp`, read as a time; every candidate must have one.
fn newest_completed<'s>(completed: &[&'s Snapshot]) -> Result<&'s Snapshot, String> {
    let mut timed = Vec::with_capacity(completed.len());
    for s in completed {
        match s.result_time() {
            Some(Ok(t)) => timed.push((t, *s)),
            Some(Err(text)) => {
                return Err(format!(
                    "snapshot {:?} has status.resultTimestamp {text:?}, which is not an RFC 3339 \
                     time, so which of its {} COMPLETED snapshots is newest cannot be told; \
                     choose one with --snapshot",
                    s.name(),
                    completed.len()
                ));
            }
            None => {
                return Err(format!(
                    "snapshot {:?} has no status.resultTimestamp, so which of its {} COMPLETED \
                     snapshots is newest cannot be told; choose one with --snapshot",
                    s.name(),
                    completed.len()
                ));
            }
        }
    }
    timed.sort_by_key(|(t, _)| *t);
    let (newest_time, newest) = *timed.last().expect("several snapshots");
    let tied: Vec<&Snapshot> = timed
        .iter()
        .filter(|(t, s)| *t == newest_time && s.location() != newest.location())
        .map(|(_, s)| *s)
        .collect();
    if tied.len() > 1 {
        return Err(format!(
            "snapshots {} completed at the same time ({newest_time}) with different locations; \
             choose one with --snapshot",
            tied.iter()
                .map(|s| format!("{:?}", s.name()))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(newest)
}

/// Snapshots newer than the one used that failed, were abandoned or are still running: the
/// user may expect the restore to come from them.
fn newer_unusable(chosen: &Snapshot, usable: &[&Snapshot]) -> Vec<String> {
    let Some(Ok(used_at)) = chosen.result_time() else {
        return Vec::new();
    };
    usable
        .iter()
        .filter(|s| s.state() != Some(SnapshotState::Completed))
        .filter_map(|s| {
            let state = s.state_text().unwrap_or("without a state");
            match s.last_activity() {
                Some(at) if at > used_at => Some(format!(
                    "snapshot {:?} is newer ({at}) but {state}; restoring from the older {:?} \
                     ({used_at})",
                    s.name(),
                    chosen.name()
                )),
                Some(_) => None,
                None if s.state().is_some_and(SnapshotState::is_pending) => Some(format!(
                    "snapshot {:?} is {state} (no time recorded yet); restoring from {:?} ({used_at})",
                    s.name(),
                    chosen.name()
                )),
                None => None,
            }
        })
        .collect()
}

/// The placeholder the operator writes into `upgradeSavepointPath` for last-state upgrades.
const LAST_STATE_PLACEHOLDER: &str = "KUBERNETES_OPERATOR_LAST_STATE";

/// `--from-status`: the newest savepoint the status records with a time; without one, the
/// location every untimed source agrees on. The operator copies `initialSavepointPath` into
/// `upgradeSavepointPath` at first deployment, and writes checkpoints and a placeholder there on
/// last-state upgrades, so an untimed path is trusted only when nothing timed contradicts it.
fn from_status<'a>(target: &Resource<'a>) -> Result<Chosen, String> {
    let mut timed: Vec<(Timestamp, &'a str, String)> = Vec::new();
    let mut untimed: Vec<(&'a str, String)> = Vec::new();
    let mut record = |entry: Option<&'a Value>, what: String| {
        let Some(location) = entry
            .and_then(|e| e.get("location"))
            .and_then(Value::as_str)
            .filter(|l| !l.trim().is_empty() && *l != LAST_STATE_PLACEHOLDER)
        else {
            return;
        };
        // The operator writes 0 when it did not know the time.
        match entry
            .and_then(|e| e.get("timeStamp"))
            .and_then(Value::as_i64)
        {
            Some(millis) if millis > 0 => {
                timed.push((Timestamp::from_millis(millis), location, what))
            }
            _ => untimed.push((location, what)),
        }
    };
    record(
        target
            .value
            .at("/status/jobStatus/savepointInfo/lastSavepoint"),
        "status.jobStatus.savepointInfo.lastSavepoint".into(),
    );
    let history = target
        .value
        .at("/status/jobStatus/savepointInfo/savepointHistory")
        .and_then(Value::as_array);
    for (i, entry) in history.into_iter().flatten().enumerate() {
        record(
            Some(entry),
            format!("status.jobStatus.savepointInfo.savepointHistory[{i}]"),
        );
    }
    let text = |p: &str| target.value.at(p).and_then(Value::as_str);
    let upgrade = text("/status/jobStatus/upgradeSavepointPath").filter(|p| !p.trim().is_empty());
    let placeholder = upgrade == Some(LAST_STATE_PLACEHOLDER);
    if let Some(path) = upgrade.filter(|_| !placeholder) {
        untimed.push((path, "status.jobStatus.upgradeSavepointPath".into()));
    }
    let initial = text("/spec/job/initialSavepointPath");
    timed.sort_by_key(|(t, _, _)| *t);

    let mut chosen = match timed.last() {
        Some((at, location, what)) => {
            Chosen::plain(location, format!("from its {what} ({at}) (--from-status)"))
        }
        None => match untimed.first() {
            Some((location, what)) => {
                Chosen::plain(location, format!("from its {what} (--from-status)"))
            }
            None => {
                let why = if placeholder {
                    "its status.jobStatus.upgradeSavepointPath is the operator's placeholder \
                     KUBERNETES_OPERATOR_LAST_STATE (a last-state upgrade: the state is in the last \
                     checkpoint, not in a savepoint) and it records no savepoint"
                } else {
                    "its status has neither jobStatus.upgradeSavepointPath nor a savepoint in \
                     jobStatus.savepointInfo"
                };
                return Err(format!(
                    "--from-status: {why}; take a savepoint (`flink-backup backup`), or give \
                     --savepoint-path"
                ));
            }
        },
    };
    for (path, what) in &untimed {
        let known_older = timed.iter().any(|(_, l, _)| l == path);
        if *path == chosen.path || known_older {
            continue;
        }
        if !timed.is_empty() && Some(*path) == initial {
            chosen.warnings.push(format!(
                "its {what} {path:?} is the initialSavepointPath it was first deployed from, \
                 older than the savepoint used"
            ));
            continue;
        }
        return Err(format!(
            "--from-status: its status names two savepoints and nothing tells which is newer: \
             {:?} ({}) and {path:?} ({what}, no time recorded); choose one with --savepoint-path",
            chosen.path,
            chosen
                .how
                .trim_start_matches("from its ")
                .trim_end_matches(" (--from-status)")
        ));
    }
    if let Some(why) = savepoint_path::problem(&chosen.path) {
        return Err(format!(
            "--from-status: its status records the location {why}; give --savepoint-path"
        ));
    }
    Ok(chosen)
}

fn names(snapshots: &[&Snapshot], one: &str, many: &str) -> String {
    let quoted: Vec<String> = snapshots
        .iter()
        .map(|s| format!("{:?}", s.name()))
        .collect();
    if snapshots.len() > 1 {
        format!("{} are {many}", quoted.join(", "))
    } else {
        format!("{} is {one}", quoted.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kind::Kind;
    use serde_json::json;

    fn deployment(status: Value, initial: Option<&str>) -> Value {
        let mut job = json!({"jarURI": "local:///j.jar"});
        if let Some(initial) = initial {
            job["initialSavepointPath"] = json!(initial);
        }
        json!({"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
               "metadata": {"name": "app"}, "spec": {"job": job}, "status": {"jobStatus": status}})
    }

    fn from(value: &Value) -> Result<Chosen, String> {
        let resource = Resource {
            kind: Kind::FlinkDeployment,
            value,
            origin: None,
        };
        let options = SourceOptions {
            from_status: true,
            ..SourceOptions::default()
        };
        choose(&resource, &[], &options)
    }

    fn savepoint(location: &str, millis: i64) -> Value {
        json!({"location": location, "timeStamp": millis, "triggerType": "MANUAL"})
    }

    #[test]
    fn the_last_state_placeholder_is_never_a_location() {
        let only = deployment(
            json!({"upgradeSavepointPath": "KUBERNETES_OPERATOR_LAST_STATE"}),
            None,
        );
        assert!(from(&only).unwrap_err().contains("placeholder"));
        let with_savepoint = deployment(
            json!({"upgradeSavepointPath": "KUBERNETES_OPERATOR_LAST_STATE",
                   "savepointInfo": {"lastSavepoint": savepoint("s3://b/sp-2", 2000)}}),
            None,
        );
        assert_eq!(from(&with_savepoint).unwrap().path, "s3://b/sp-2");
    }

    #[test]
    fn the_newest_timed_savepoint_wins_over_a_stale_upgrade_path() {
        // upgradeSavepointPath still holds the initialSavepointPath copied at first deployment.
        let stale = deployment(
            json!({"upgradeSavepointPath": "s3://b/sp-0",
                   "savepointInfo": {"lastSavepoint": savepoint("s3://b/sp-2", 2000),
                                     "savepointHistory": [savepoint("s3://b/sp-1", 1000), savepoint("s3://b/sp-2", 2000)]}}),
            Some("s3://b/sp-0"),
        );
        let chosen = from(&stale).unwrap();
        assert_eq!(chosen.path, "s3://b/sp-2");
        assert!(chosen.warnings[0].contains("first deployed from"));
        // An upgrade path the history records as older loses to the newest.
        let older = deployment(
            json!({"upgradeSavepointPath": "s3://b/sp-1",
                   "savepointInfo": {"savepointHistory": [savepoint("s3://b/sp-3", 3000), savepoint("s3://b/sp-1", 1000)]}}),
            None,
        );
        assert_eq!(from(&older).unwrap().path, "s3://b/sp-3");
    }

    #[test]
    fn sources_that_disagree_with_nothing_to_decide_are_refused_with_both_paths() {
        let disagree = deployment(
            json!({"upgradeSavepointPath": "s3://b/upgrade-9",
                   "savepointInfo": {"lastSavepoint": savepoint("s3://b/sp-2", 2000)}}),
            None,
        );
        let why = from(&disagree).unwrap_err();
        assert!(
            why.contains("s3://b/upgrade-9") && why.contains("s3://b/sp-2"),
            "{why}"
        );
        assert!(why.contains("--savepoint-path"), "{why}");
        let untimed = deployment(json!({"upgradeSavepointPath": "s3://b/upgrade-9"}), None);
        assert_eq!(from(&untimed).unwrap().path, "s3://b/upgrade-9");
    }
}
