//! The custom resource kinds of the Flink Kubernetes Operator.

use std::fmt;

pub const API_VERSION: &str = "flink.apache.org/v1beta1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    FlinkDeployment,
    FlinkSessionJob,
    FlinkStateSnapshot,
    /// From operator 1.14: a FlinkDeployment spec in `spec.template`, run by blue and green
    /// child FlinkDeployments in turn.
    FlinkBlueGreenDeployment,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::FlinkDeployment,
        Kind::FlinkSessionJob,
        Kind::FlinkStateSnapshot,
        Kind::FlinkBlueGreenDeployment,
    ];

    pub fn from_name(kind: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == kind)
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::FlinkDeployment => "FlinkDeployment",
            Kind::FlinkSessionJob => "FlinkSessionJob",
            Kind::FlinkStateSnapshot => "FlinkStateSnapshot",
            Kind::FlinkBlueGreenDeployment => "FlinkBlueGreenDeployment",
        }
    }

    pub fn plural(self) -> &'static str {
        match self {
            Kind::FlinkDeployment => "flinkdeployments",
            Kind::FlinkSessionJob => "flinksessionjobs",
            Kind::FlinkStateSnapshot => "flinkstatesnapshots",
            Kind::FlinkBlueGreenDeployment => "flinkbluegreendeployments",
        }
    }

    /// The file stem under `schemas/<release>/`.
    pub fn file_stem(self) -> &'static str {
        match self {
            Kind::FlinkDeployment => "flinkdeployment",
            Kind::FlinkSessionJob => "flinksessionjob",
            Kind::FlinkStateSnapshot => "flinkstatesnapshot",
            Kind::FlinkBlueGreenDeployment => "flinkbluegreendeployment",
        }
    }

    /// The CRD's `shortNames`, as kubectl accepts them.
    pub fn short_name(self) -> &'static str {
        match self {
            Kind::FlinkDeployment => "flinkdep",
            Kind::FlinkSessionJob => "sessionjob",
            Kind::FlinkStateSnapshot => "flinksnp",
            Kind::FlinkBlueGreenDeployment => "flinkbgdep",
        }
    }

    /// Accepts the kind, its lower-case, plural or short name, as kubectl does.
    pub fn parse_loose(s: &str) -> Option<Kind> {
        let lower = s.to_ascii_lowercase();
        Kind::ALL
            .into_iter()
            .find(|k| lower == k.file_stem() || lower == k.plural() || lower == k.short_name())
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_every_name_kubectl_takes() {
        for (text, kind) in [
            ("FlinkDeployment", Kind::FlinkDeployment),
            ("flinkdeployments", Kind::FlinkDeployment),
            ("flinkdep", Kind::FlinkDeployment),
            ("sessionjob", Kind::FlinkSessionJob),
            ("FlinkSessionJobs", Kind::FlinkSessionJob),
            ("flinksnp", Kind::FlinkStateSnapshot),
            ("flinkbgdep", Kind::FlinkBlueGreenDeployment),
        ] {
            assert_eq!(Kind::parse_loose(text), Some(kind), "{text}");
        }
        assert_eq!(Kind::parse_loose("deployment"), None);
    }
}
