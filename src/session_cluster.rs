//! What a FlinkSessionJob inherits from the session cluster it runs on, kept small so a run over
//! many files can remember every cluster it has seen.

use crate::flink_config::FlinkConfig;
use crate::kind::Kind;
use crate::resource::Resource;
use crate::storage::Storage;

#[derive(Debug, Clone, PartialEq)]
pub struct SessionCluster {
    pub name: String,
    pub namespace: Option<String>,
    /// An application cluster (`spec.job`) cannot take session jobs.
    pub has_job: bool,
    pub config: FlinkConfig,
    pub storage: Storage,
}

impl SessionCluster {
    pub fn of(resource: Resource<'_>) -> Option<SessionCluster> {
        if resource.kind != Kind::FlinkDeployment {
            return None;
        }
        Some(SessionCluster {
            name: resource.name()?.to_owned(),
            namespace: resource.namespace().map(str::to_owned),
            has_job: resource.job().is_some(),
            config: FlinkConfig::of(resource.value),
            storage: Storage::of(resource.value),
        })
    }

    pub fn describe(&self) -> String {
        format!("FlinkDeployment/{}", self.name)
    }

    /// Whether `job` names this cluster (by `deploymentName`, in the same or an unset namespace).
    pub fn serves(&self, job: &Resource<'_>) -> bool {
        let deployment = job
            .value
            .pointer("/spec/deploymentName")
            .and_then(serde_json::Value::as_str);
        let namespaces_agree = match (self.namespace.as_deref(), job.namespace()) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        deployment == Some(self.name.as_str()) && namespaces_agree
    }
}
