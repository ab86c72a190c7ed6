//! Every rule id, its default severity and what it catches: the JSON contract's `rule` values.

use crate::finding::Severity;

pub const YAML: &str = "yaml";
pub const SCHEMA: &str = super::schema::RULE;
pub const UNKNOWN_FIELD: &str = super::unknown_fields::RULE;
pub const DUPLICATE_KEY: &str = "duplicate-key";
pub const API_VERSION: &str = "api-version";
pub use super::operator_rules::{
    JAR_URI_INVALID, NAME_INVALID, PARALLELISM_INVALID, REDEPLOY_NEEDS_INITIAL_SAVEPOINT_PATH,
    REPLICAS_INVALID, SAVEPOINT_DIR_NEEDED, SESSION_JOB_DEPLOYMENT_MISSING,
    SESSION_JOB_ON_APPLICATION_CLUSTER, SNAPSHOT_JOB_REFERENCE_MISSING, SNAPSHOT_KIND_AMBIGUOUS,
    SNAPSHOT_PATH_MISSING, STANDBY_NEEDS_HA, UPGRADE_MODE_NEEDS_CHECKPOINT_DIR,
    UPGRADE_MODE_NEEDS_SAVEPOINT_DIR,
};
pub use super::prerequisites::{
    CHECKPOINT_DIR_MISSING, HA_STORAGE_DIR_MISSING, SAVEPOINT_DIR_MISSING,
    STATE_DIR_NOT_PERSISTENT, STATE_DIRS_OVERLAP,
};

pub struct RuleInfo {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

pub const ALL: &[RuleInfo] = &[
    RuleInfo {
        id: YAML,
        severity: Severity::Error,
        summary: "The document is not YAML that kubectl can read.",
    },
    RuleInfo {
        id: SCHEMA,
        severity: Severity::Error,
        summary: "The document violates the operator's CRD schema for the chosen release.",
    },
    RuleInfo {
        id: UNKNOWN_FIELD,
        severity: Severity::Warning,
        summary: "A field the schema does not declare; the API server prunes it silently (an error with --strict).",
    },
    RuleInfo {
        id: DUPLICATE_KEY,
        severity: Severity::Error,
        summary: "A mapping has the same key twice; kubectl's strict decoding rejects it.",
    },
    RuleInfo {
        id: API_VERSION,
        severity: Severity::Error,
        summary: "A Flink kind with an apiVersion other than flink.apache.org/v1beta1.",
    },
    RuleInfo {
        id: CHECKPOINT_DIR_MISSING,
        severity: Severity::Warning,
        summary: "No checkpoint directory is configured (an error with --backup-ready).",
    },
    RuleInfo {
        id: SAVEPOINT_DIR_MISSING,
        severity: Severity::Warning,
        summary: "No savepoint directory is configured (an error with --backup-ready).",
    },
    RuleInfo {
        id: HA_STORAGE_DIR_MISSING,
        severity: Severity::Warning,
        summary: "High availability is on but has no storage directory (an error with --backup-ready).",
    },
    RuleInfo {
        id: STATE_DIRS_OVERLAP,
        severity: Severity::Warning,
        summary: "Two of the checkpoint, savepoint and HA directories are one place, or nested (an error with --backup-ready).",
    },
    RuleInfo {
        id: STATE_DIR_NOT_PERSISTENT,
        severity: Severity::Warning,
        summary: "A local state directory is not on a persistentVolumeClaim volume of flink-main-container (an error with --backup-ready).",
    },
    RuleInfo {
        id: NAME_INVALID,
        severity: Severity::Error,
        summary: "A FlinkDeployment name (or a session job's deploymentName) the operator refuses.",
    },
    RuleInfo {
        id: UPGRADE_MODE_NEEDS_CHECKPOINT_DIR,
        severity: Severity::Error,
        summary: "upgradeMode last-state or savepoint without a checkpoint directory.",
    },
    RuleInfo {
        id: UPGRADE_MODE_NEEDS_SAVEPOINT_DIR,
        severity: Severity::Error,
        summary: "upgradeMode savepoint without a savepoint directory.",
    },
    RuleInfo {
        id: SAVEPOINT_DIR_NEEDED,
        severity: Severity::Error,
        summary: "savepointTriggerNonce or a periodic savepoint interval without a savepoint directory.",
    },
    RuleInfo {
        id: REDEPLOY_NEEDS_INITIAL_SAVEPOINT_PATH,
        severity: Severity::Error,
        summary: "savepointRedeployNonce set with an empty initialSavepointPath.",
    },
    RuleInfo {
        id: PARALLELISM_INVALID,
        severity: Severity::Error,
        summary: "Job parallelism below 1 (when taskManager.replicas is not set).",
    },
    RuleInfo {
        id: REPLICAS_INVALID,
        severity: Severity::Error,
        summary: "taskManager.replicas or jobManager.replicas below 1.",
    },
    RuleInfo {
        id: STANDBY_NEEDS_HA,
        severity: Severity::Error,
        summary: "More than one JobManager without high availability.",
    },
    RuleInfo {
        id: JAR_URI_INVALID,
        severity: Severity::Error,
        summary: "A jarURI without a scheme, or not a URI.",
    },
    RuleInfo {
        id: SNAPSHOT_KIND_AMBIGUOUS,
        severity: Severity::Error,
        summary: "A FlinkStateSnapshot without exactly one of spec.savepoint and spec.checkpoint.",
    },
    RuleInfo {
        id: SNAPSHOT_JOB_REFERENCE_MISSING,
        severity: Severity::Error,
        summary: "A FlinkStateSnapshot without spec.jobReference kind and name (unless alreadyExists).",
    },
    RuleInfo {
        id: SNAPSHOT_PATH_MISSING,
        severity: Severity::Error,
        summary: "A savepoint with alreadyExists: true but no spec.savepoint.path.",
    },
    RuleInfo {
        id: SESSION_JOB_DEPLOYMENT_MISSING,
        severity: Severity::Error,
        summary: "A FlinkSessionJob without spec.deploymentName or spec.job.",
    },
    RuleInfo {
        id: SESSION_JOB_ON_APPLICATION_CLUSTER,
        severity: Severity::Error,
        summary: "A FlinkSessionJob whose cluster in the input is an application cluster (has spec.job).",
    },
];

pub fn find(id: &str) -> Option<&'static RuleInfo> {
    ALL.iter().find(|r| r.id == id)
}
