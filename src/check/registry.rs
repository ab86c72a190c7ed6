//! Every rule, declared once: its id, family, default severity, the operator releases and kinds it
//! applies to, the webhook conditions it stands for, and its documentation. The README's rule
//! tables, SARIF's rule metadata, `--disable`, configuration severities and the fixture test all
//! read this list.

use std::fmt;

use crate::finding::Severity;
use crate::model::kind::Kind;
use crate::model::release::Release;

/// Who would refuse what a rule catches, or why it matters: the first thing a user asks of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// kubectl cannot read the document.
    Yaml,
    /// The API server refuses or prunes it (the CRD's schema).
    Schema,
    /// The operator's admission webhook refuses it.
    Operator,
    /// The backup procedure's prerequisites.
    Backup,
    /// Ours: neither the operator nor the API server checks it, but it costs the job or its state.
    Hygiene,
    /// What would make a restored job lose its state: `restore` refuses it.
    Restore,
}

impl Family {
    pub const ALL: [Family; 6] = [
        Family::Yaml,
        Family::Schema,
        Family::Operator,
        Family::Backup,
        Family::Hygiene,
        Family::Restore,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Family::Yaml => "yaml",
            Family::Schema => "schema",
            Family::Operator => "operator",
            Family::Backup => "backup",
            Family::Hygiene => "hygiene",
            Family::Restore => "restore",
        }
    }

    pub fn parse(name: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Who refuses it, for the README and SARIF.
    pub fn who(self) -> &'static str {
        match self {
            Family::Yaml => "kubectl cannot read it",
            Family::Schema => "the API server refuses or prunes it",
            Family::Operator => "the operator's admission webhook refuses it",
            Family::Backup => "the backup procedure needs it",
            Family::Hygiene => "no one refuses it, but it costs the job or its state",
            Family::Restore => "the restored job would lose its state",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The operator releases a rule applies to, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Releases {
    pub first: Release,
    pub last: Release,
}

impl Releases {
    pub const ALL: Releases = Releases {
        first: Release::V1_10,
        last: Release::NEWEST,
    };

    pub const fn from(first: Release) -> Releases {
        Releases {
            first,
            last: Release::NEWEST,
        }
    }

    pub const fn only(release: Release) -> Releases {
        Releases {
            first: release,
            last: release,
        }
    }

    pub fn contains(self, release: Release) -> bool {
        (self.first..=self.last).contains(&release)
    }

    /// `all`, `1.15`, `1.11+`, `1.10 to 1.14`.
    pub fn describe(self) -> String {
        if self == Releases::ALL {
            "all".to_owned()
        } else if self.first == self.last {
            self.first.minor().to_owned()
        } else if self.last == Release::NEWEST {
            format!("{}+", self.first.minor())
        } else {
            format!("{} to {}", self.first.minor(), self.last.minor())
        }
    }
}

/// One rule's declaration.
#[derive(Debug)]
pub struct RuleInfo {
    pub rule: Rule,
    pub id: &'static str,
    pub family: Family,
    pub severity: Severity,
    pub releases: Releases,
    pub kinds: &'static [Kind],
    /// The webhook's refusal conditions (`D11`, `S4`, ...) this rule decides offline.
    pub conditions: &'static [&'static str],
    /// What it catches.
    pub summary: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// What to do.
    pub fix: &'static str,
}

const FD: Kind = Kind::FlinkDeployment;
const SJ: Kind = Kind::FlinkSessionJob;
const SN: Kind = Kind::FlinkStateSnapshot;
const ANY: &[Kind] = &[FD, SJ, SN];

macro_rules! rules {
    ($($variant:ident {
        id: $id:literal,
        family: $family:ident,
        severity: $severity:ident,
        releases: $releases:expr,
        kinds: $kinds:expr,
        conditions: [$($condition:literal),*],
        summary: $summary:literal,
        why: $why:literal,
        fix: $fix:literal $(,)?
    }),* $(,)?) => {
        /// A rule, by name; `Rule::info` has its declaration.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule { $($variant),* }

        /// Every rule, in the order of the README's tables.
        pub static ALL: &[RuleInfo] = &[$(RuleInfo {
            rule: Rule::$variant,
            id: $id,
            family: Family::$family,
            severity: Severity::$severity,
            releases: $releases,
            kinds: $kinds,
            conditions: &[$($condition),*],
            summary: $summary,
            why: $why,
            fix: $fix,
        }),*];
    };
}

impl Rule {
    pub fn info(self) -> &'static RuleInfo {
        &ALL[self as usize]
    }

    pub fn id(self) -> &'static str {
        self.info().id
    }

    pub fn family(self) -> Family {
        self.info().family
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl serde::Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl serde::Serialize for Family {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

pub fn find(id: &str) -> Option<&'static RuleInfo> {
    ALL.iter().find(|r| r.id == id)
}

/// A rule id or a family name, as `--disable` and the configuration file take them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Selector {
    Rule(Rule),
    Family(Family),
}

