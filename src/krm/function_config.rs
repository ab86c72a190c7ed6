//! The functionConfig kinds a KRM function run accepts: `FlinkValidate`, `FlinkBackup` and
//! `FlinkRestore`, whose `spec` fields mirror the command-line flags. Unknown fields are errors.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use clap::ValueEnum;

use crate::check::CheckOptions;
use crate::model::distribution::DistributionSetting;
use crate::model::release::Release;

pub const API_VERSION: &str = "flink-backup.krm/v1alpha1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionKind {
    Validate,
    Backup,
    Restore,
}

impl FunctionKind {
    pub fn config_kind(self) -> &'static str {
        match self {
            FunctionKind::Validate => "FlinkValidate",
            FunctionKind::Backup => "FlinkBackup",
            FunctionKind::Restore => "FlinkRestore",
        }
    }

    pub fn from_config_kind(kind: &str) -> Option<FunctionKind> {
        [
            FunctionKind::Validate,
            FunctionKind::Backup,
            FunctionKind::Restore,
        ]
        .into_iter()
        .find(|k| k.config_kind() == kind)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ValidateSpec {
    pub operator_version: Option<String>,
    pub distribution: Option<String>,
    pub strict: Option<bool>,
    pub backup_ready: Option<bool>,
    pub disable: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackupSpec {
    pub operator_version: Option<String>,
    pub distribution: Option<String>,
    pub format_type: Option<String>,
    pub path: Option<String>,
    pub backoff_limit: Option<i64>,
    pub dispose_on_delete: Option<bool>,
    pub labels: Option<BTreeMap<String, String>>,
    pub checkpoint: Option<bool>,
    pub force: Option<bool>,
    pub name: Option<String>,
    pub generate_name: Option<bool>,
    pub trigger_nonce: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RestoreSpec {
    pub operator_version: Option<String>,
    pub distribution: Option<String>,
    pub savepoint_path: Option<String>,
    pub snapshot: Option<String>,
    pub from_status: Option<bool>,
    pub allow_checkpoint: Option<bool>,
    pub allow_non_restored_state: Option<bool>,
    pub redeploy: Option<bool>,
    pub namespace: Option<String>,
    pub relocate: Option<Vec<String>>,
    pub no_claim: Option<bool>,
    pub allow_claim: Option<bool>,
    pub allow_unreachable_savepoint: Option<bool>,
    pub allow_ha_metadata: Option<bool>,
}

/// The whole functionConfig object: only `spec` is ours; metadata is kustomize's.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Envelope {
    #[allow(dead_code)]
    api_version: String,
    #[allow(dead_code)]
    kind: String,
    #[serde(default)]
    #[allow(dead_code)]
    metadata: Value,
    #[serde(default)]
    spec: Value,
}

/// The `spec` of a functionConfig of `kind`, checked field by field.
pub fn spec<T: for<'de> Deserialize<'de> + Default>(config: &Value) -> Result<T, String> {
    let envelope: Envelope =
        serde_json::from_value(config.clone()).map_err(|e| format!("functionConfig: {e}"))?;
    if envelope.spec.is_null() {
        return Ok(T::default());
    }
    serde_json::from_value(envelope.spec).map_err(|e| format!("functionConfig spec: {e}"))
}

/// `operatorVersion` and `distribution`: whose operator, at which release, judges the resources.
pub fn choose_judge(
    options: &mut CheckOptions,
    version: Option<&str>,
    distribution: Option<&str>,
) -> Result<(), String> {
    if let Some(version) = version {
        options.release = version.parse::<Release>()?;
        options.release_chosen = true;
    }
    if let Some(name) = distribution {
        options.distribution = DistributionSetting::from_str(name, false)
            .map_err(|_| format!("distribution {name:?}: use auto, apache or ibm"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_fields_are_errors() {
        let config = json!({"apiVersion": API_VERSION, "kind": "FlinkRestore", "metadata": {"name": "r"},
                            "spec": {"savepointPath": "s3://x", "savepointpath": "typo"}});
        let err = spec::<RestoreSpec>(&config).unwrap_err();
        assert!(err.contains("unknown field `savepointpath`"), "{err}");
        let ok: RestoreSpec = spec(
            &json!({"apiVersion": API_VERSION, "kind": "FlinkRestore", "spec": {"redeploy": true}}),
        )
        .unwrap();
        assert_eq!(ok.redeploy, Some(true));
    }

    #[test]
    fn the_judge_is_chosen_as_on_the_command_line() {
        let mut options = CheckOptions::default();
        choose_judge(&mut options, None, None).unwrap();
        assert!(!options.release_chosen);
        assert_eq!(options.distribution, DistributionSetting::Auto);
        choose_judge(&mut options, Some("1.12.1"), Some("ibm")).unwrap();
        assert_eq!(
            (
                options.release,
                options.release_chosen,
                options.distribution
            ),
            (Release::V1_12, true, DistributionSetting::Ibm)
        );
        let err = choose_judge(&mut options, None, Some("IBM Event Processing")).unwrap_err();
        assert!(err.contains("auto, apache or ibm"), "{err}");
    }
}
