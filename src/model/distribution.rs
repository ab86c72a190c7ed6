//! Whose operator judges a resource: the Apache Flink Kubernetes Operator, or IBM's distribution
//! of it (the IBM Operator for Apache Flink, which IBM Event Processing ships).
//!
//! IBM's documentation for Event Processing 1.0, 1.1, 1.2, 1.3, 1.4 and 1.5 links the Apache
//! operator documentation of releases 1.6, 1.7, 1.9, 1.11, 1.13 and 1.13: its newest operator
//! follows Apache 1.13. IBM's samples leave out `flinkVersion` and `image`, which its operator
//! fills in; they carry IBM's licence keys (`license.use`, `license.accept`) in
//! `flinkConfiguration`, which is how a resource shows it is IBM's.

use serde_json::Value;

use crate::model::release::Release;
use crate::pointer::Lookup;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Distribution {
    Apache,
    Ibm,
}

/// The IBM operator release the newest IBM Event Processing (1.4, 1.5) ships.
pub const IBM_RELEASE: Release = Release::V1_13;

/// IBM's licence keys, which only IBM's manifests set.
const IBM_KEYS: [&str; 2] = ["license.use", "license.accept"];

/// How the distribution is chosen: from each resource, or for all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DistributionSetting {
    /// IBM's for resources with IBM's licence keys (and session jobs on such clusters), Apache's
    /// otherwise
    #[default]
    Auto,
    /// The Apache Flink Kubernetes Operator for every resource
    Apache,
    /// IBM's operator for every resource
    Ibm,
}

impl DistributionSetting {
    pub fn name(self) -> &'static str {
        match self {
            DistributionSetting::Auto => "auto",
            DistributionSetting::Apache => "apache",
            DistributionSetting::Ibm => "ibm",
        }
    }

    /// The distribution for a FlinkDeployment or blue/green spec (`spec`), or, for a session job,
    /// the one of its cluster (`cluster`, when known).
    pub fn resolve(self, marked_ibm: bool) -> Distribution {
        match self {
            DistributionSetting::Apache => Distribution::Apache,
            DistributionSetting::Ibm => Distribution::Ibm,
            DistributionSetting::Auto if marked_ibm => Distribution::Ibm,
            DistributionSetting::Auto => Distribution::Apache,
        }
    }
}

/// Whether a FlinkDeployment spec carries IBM's licence keys.
pub fn marked_ibm(spec: Option<&Value>) -> bool {
    let Some(conf) = spec.and_then(|s| s.field("flinkConfiguration")) else {
        return false;
    };
    IBM_KEYS.iter().any(|key| {
        conf.get(*key).is_some()
            || key
                .split_once('.')
                .is_some_and(|(head, tail)| conf.get(head).and_then(|h| h.get(tail)).is_some())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ibm_manifests_carry_the_licence_keys_flat_or_nested() {
        assert!(marked_ibm(Some(
            &json!({"flinkConfiguration": {"license.use": "EventAutomationProduction"}})
        )));
        assert!(marked_ibm(Some(
            &json!({"flinkConfiguration": {"license": {"accept": "true"}}})
        )));
        assert!(!marked_ibm(Some(
            &json!({"flinkConfiguration": {"state.savepoints.dir": "s3://b"}})
        )));
        assert!(!marked_ibm(None));
        assert_eq!(DistributionSetting::Auto.resolve(true), Distribution::Ibm);
        assert_eq!(
            DistributionSetting::Apache.resolve(true),
            Distribution::Apache
        );
    }
}
