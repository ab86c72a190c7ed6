//! Seed step 1: only a running job with a ready JobManager can take a savepoint; a blue/green
//! deployment's is its active child's, and none while a transition is under way.

use crate::pointer::Lookup;
use serde_json::Value;

use crate::model::blue_green::{self, Colour, State};
use crate::model::kind::Kind;
use crate::model::resource::Resource;

fn text<'a>(resource: &Resource<'a>, pointer: &str) -> Option<&'a str> {
    resource.value.at(pointer).and_then(Value::as_str)
}

/// Why `target` (with its session cluster, for a session job) cannot be backed up now.
pub fn not_ready(target: &Resource<'_>, cluster: Option<&Resource<'_>>) -> Option<String> {
    if target.status().is_none() {
        let command = match target.kind {
            Kind::FlinkSessionJob => "flinksessionjob",
            _ => "flinkdeployment",
        };
        let ns = target
            .namespace()
            .map(|n| format!(" -n {n}"))
            .unwrap_or_default();
        return Some(format!(
            "has no status: this looks like a manifest from git, not a saved live resource. \
             Save the live one with `kubectl get {command} {}{ns} -o yaml` and back up from that",
            target.name().unwrap_or("NAME")
        ));
    }
    let job_state = text(target, "/status/jobStatus/state");
    let jm_status = match target.kind {
        Kind::FlinkSessionJob => {
            cluster.map(|c| (c, text(c, "/status/jobManagerDeploymentStatus")))
        }
        _ => Some((target, text(target, "/status/jobManagerDeploymentStatus"))),
    };
    let mut problems = Vec::new();
    if let Some((owner, status)) = jm_status {
        if status != Some("READY") {
            let whose = if owner.kind == target.kind && owner.name() == target.name() {
                String::new()
            } else {
                format!(" of its session cluster {}", owner.describe())
            };
            problems.push(format!(
                "status.jobManagerDeploymentStatus{whose} is {}, not READY",
                status.unwrap_or("missing")
            ));
        }
    }
    if job_state != Some("RUNNING") {
        problems.push(format!(
            "status.jobStatus.state is {}, not RUNNING",
            job_state.unwrap_or("missing")
        ));
    }
    if problems.is_empty() {
        None
    } else {
        Some(format!(
            "{}; a savepoint needs a running job. Wait until it is running (or use --force)",
            problems.join(" and ")
        ))
    }
}

/// Which child of the blue/green deployment `bg` runs its job, and may be snapshotted now; or why
/// not. `child` finds a child in the input by name. With `force`, only a transition (when which
/// child will keep running is not settled) stops it.
pub fn active_child<'a>(
    bg: &Resource<'_>,
    child: impl Fn(&str) -> Option<Resource<'a>>,
    force: bool,
) -> Result<(String, Option<String>), String> {
    let name = bg.name().ok_or("has no metadata.name")?;
    let ns = bg
        .namespace()
        .map(|n| format!(" -n {n}"))
        .unwrap_or_default();
    if bg.status().is_none() {
        return Err(format!(
            "has no status: this looks like a manifest from git, not a saved live resource. Save \
             the live one with `kubectl get flinkbluegreendeployment {name}{ns} -o yaml` and back \
             up from that"
        ));
    }
    let wait = "wait until status.blueGreenState is ACTIVE_BLUE or ACTIVE_GREEN, save it again \
                and back up then";
    let colour = match State::of(bg.value) {
        None => {
            return Err(format!(
                "has no status.blueGreenState, so which child runs the job cannot be told; {wait}"
            ));
        }
        Some(Err(text)) => {
            return Err(format!(
                "status.blueGreenState is {text:?}, which the 1.14 and 1.15 controllers do not \
                 write; {wait}"
            ));
        }
        Some(Ok(State::Active(colour))) => colour,
        Some(Ok(State::InitializingBlue)) if force => Colour::Blue,
        Some(Ok(State::Savepointing(colour))) if force => colour,
        Some(Ok(State::InitializingBlue)) => {
            return Err(format!(
                "its first deployment is still starting (INITIALIZING_BLUE); {wait}"
            ));
        }
        Some(Ok(State::Savepointing(colour))) => {
            return Err(format!(
                "the controller is taking a savepoint of the {} child before a transition \
                 (SAVEPOINTING_{colour}); {wait}",
                colour.label().to_ascii_lowercase()
            ));
        }
        Some(Ok(State::TransitioningTo(colour))) => {
            return Err(format!(
                "a transition to the {} child is under way (TRANSITIONING_TO_{colour}), so which \
                 child keeps the job is not settled; {wait}",
                colour.label().to_ascii_lowercase()
            ));
        }
    };
    let child_name = blue_green::child_name(name, colour);
    if force {
        return Ok((child_name, None));
    }
    match child(&child_name) {
        Some(found) => match not_ready(&found, None) {
            Some(why) => Err(format!("its active child {}: {why}", found.describe())),
            None => Ok((child_name, None)),
        },
        None => {
            let state = text(bg, "/status/jobStatus/state");
            if state != Some("RUNNING") {
                return Err(format!(
                    "status.jobStatus.state is {}, not RUNNING; a savepoint needs a running job. \
                     Wait until it is running (or use --force)",
                    state.unwrap_or("missing")
                ));
            }
            let note = format!(
                "its active child {child_name} is not in the input: the job was judged running \
                 by the FlinkBlueGreenDeployment's status (ACTIVE_{colour}, job RUNNING); add \
                 `kubectl get flinkdeployment {child_name}{ns} -o yaml` to check its JobManager too"
            );
            Ok((child_name, Some(note)))
        }
    }
}