impl Selector {
    pub fn parse(text: &str) -> Result<Selector, String> {
        if let Some(info) = find(text) {
            return Ok(Selector::Rule(info.rule));
        }
        if let Some(family) = Family::parse(text) {
            return Ok(Selector::Family(family));
        }
        let families: Vec<_> = Family::ALL.iter().map(|f| f.name()).collect();
        let rules: Vec<_> = ALL.iter().map(|r| r.id).collect();
        Err(format!(
            "no rule or family {text:?}; families: {}; rules: {}",
            families.join(", "),
            rules.join(", ")
        ))
    }

    pub fn matches(self, rule: Rule) -> bool {
        match self {
            Selector::Rule(r) => r == rule,
            Selector::Family(f) => rule.family() == f,
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selector::Rule(r) => f.write_str(r.id()),
            Selector::Family(family) => f.write_str(family.name()),
        }
    }
}

rules! {
    YamlSyntax {
        id: "yaml-syntax",
        family: Yaml,
        severity: Error,
        releases: Releases::ALL,
        kinds: ANY,
        conditions: [],
        summary: "a document kubectl cannot read (syntax, invalid UTF-8, NaN, an alias bomb, nesting deeper than 256)",
        why: "the whole file is refused at apply time",
        fix: "fix the YAML at the line shown",
    },
    DuplicateKey {
        id: "duplicate-key",
        family: Yaml,
        severity: Error,
        releases: Releases::ALL,
        kinds: ANY,
        conditions: [],
        summary: "the same key twice in one mapping",
        why: "kubectl's strict decoding refuses it; most YAML tools silently keep the last",
        fix: "delete one of them",
    },
    SchemaViolation {
        id: "schema-violation",
        family: Schema,
        severity: Error,
        releases: Releases::ALL,
        kinds: ANY,
        conditions: [],
        summary: "a violation of the operator's CRD schema for the chosen release (wrong type, unknown enum value, invalid name...)",
        why: "the API server refuses the object",
        fix: "set the value the message names",
    },
    UnknownField {
        id: "unknown-field",
        family: Schema,
        severity: Warning,
        releases: Releases::ALL,
        kinds: ANY,
        conditions: [],
        summary: "a field the schema does not declare and no `x-kubernetes-preserve-unknown-fields` covers; `status` is not checked",
        why: "the API server prunes it: a misspelt `initialSavepointPath` restarts the job without its state",
        fix: "use the spelling the message suggests",
    },
    ApiVersion {
        id: "api-version",
        family: Schema,
        severity: Error,
        releases: Releases::ALL,
        kinds: ANY,
        conditions: [],
        summary: "a Flink kind whose `apiVersion` is not `flink.apache.org/v1beta1`",
        why: "the API server does not serve it",
        fix: "set `apiVersion: flink.apache.org/v1beta1`",
    },
    NameInvalid {
        id: "name-invalid",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, SJ],
        conditions: ["D1", "S1"],
        summary: "a FlinkDeployment name (or a session job's `deploymentName`) that is not lower-case alphanumerics and `-`, starting with a letter, ending alphanumeric, at most 45 characters",
        why: "the operator's names for Services and labels are built from it",
        fix: "rename it",
    },
    UpgradeModeNeedsCheckpointDir {
        id: "upgrade-mode-needs-checkpoint-dir",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, SJ],
        conditions: ["D11"],
        summary: "`upgradeMode` `last-state` or `savepoint` without a checkpoint directory",
        why: "the operator cannot upgrade the job with its state",
        fix: "set the checkpoint directory",
    },
    UpgradeModeNeedsSavepointDir {
        id: "upgrade-mode-needs-savepoint-dir",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, SJ],
        conditions: ["D12"],
        summary: "`upgradeMode: savepoint` without a savepoint directory",
        why: "the operator cannot take the upgrade savepoint",
        fix: "set the savepoint directory",
    },
    SavepointDirNeeded {
        id: "savepoint-dir-needed",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, SJ],
        conditions: ["D13", "D14"],
        summary: "`savepointTriggerNonce`, or `kubernetes.operator.periodic.savepoint.interval`, without a savepoint directory",
        why: "the savepoint has nowhere to go",
        fix: "set the savepoint directory",
    },
    RedeployNeedsInitialSavepointPath {
        id: "redeploy-needs-initial-savepoint-path",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, SJ],
        conditions: [],
        summary: "`savepointRedeployNonce` with an empty `initialSavepointPath`",
        why: "a redeploy needs a savepoint to redeploy from",
        fix: "set the savepoint location",
    },
    ParallelismInvalid {
        id: "parallelism-invalid",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, SJ],
        conditions: ["D17"],
        summary: "job parallelism below 1 (when `taskManager.replicas` is unset)",
        why: "the operator cannot size the job",
        fix: "set `spec.job.parallelism` to 1 or more",
    },
    ReplicasInvalid {
        id: "replicas-invalid",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD],
        conditions: ["D16", "D22", "D24"],
        summary: "`taskManager.replicas` or `jobManager.replicas` below 1",
        why: "there would be no pod to run on",
        fix: "set 1 or more",
    },
    StandbyNeedsHa {
        id: "standby-needs-ha",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD],
        conditions: ["D23"],
        summary: "`jobManager.replicas` above 1 without high availability",
        why: "standby JobManagers need HA for leader election",
        fix: "turn HA on, or use one JobManager",
    },
    JarUriInvalid {
        id: "jar-uri-invalid",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, SJ],
        conditions: [],
        summary: "a `jarURI` without a scheme, not a URI, or still a `<template placeholder>`",
        why: "the job cannot be fetched",
        fix: "`local:///path/in/image.jar`, `https://...`, `s3://...`",
    },
    SnapshotKindAmbiguous {
        id: "snapshot-kind-ambiguous",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[SN],
        conditions: ["N1"],
        summary: "a FlinkStateSnapshot without exactly one of `spec.savepoint` and `spec.checkpoint`",
        why: "the operator cannot tell what to take",
        fix: "keep exactly one",
    },
    SnapshotJobReferenceMissing {
        id: "snapshot-job-reference-missing",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[SN],
        conditions: ["N3"],
        summary: "no `spec.jobReference` kind and name, unless a savepoint with `alreadyExists: true`",
        why: "the operator must know which job to snapshot",
        fix: "name the job",
    },
    SnapshotPathMissing {
        id: "snapshot-path-missing",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[SN],
        conditions: [],
        summary: "`alreadyExists: true` without `spec.savepoint.path`",
        why: "there is no savepoint to register",
        fix: "set the savepoint's location",
    },
    SessionJobDeploymentMissing {
        id: "session-job-deployment-missing",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[SJ],
        conditions: ["S2"],
        summary: "a FlinkSessionJob without `spec.deploymentName` or `spec.job`",
        why: "the operator cannot tell where or what to run",
        fix: "set both",
    },
    SessionJobOnApplicationCluster {
        id: "session-job-on-application-cluster",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[SJ],
        conditions: ["S8"],
        summary: "a FlinkSessionJob whose cluster, in the input, has `spec.job`",
        why: "session jobs run only on session clusters",
        fix: "run it on a session cluster",
    },
    CheckpointDirMissing {
        id: "checkpoint-dir-missing",
        family: Backup,
        severity: Warning,
        releases: Releases::ALL,
        kinds: &[FD, SJ],
        conditions: [],
        summary: "no checkpoint directory",
        why: "no checkpoint, no last-state upgrade, no recovery",
        fix: "set `execution.checkpointing.dir` (or `state.checkpoints.dir`) to a directory on the persistent volume",
    },
    SavepointDirMissing {
        id: "savepoint-dir-missing",
        family: Backup,
        severity: Warning,
        releases: Releases::ALL,
        kinds: &[FD, SJ],
        conditions: [],
        summary: "no savepoint directory",
        why: "a savepoint snapshot has nowhere to go",
        fix: "set `execution.checkpointing.savepoint-dir` (or `state.savepoints.dir`)",
    },
    HaStorageDirMissing {
        id: "ha-storage-dir-missing",
        family: Backup,
        severity: Warning,
        releases: Releases::ALL,
        kinds: &[FD, SJ],
        conditions: [],
        summary: "HA on, no storage directory",
        why: "JobManager failover has nowhere to keep its metadata",
        fix: "set `high-availability.storageDir`",
    },
    StateDirsOverlap {
        id: "state-dirs-overlap",
        family: Backup,
        severity: Warning,
        releases: Releases::ALL,
        kinds: &[FD, SJ],
        conditions: [],
        summary: "two of the three directories are one place or nested (`file:///a/b`, `file:/a/b`, `/a/b` and `/a/b/` are one place)",
        why: "Flink cleans each on its own schedule and can delete the other's data",
        fix: "give each its own directory",
    },
    StateDirNotPersistent {
        id: "state-dir-not-persistent",
        family: Backup,
        severity: Warning,
        releases: Releases::ALL,
        kinds: &[FD, SJ],
        conditions: [],
        summary: "a `file:` (or scheme-less) directory not under a `volumeMount` of `flink-main-container` backed by a `persistentVolumeClaim`, in the pod template that applies",
        why: "`emptyDir` and the container's filesystem lose the savepoint with the pod, `hostPath` with the node",
        fix: "mount a PVC there, or use an object store",
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_indexed_by_the_enum() {
        for (i, info) in ALL.iter().enumerate() {
            assert_eq!(info.rule as usize, i, "{}", info.id);
            assert_eq!(find(info.id).map(|r| r.rule), Some(info.rule));
        }
        let mut ids: Vec<_> = ALL.iter().map(|r| r.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), ALL.len());
    }

    #[test]
    fn operator_rules_are_errors_and_family_names_are_not_rule_ids() {
        for info in ALL {
            if info.family == Family::Operator {
                assert_eq!(info.severity, Severity::Error, "{}", info.id);
            }
        }
        for family in Family::ALL {
            assert!(
                find(family.name()).is_none(),
                "{family} is a family and a rule"
            );
        }
    }

    #[test]
    fn selectors() {
        assert_eq!(
            Selector::parse("operator"),
            Ok(Selector::Family(Family::Operator))
        );
        assert!(
            Selector::parse("name-invalid")
                .unwrap()
                .matches(Rule::NameInvalid)
        );
        assert!(Selector::parse("nope").unwrap_err().contains("families"));
    }
}
