//! What a FlinkSessionJob inherits from the session cluster it runs on, kept small so a run over
//! many files can remember every cluster it has seen.

use crate::model::flink_config::FlinkConfig;
use crate::model::kind::Kind;
use crate::model::operator_config::OperatorConfig;
use crate::model::resource::Resource;
use crate::model::storage::Storage;
use crate::pointer::Lookup;

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
    /// The cluster, with the configuration its session jobs inherit: the operator's defaults
    /// under its own.
    pub fn of(resource: Resource<'_>, operator: &OperatorConfig) -> Option<SessionCluster> {
        if resource.kind != Kind::FlinkDeployment {
            return None;
        }
        let has_job = resource.job().is_some();
        // An application cluster only ever tells a session job it is in the wrong place: keep no
        // more of it than its name, so a run over thousands of deployments stays small.
        let (config, storage) = if has_job {
            (FlinkConfig::default(), Storage::default())
        } else {
            (
                operator.effective(resource.value),
                Storage::of(resource.value),
            )
        };
        Some(SessionCluster {
            name: resource.name()?.to_owned(),
            namespace: resource.namespace().map(str::to_owned),
            has_job,
            config,
            storage,
        })
    }

    pub fn describe(&self) -> String {
        crate::model::resource::ResourceId::new(
            Kind::FlinkDeployment,
            self.namespace.as_deref(),
            &self.name,
        )
        .to_string()
    }

    /// Whether `job` names this cluster (by `deploymentName`, in the same or an unset namespace).
    pub fn serves(&self, job: &Resource<'_>) -> bool {
        let deployment = job
            .value
            .at("/spec/deploymentName")
            .and_then(serde_json::Value::as_str);
        let namespaces_agree = match (self.namespace.as_deref(), job.namespace()) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        deployment == Some(self.name.as_str()) && namespaces_agree
    }
}
