//! The `operator` family: what the operator's admission webhook refuses, read from its validator
//! at each release tag (`DefaultValidator`, `AutoscalerValidator`), and decided offline with the
//! same meaning. One file per kind; `job`, `autoscaler`, `jar_uri` and `status` hold what the
//! kinds share.

mod autoscaler;
mod blue_green;
mod deployment;
pub mod jar_uri;
mod job;
mod session_job;
mod snapshot;
mod status;

use crate::finding::Problem;
use crate::model::distribution::Distribution;
use crate::model::flink_config::FlinkConfig;
use crate::model::kind::Kind;
use crate::model::operator_config::OperatorConfig;
use crate::model::release::Release;
use crate::model::resource::Resource;
use crate::model::session_cluster::SessionCluster;
use deployment::DeploymentSpec;
pub use status::last_reconciled_spec;

/// Whose operator judges, at which release, with which configuration.
#[derive(Debug, Clone, Copy)]
pub struct Judge<'a> {
    pub release: Release,
    pub distribution: Distribution,
    pub operator: &'a OperatorConfig,
}

/// Every webhook condition that needs nothing but the resource itself. `effective` is the
/// configuration of a FlinkDeployment's spec (a blue/green deployment's template), the operator's
/// defaults under its own, computed once by the caller for every family that reads it; computed
/// here when not given.
pub fn check(
    resource: Resource<'_>,
    judge: &Judge<'_>,
    effective: Option<&mut FlinkConfig>,
) -> Vec<Problem> {
    let mut computed = None;
    let effective = || -> &mut FlinkConfig {
        let at = match resource.kind {
            Kind::FlinkBlueGreenDeployment => crate::model::blue_green::TEMPLATE_SPEC,
            _ => "/spec",
        };
        match effective {
            Some(config) => config,
            None => computed.insert(judge.operator.effective_for_spec(
                resource.namespace(),
                crate::pointer::Lookup::at(resource.value, at).unwrap_or(&serde_json::Value::Null),
                at,
            )),
        }
    };
    match resource.kind {
        Kind::FlinkDeployment => {
            let config = effective().reread_by(judge.release.flink_line());
            let d = DeploymentSpec {
                spec: resource.spec(),
                at: "/spec",
                name: resource.name().map(str::to_owned),
                name_at: "/metadata/name",
                namespace: resource.namespace(),
            };
            let mut out = deployment::check(&d, config, judge);
            status::deployment(resource.value, &mut out);
            out
        }
        Kind::FlinkSessionJob => session_job::check(resource, judge),
        Kind::FlinkStateSnapshot => snapshot::check(resource),
        Kind::FlinkBlueGreenDeployment => {
            let config = effective().reread_by(judge.release.flink_line());
            blue_green::check(resource, judge, config)
        }
    }
}

/// What a session job must pass with the configuration it inherits from its session cluster.
pub fn check_with_cluster(
    job: Resource<'_>,
    cluster: &SessionCluster,
    judge: &Judge<'_>,
) -> Vec<Problem> {
    session_job::check_with_cluster(job, cluster, judge)
}
