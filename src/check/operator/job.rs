//! D11 to D17, and S10: the webhook's checks of `spec.job` against the effective configuration,
//! shared by FlinkDeployments (with their TaskManager replicas) and session jobs (without).

use serde_json::Value;

use crate::check::registry::Rule;
use crate::finding::Problem;
use crate::model::flink_config::{FlinkConfig, FlinkOption};

const PERIODIC_SAVEPOINT_INTERVAL: &str = "kubernetes.operator.periodic.savepoint.interval";
const MAX_CHECKPOINT_AGE: &str =
    "kubernetes.operator.job.upgrade.last-state.max.allowed.checkpoint.age";

/// `job` at pointer `at`; `tm_replicas` is the FlinkDeployment's `taskManager.replicas` as
/// written (a session job has none); `whose` names where the configuration came from, for a
/// session job's messages.
pub fn check(
    job: &Value,
    at: &str,
    tm_replicas: Option<(&Value, String)>,
    config: &FlinkConfig,
    whose: &str,
    out: &mut Vec<Problem>,
) {
    let field = |name: &str| job.get(name).filter(|v| !v.is_null());
    let mode = field("upgradeMode")
        .and_then(Value::as_str)
        .unwrap_or("stateless");
    let pointer = |name: &str| format!("{at}/{name}");
    let checkpoint_dir = config.resolve(FlinkOption::CheckpointDir).is_some();
    let savepoint_dir = config.resolve(FlinkOption::SavepointDir).is_some();
    let set = |option: FlinkOption| {
        format!(
            "set {} in flinkConfiguration{whose}",
            describe(option, config)
        )
    };
    if mode != "stateless" && !checkpoint_dir {
        out.push(Problem::new(
            Rule::UpgradeModeNeedsCheckpointDir,
            pointer("upgradeMode"),
            format!(
                "the operator refuses upgradeMode {mode} without a checkpoint directory: {}",
                set(FlinkOption::CheckpointDir)
            ),
        ));
    }
    if !savepoint_dir {
        let needs = |why: String| {
            format!(
                "the operator refuses {why} without a savepoint directory: {}",
                set(FlinkOption::SavepointDir)
            )
        };
        // The validator names only the first of these, and so does this check.
        if mode == "savepoint" {
            out.push(Problem::new(
                Rule::UpgradeModeNeedsSavepointDir,
                pointer("upgradeMode"),
                needs("upgradeMode savepoint".into()),
            ));
        } else if field("savepointTriggerNonce").is_some() {
            out.push(Problem::new(
                Rule::SavepointDirNeeded,
                pointer("savepointTriggerNonce"),
                needs("savepointTriggerNonce".into()),
            ));
        } else if let Some(entry) = config.get(PERIODIC_SAVEPOINT_INTERVAL) {
            out.push(Problem::new(
                Rule::SavepointDirNeeded,
                entry.pointer.clone(),
                needs(format!(
                    "the key {PERIODIC_SAVEPOINT_INTERVAL} (whatever its value, {:?} included)",
                    entry.value
                )),
            ));
        } else if let Some(entry) = config.get(MAX_CHECKPOINT_AGE) {
            out.push(Problem::new(
                Rule::SavepointDirNeeded,
                entry.pointer.clone(),
                needs(MAX_CHECKPOINT_AGE.to_owned()),
            ));
        }
    }
    if let Some(p) = field("parallelism").filter(|p| !fits_java_int(p)) {
        out.push(Problem::new(
            Rule::ParallelismInvalid,
            pointer("parallelism"),
            format!(
                "the operator refuses parallelism {p}: it reads it as a 32-bit Java int, which it \
                 does not fit; set the job's real parallelism"
            ),
        ));
        return;
    }
    match tm_replicas {
        Some((replicas, replicas_at)) => {
            if replicas.as_f64().is_some_and(|r| r < 1.0) {
                out.push(Problem::new(
                    Rule::ReplicasInvalid,
                    replicas_at,
                    format!("the operator refuses taskManager.replicas {replicas}: set 1 or more"),
                ));
            }
        }
        None => {
            let parallelism = field("parallelism");
            let value = parallelism.and_then(Value::as_f64).unwrap_or(0.0);
            if value < 1.0 {
                let (pointer_to, shown) = match parallelism {
                    Some(p) => (pointer("parallelism"), format!("parallelism {p}")),
                    None => (
                        at.to_owned(),
                        "no parallelism (the operator reads it as 0)".into(),
                    ),
                };
                out.push(Problem::new(
                    Rule::ParallelismInvalid,
                    pointer_to,
                    format!(
                        "the operator refuses a job with {shown}: set spec.job.parallelism to 1 or more{}",
                        if whose.is_empty() { " (or set taskManager.replicas)" } else { "" }
                    ),
                ));
            }
        }
    }
}

/// Whether an integer the operator reads into a Java `int` fits one (the schema allows any).
pub fn fits_java_int(value: &Value) -> bool {
    value
        .as_f64()
        .is_none_or(|n| (f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&n))
}

/// The keys the configuration's Flink reads for `option`, for messages: `a (or b)`.
fn describe(option: FlinkOption, config: &FlinkConfig) -> String {
    match option.keys_for(config.line()) {
        [only] => (*only).to_owned(),
        [first, second, ..] => format!("{first} (or {second})"),
        [] => String::new(),
    }
}
