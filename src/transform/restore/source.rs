//! Where each target's savepoint comes from: the explicit flag, a paired snapshot, or (only when
//! asked) the target's own status.

use crate::model::kind::Kind;
use crate::model::resource::Resource;
use crate::model::snapshot::Snapshot;
use crate::pointer::Lookup;

#[derive(Debug, Clone, Default)]
pub struct SourceOptions {
    pub savepoint_path: Option<String>,
    pub snapshot: Option<String>,
    pub from_status: bool,
    pub allow_checkpoint: bool,
}

/// A savepoint location and how it was found, for the note on stderr.
#[derive(Debug, Clone, PartialEq)]
pub struct Chosen {
    pub path: String,
    pub how: String,
}

/// Whether `snapshot` is a snapshot of `target`: by kind, name, and namespace where both have one.
pub fn pairs_with(snapshot: &Snapshot<'_>, target: &Resource<'_>) -> bool {
    let Some((kind, name)) = snapshot.job_reference() else {
        return false;
    };
    let namespaces_agree = match (snapshot.0.namespace(), target.namespace()) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    kind == target.kind.name() && Some(name) == target.name() && namespaces_agree
}

pub fn choose(
    target: &Resource<'_>,
    snapshots: &[Snapshot<'_>],
    options: &SourceOptions,
) -> Result<Chosen, String> {
    if let Some(path) = &options.savepoint_path {
        return Ok(Chosen {
            path: path.clone(),
            how: "from --savepoint-path".into(),
        });
    }
    let mine: Vec<&Snapshot<'_>> = snapshots
        .iter()
        .filter(|s| pairs_with(s, target))
        .filter(|s| options.snapshot.as_deref().is_none_or(|n| s.name() == n))
        .collect();
    if mine.is_empty() {
        if options.from_status {
            return from_status(target);
        }
        let wanted = options
            .snapshot
            .as_ref()
            .map(|n| format!("no FlinkStateSnapshot named {n:?} refers to it"))
            .unwrap_or_else(|| "no FlinkStateSnapshot in the input refers to it".into());
        return Err(format!(
            "{wanted} (by spec.jobReference kind {} and name {:?}); add the saved snapshot \
             (`kubectl get flinkstatesnapshot NAME -o yaml`), give --savepoint-path, or use \
             --from-status to take the path the operator recorded in the deployment's status",
            target.kind,
            target.name().unwrap_or("")
        ));
    }
    let usable: Vec<&Snapshot<'_>> = mine
        .iter()
        .copied()
        .filter(|s| options.allow_checkpoint || !s.is_checkpoint())
        .collect();
    if usable.is_empty() {
        return Err(format!(
            "its only snapshot{} {}; Flink owns checkpoint data and may delete it at any time. \
             Take a savepoint, or pass --allow-checkpoint to restore from it anyway",
            if mine.len() > 1 { "s" } else { "" },
            names(&mine)
        ));
    }
    let completed: Vec<&Snapshot<'_>> = usable
        .iter()
        .copied()
        .filter(|s| s.state() == Some("COMPLETED"))
        .collect();
    let candidates = if completed.is_empty() {
        &usable
    } else {
        &completed
    };
    let newest = candidates
        .iter()
        .copied()
        .max_by(|a, b| a.result_timestamp().cmp(&b.result_timestamp()))
        .expect("candidates is not empty");
    let path = newest
        .location()
        .map_err(|why| format!("snapshot {:?} {why}", newest.name()))?;
    let how = if candidates.len() > 1 {
        format!(
            "from snapshot {:?}, the newest COMPLETED of {} (status.resultTimestamp {})",
            newest.name(),
            candidates.len(),
            newest.result_timestamp().unwrap_or("?")
        )
    } else {
        format!("from snapshot {:?}", newest.name())
    };
    Ok(Chosen {
        path: path.to_owned(),
        how,
    })
}

fn from_status(target: &Resource<'_>) -> Result<Chosen, String> {
    let status = |p: &str| {
        target
            .value
            .at(p)
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty())
    };
    if let Some(path) = status("/status/jobStatus/upgradeSavepointPath") {
        return Ok(Chosen {
            path: path.into(),
            how: "from its status.jobStatus.upgradeSavepointPath (--from-status)".into(),
        });
    }
    if let Some(path) = status("/status/jobStatus/savepointInfo/lastSavepoint/location") {
        return Ok(Chosen {
            path: path.into(),
            how: "from its status.jobStatus.savepointInfo.lastSavepoint.location (--from-status)"
                .into(),
        });
    }
    Err(
        "--from-status: its status has neither jobStatus.upgradeSavepointPath nor \
         jobStatus.savepointInfo.lastSavepoint.location; save the live resource \
         (`kubectl get ... -o yaml`) after a savepoint has been taken"
            .into(),
    )
}

fn names(snapshots: &[&Snapshot<'_>]) -> String {
    let quoted: Vec<String> = snapshots
        .iter()
        .map(|s| format!("{:?}", s.name()))
        .collect();
    if snapshots.len() > 1 {
        format!("{} are checkpoints", quoted.join(", "))
    } else {
        format!("{} is a checkpoint", quoted.join(", "))
    }
}

/// Targets a snapshot can refer to.
pub fn is_target(resource: &Resource<'_>) -> bool {
    match resource.kind {
        Kind::FlinkDeployment => resource.job().is_some(),
        Kind::FlinkSessionJob => true,
        Kind::FlinkStateSnapshot => false,
    }
}
