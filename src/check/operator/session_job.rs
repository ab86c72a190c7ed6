//! The webhook's checks of a FlinkSessionJob: on its own (S1 to S7), and with its session cluster
//! when the input has it (S8, S10, S11: the job's configuration over the cluster's, over the
//! operator's defaults).

use serde_json::Value;

use super::{Judge, autoscaler, deployment, jar_uri, job, status};
use crate::check::registry::Rule;
use crate::finding::Problem;
use crate::model::flink_config::FlinkConfig;
use crate::model::release::Release;
use crate::model::resource::Resource;
use crate::model::session_cluster::SessionCluster;
use crate::pointer::Lookup;

pub fn check(resource: Resource<'_>, judge: &Judge<'_>) -> Vec<Problem> {
    let mut out = Vec::new();
    match resource
        .value
        .at("/spec/deploymentName")
        .and_then(Value::as_str)
    {
        Some(name) => out.extend(deployment::name_problem(name, "/spec/deploymentName")),
        None => out.push(Problem::new(
            Rule::SessionJobDeploymentMissing,
            "/spec",
            "the operator's webhook fails on a FlinkSessionJob without spec.deploymentName: set \
             it to the name of the session cluster's FlinkDeployment",
        )),
    }
    let job = resource.job();
    if job.is_none() {
        out.push(Problem::new(
            Rule::SessionJobJobMissing,
            "/spec",
            "the operator refuses it: The job spec should not be empty: set spec.job (jarURI, \
             parallelism, upgradeMode)",
        ));
    }
    status::session_job(resource.value, &mut out);
    let jar = job.and_then(|j| j.get("jarURI")).and_then(Value::as_str);
    if let Some(uri) = jar {
        if judge.release >= Release::V1_15 {
            jar_uri::check(uri, judge.operator, &mut out);
        }
    }
    out
}

/// S8, S10 and S11: what the job must pass with the configuration it inherits from `cluster`.
pub fn check_with_cluster(
    job: Resource<'_>,
    cluster: &SessionCluster,
    judge: &Judge<'_>,
) -> Vec<Problem> {
    if cluster.has_job {
        return vec![Problem::new(
            Rule::SessionJobOnApplicationCluster,
            "/spec/deploymentName",
            format!(
                "the operator refuses it: Can not submit session job to application cluster: {} \
                 has spec.job; session jobs run only on a session cluster, a FlinkDeployment \
                 without spec.job",
                cluster.describe()
            ),
        )];
    }
    let config = cluster
        .config
        .overlaid_by(FlinkConfig::of(job.value), "/spec/deploymentName")
        .read_by(judge.release.flink_line());
    let mut out = Vec::new();
    if let Some(job_spec) = job.job() {
        let whose = format!(
            " of the session cluster {} or of this job",
            cluster.describe()
        );
        job::check(job_spec, "/spec/job", None, &config, &whose, &mut out);
    }
    out.extend(autoscaler::check(&config, judge, "/spec"));
    out
}
