//! What a FlinkSessionJob inherits from the session cluster it runs on, kept small so a run over
//! many files can remember every cluster it has seen.

use std::collections::HashMap;
use std::ops::Range;

use crate::model::distribution::marked_ibm;
use crate::model::flink_config::{FlinkConfig, FlinkLine};
use crate::model::kind::Kind;
use crate::model::operator_config::OperatorConfig;
use crate::model::resource::Resource;
use crate::model::storage::Storage;
use crate::packed::Packed;
use crate::pointer::Lookup;

#[derive(Debug, Clone, PartialEq)]
pub struct SessionCluster {
    pub name: String,
    pub namespace: Option<String>,
    /// An application cluster (`spec.job`) cannot take session jobs.
    pub has_job: bool,
    /// The operator's defaults under the cluster's own configuration, read by the cluster's Flink.
    pub config: FlinkConfig,
    pub storage: Storage,
    /// The cluster carries IBM's licence keys: its jobs are judged as IBM's operator judges.
    pub ibm: bool,
}

/// Every cluster seen, by name: a session job finds its own without looking at the others.
#[derive(Debug, Default)]
pub struct SessionClusters {
    by_name: HashMap<String, Vec<SessionCluster>>,
}

impl SessionClusters {
    pub fn add(&mut self, cluster: SessionCluster) {
        self.by_name
            .entry(cluster.name.clone())
            .or_default()
            .push(cluster);
    }

    /// The cluster `job` runs on, when it was seen.
    pub fn of(&self, job: &Resource<'_>) -> Option<&SessionCluster> {
        let name = job
            .value
            .at("/spec/deploymentName")
            .and_then(serde_json::Value::as_str)?;
        self.by_name.get(name)?.iter().find(|c| c.serves(job))
    }
}

impl Extend<SessionCluster> for SessionClusters {
    fn extend<I: IntoIterator<Item = SessionCluster>>(&mut self, clusters: I) {
        for cluster in clusters {
            self.add(cluster);
        }
    }
}

/// Application clusters (`spec.job`) met in a run over many files, for the session job pointed at
/// one by mistake: their names, in one buffer. A few small strings kept per deployment would
/// outlive the document read around them and pin its memory (14 MB of 37 over 10,000 documents).
#[derive(Debug, Default)]
pub struct ApplicationClusters {
    names: Packed,
    entries: Vec<ApplicationCluster>,
}

#[derive(Debug)]
struct ApplicationCluster {
    namespace: Option<Range<usize>>,
    name: Range<usize>,
    ibm: bool,
}

impl ApplicationClusters {
    /// Records `resource` when it is an application cluster with a name; says whether it did.
    pub fn record(&mut self, resource: Resource<'_>) -> bool {
        if resource.kind != Kind::FlinkDeployment || resource.job().is_none() {
            return false;
        }
        let Some(name) = resource.name() else {
            return true;
        };
        let namespace = resource.namespace().map(|ns| self.names.push(ns));
        let name = self.names.push(name);
        self.entries.push(ApplicationCluster {
            namespace,
            name,
            ibm: marked_ibm(resource.spec()),
        });
        true
    }

    /// The clusters, as `SessionCluster::of` describes an application cluster.
    pub fn into_clusters(self) -> impl Iterator<Item = SessionCluster> {
        let names = self.names;
        self.entries.into_iter().map(move |entry| SessionCluster {
            name: names.get(entry.name).to_owned(),
            namespace: entry.namespace.map(|range| names.get(range).to_owned()),
            has_job: true,
            config: FlinkConfig::default(),
            storage: Storage::default(),
            ibm: entry.ibm,
        })
    }
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
            let version = resource
                .value
                .at("/spec/flinkVersion")
                .and_then(serde_json::Value::as_str);
            (
                operator
                    .effective(resource.value)
                    .read_by(FlinkLine::of_version(version)),
                Storage::of(resource.value),
            )
        };
        Some(SessionCluster {
            name: resource.name()?.to_owned(),
            namespace: resource.namespace().map(str::to_owned),
            has_job,
            config,
            storage,
            ibm: marked_ibm(resource.spec()),
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
