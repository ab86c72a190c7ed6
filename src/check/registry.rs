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
            Family::Operator => {
                "the operator refuses it (its admission webhook, or its controller)"
            }
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

    /// The releases a defect fixed after 1.15 affects (FLINK-39967, FLINK-39814).
    pub const UP_TO_1_15: Releases = Releases {
        first: Release::V1_10,
        last: Release::V1_15,
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
const ANY: &[Kind] = &[FD, SJ, SN, BG];

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
        let families = Family::ALL.iter().map(|f| f.name());
        let ids = ALL.iter().map(|r| r.id);
        match crate::suggest::closest(text, ids.chain(families)) {
            Some(near) => Err(format!("no rule or family {text:?}: did you mean {near}?")),
            None => Err(format!(
                "no rule or family {text:?}: the families are {}; the README's rule tables list \
                 every rule id",
                Family::ALL.map(|f| f.name()).join(", ")
            )),
        }
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
        severity: Error,
        releases: Releases::ALL,
        kinds: ANY,
        conditions: [],
        summary: "a field the release's schema does not declare and no `x-kubernetes-preserve-unknown-fields` covers; `status` is not checked",
        why: "`kubectl apply` (strict since kubectl 1.25, against API servers 1.27+) refuses it; Helm 3, Argo CD's default apply and controllers drop it without a word: a misspelt `initialSavepointPath` restarts the job without its state",
        fix: "use the spelling the message suggests; a field a newer release added: check `--operator-version`",
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
    KindNotServed {
        id: "kind-not-served",
        family: Schema,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[BG],
        conditions: [],
        summary: "a FlinkBlueGreenDeployment for an operator release before 1.14, which has no such CRD",
        why: "the API server does not know the kind",
        fix: "upgrade the operator to 1.14 or later, or deploy a FlinkDeployment",
    },
    NameInvalid {
        id: "name-invalid",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, SJ, BG],
        conditions: ["D1", "S1"],
        summary: "a FlinkDeployment name (or a session job's `deploymentName`) that is not lower-case alphanumerics and `-`, starting with a letter, ending alphanumeric, at most 45 characters",
        why: "the operator names Services and labels after it",
        fix: "rename it",
    },
    FlinkVersionMissing {
        id: "flink-version-missing",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, BG],
        conditions: ["D2"],
        summary: "no `spec.flinkVersion` (IBM's operator fills it in, so IBM's resources are not held to it)",
        why: "the operator must know which Flink it runs",
        fix: "set `spec.flinkVersion` to the version of the image, e.g. `v1_20`",
    },
    FlinkVersionUnsupported {
        id: "flink-version-unsupported",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, BG],
        conditions: ["D3"],
        summary: "`flinkVersion` `v1_13` or `v1_14`: the CRD allows them, the operator supports 1.15 and later",
        why: "the operator does not run them",
        fix: "move the job to Flink 1.15 or later",
    },
    FlinkVersionChangedAfterSuspend {
        id: "flink-version-changed-after-suspend",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD],
        conditions: ["D4"],
        summary: "decided from the saved status: the last reconciled job was suspended in `last-state` mode, and `flinkVersion` changed while the job is not stateless",
        why: "the state of a last-state suspend can only be restored by the Flink version that wrote it",
        fix: "restore with the old `flinkVersion`, then upgrade",
    },
    ConfigKeyForbidden {
        id: "config-key-forbidden",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, BG],
        conditions: ["D5"],
        summary: "`kubernetes.namespace`, `kubernetes.cluster-id` or `high-availability.cluster-id` in the configuration",
        why: "the operator sets them itself",
        fix: "remove the key",
    },
    RollbackNeedsHa {
        id: "rollback-needs-ha",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, BG],
        conditions: ["D6"],
        summary: "`kubernetes.operator.deployment.rollback.enabled: true` without high availability",
        why: "a rollback restores from HA metadata",
        fix: "turn HA on, or rollbacks off",
    },
    HealthCheckNeedsRecovery {
        id: "health-check-needs-recovery",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, BG],
        conditions: ["D7"],
        summary: "`kubernetes.operator.cluster.health-check.enabled: true` with `kubernetes.operator.jm-deployment-recovery.enabled: false`",
        why: "an unhealthy cluster could not be recovered",
        fix: "enable JobManager deployment recovery, or turn the health check off",
    },
    IngressTemplateMissing {
        id: "ingress-template-missing",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, BG],
        conditions: ["D8"],
        summary: "`spec.ingress` without `template`",
        why: "the operator cannot build the ingress URL",
        fix: "set `spec.ingress.template`, e.g. `flink.example.com/{{namespace}}/{{name}}(/|$)(.*)`",
    },
    IngressTemplateInvalid {
        id: "ingress-template-invalid",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, BG],
        conditions: ["D9"],
        summary: "an ingress template that is no valid URL once `http://`, the name and the namespace are filled in (a port that is not a number, a broken `[...]` host)",
        why: "the operator cannot build the ingress",
        fix: "write `host[:number]/path`",
    },
    LogConfigKeyInvalid {
        id: "log-config-key-invalid",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, BG],
        conditions: ["D10"],
        summary: "a `spec.logConfiguration` key other than `log4j-console.properties` and `logback-console.xml`",
        why: "the operator writes only those files",
        fix: "rename the key",
    },
    UpgradeModeNeedsCheckpointDir {
        id: "upgrade-mode-needs-checkpoint-dir",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, SJ, BG],
        conditions: ["D11", "S10"],
        summary: "`upgradeMode` `last-state` or `savepoint` without a checkpoint directory (in the configuration with the operator's defaults under it)",
        why: "the operator cannot upgrade the job with its state",
        fix: "set the checkpoint directory",
    },
    UpgradeModeNeedsSavepointDir {
        id: "upgrade-mode-needs-savepoint-dir",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, SJ, BG],
        conditions: ["D12", "S10"],
        summary: "`upgradeMode: savepoint` without a savepoint directory",
        why: "the operator cannot take the upgrade savepoint",
        fix: "set the savepoint directory",
    },
    SavepointDirNeeded {
        id: "savepoint-dir-needed",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, SJ, BG],
        conditions: ["D13", "D14", "D15", "S10"],
        summary: "no savepoint directory, but `savepointTriggerNonce`, or the key `kubernetes.operator.periodic.savepoint.interval` (any value, `0` and `\"\"` too), or `kubernetes.operator.job.upgrade.last-state.max.allowed.checkpoint.age`",
        why: "the savepoint has nowhere to go",
        fix: "set the savepoint directory, or remove the key",
    },
    ReplicasInvalid {
        id: "replicas-invalid",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, BG],
        conditions: ["D16", "D22", "D24"],
        summary: "`taskManager.replicas` or `jobManager.replicas` below 1",
        why: "there would be no pod to run on",
        fix: "set 1 or more",
    },
    ParallelismInvalid {
        id: "parallelism-invalid",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, SJ, BG],
        conditions: ["D17", "S10"],
        summary: "`spec.job.parallelism` below 1 or absent (the operator reads an absent one as 0) when `taskManager.replicas` is not set (a session job has none)",
        why: "the operator cannot size the job",
        fix: "set `spec.job.parallelism` to 1 or more",
    },
    MemoryMissing {
        id: "memory-missing",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, BG],
        conditions: ["D18", "D19"],
        summary: "JobManager or TaskManager memory neither in `resource.memory` nor derivable from the configuration the way Flink derives process memory (missing, unreadable, or sizes that do not add up)",
        why: "the operator cannot size the pods",
        fix: "set `jobManager.resource.memory` and `taskManager.resource.memory`, e.g. `2048m`",
    },
    MemoryInvalid {
        id: "memory-invalid",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, BG],
        conditions: ["D20"],
        summary: "a `resource.memory` that neither Flink's size syntax (`2048m`, `2 gb`) nor a Kubernetes quantity converted to whole bytes (`2Gi`, `1e9`; `1.5Gi` is not whole) reads",
        why: "the operator cannot size the pod",
        fix: "write a Flink size such as `2048m`, or a whole Kubernetes quantity such as `2Gi`",
    },
    EphemeralStorageInvalid {
        id: "ephemeral-storage-invalid",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, BG],
        conditions: ["D21"],
        summary: "a `resource.ephemeralStorage` that is not a Kubernetes quantity",
        why: "the operator cannot size the pod's storage",
        fix: "write a quantity such as `10Gi`",
    },
    StandbyNeedsHa {
        id: "standby-needs-ha",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, BG],
        conditions: ["D23"],
        summary: "`jobManager.replicas` above 1 without high availability (`NONE` and `standalone` are off)",
        why: "standby JobManagers need HA for leader election",
        fix: "turn HA on, or use one JobManager",
    },
    ClusterModeChanged {
        id: "cluster-mode-changed",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD],
        conditions: ["D25", "D26"],
        summary: "decided from the saved status: an application cluster turned session cluster or back, or native mode turned standalone or back, against the last reconciled spec",
        why: "the operator cannot change a running cluster's mode",
        fix: "delete the resource and create it anew, or keep the mode",
    },
    RedeployNonceWithoutPath {
        id: "redeploy-nonce-without-path",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD],
        conditions: ["D27"],
        summary: "decided from the saved status: `savepointRedeployNonce` changed against the last reconciled spec while `initialSavepointPath` is empty",
        why: "a redeploy needs a savepoint to redeploy from",
        fix: "set `initialSavepointPath`",
    },
    ServiceAccountMissing {
        id: "service-account-missing",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, BG],
        conditions: ["D28"],
        summary: "no `spec.serviceAccount`",
        why: "the JobManager cannot create its TaskManager pods",
        fix: "set it to the Helm chart's jobServiceAccount, `flink` by default",
    },
    AutoscalerOptionInvalid {
        id: "autoscaler-option-invalid",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, SJ, BG],
        conditions: ["D29", "S11"],
        summary: "the autoscaler enabled and one of its options out of range or unreadable, as the release checks them (scale factors at least 0; utilization target in [0,1] from 1.11; max and min around it; the scalability coefficient in [0.01,1] from 1.12; excluded periods that parse)",
        why: "the operator refuses the configuration",
        fix: "set the value into the range the message names",
    },
    SessionJobDeploymentMissing {
        id: "session-job-deployment-missing",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[SJ],
        conditions: ["S1"],
        summary: "a FlinkSessionJob without `spec.deploymentName`",
        why: "the operator cannot tell which cluster runs it (its webhook fails on it)",
        fix: "set it to the session cluster's name",
    },
    SessionJobJobMissing {
        id: "session-job-job-missing",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[SJ],
        conditions: ["S2"],
        summary: "a FlinkSessionJob without `spec.job`",
        why: "there is nothing to run",
        fix: "set `spec.job` (jarURI, parallelism, upgradeMode)",
    },
    DeploymentNameChanged {
        id: "deployment-name-changed",
        family: Operator,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[SJ],
        conditions: ["S3"],
        summary: "decided from the saved status: `deploymentName` differs from the last reconciled spec",
        why: "a session job cannot move to another cluster",
        fix: "keep the cluster, or delete the job and create it anew",
    },
    JarUriInvalid {
        id: "jar-uri-invalid",
        family: Operator,
        severity: Error,
        releases: Releases::only(Release::V1_15),
        kinds: &[SJ],
        conditions: ["S4", "S5"],
        summary: "a session job `jarURI` that is not a URI by Java's rules (a space, `<...>`, `%zz`) or has no scheme",
        why: "the 1.15 operator checks session job jars",
        fix: "write `https://...` (or another allowed scheme) with special characters percent-encoded",
    },
    JarUriSchemeNotAllowed {
        id: "jar-uri-scheme-not-allowed",
        family: Operator,
        severity: Error,
        releases: Releases::only(Release::V1_15),
        kinds: &[SJ],
        conditions: ["S6"],
        summary: "a session job `jarURI` whose scheme is not in `kubernetes.operator.user.artifacts.allowed-schemes` (stock: `https` only)",
        why: "the 1.15 operator refuses other schemes",
        fix: "use https, or allow the scheme in the operator's configuration (and pass it with `--operator-config`)",
    },
    JarUriHostRestricted {
        id: "jar-uri-host-restricted",
        family: Operator,
        severity: Error,
        releases: Releases::only(Release::V1_15),
        kinds: &[SJ],
        conditions: ["S7"],
        summary: "an http(s) session job `jarURI` without a host, or whose host is a loopback, link-local, site-local, wildcard or multicast address (IP literals and `localhost`; names are not resolved offline)",
        why: "the 1.15 operator refuses jars from internal addresses",
        fix: "serve the jar from a public host, or turn `kubernetes.operator.user.artifacts.disallow-restricted-hosts` off",
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
        summary: "no `spec.jobReference`, unless a savepoint with `alreadyExists: true`",
        why: "the operator must know which job to snapshot",
        fix: "name the job",
    },
    BlueGreenOptionInvalid {
        id: "blue-green-option-invalid",
        family: Operator,
        severity: Error,
        releases: Releases::from(Release::V1_14),
        kinds: &[BG],
        conditions: [],
        summary: "a blue/green option in `spec.configuration` whose value the controller cannot read as a duration",
        why: "the controller fails to reconcile the deployment",
        fix: "write a duration such as `10 min` or `15s`",
    },
    BlueGreenOptionUnknown {
        id: "blue-green-option-unknown",
        family: Hygiene,
        severity: Warning,
        releases: Releases::from(Release::V1_14),
        kinds: &[BG],
        conditions: [],
        summary: "a `spec.configuration` key the blue/green controller does not know",
        why: "the controller ignores it: a misspelt option silently keeps its default",
        fix: "use `kubernetes.operator.bluegreen.abort.grace-period`, `...reconciliation.reschedule-interval` or `...deployment-deletion.delay`",
    },
    JarUriUnusable {
        id: "jar-uri-unusable",
        family: Hygiene,
        severity: Warning,
        releases: Releases::ALL,
        kinds: &[FD, SJ],
        conditions: [],
        summary: "a `jarURI` without a scheme, not a URI, or still a `<template placeholder>`, where the operator does not check it (any FlinkDeployment; session jobs before 1.15)",
        why: "the job fails when Flink fetches the jar, after the resource was accepted",
        fix: "`local:///path/in/image.jar`, `https://...`, `s3://...`",
    },
    RedeployNeedsInitialSavepointPath {
        id: "redeploy-needs-initial-savepoint-path",
        family: Hygiene,
        severity: Warning,
        releases: Releases::ALL,
        kinds: &[FD],
        conditions: [],
        summary: "`savepointRedeployNonce` with an empty `initialSavepointPath`, where no saved status tells whether the nonce changed",
        why: "if the nonce changes on apply, the operator refuses it; if not, the redeploy nonce does nothing",
        fix: "set `initialSavepointPath` to the savepoint to redeploy from",
    },
    SuppressionInvalid {
        id: "suppression-invalid",
        family: Hygiene,
        severity: Error,
        releases: Releases::ALL,
        kinds: ANY,
        conditions: [],
        summary: "a `flink-backup.io/ignore` annotation that does not read `RULE[,RULE]: reason` (rule ids or families, and a reason), or names an unknown rule",
        why: "it suppresses nothing, while whoever wrote it believes it does",
        fix: "write `flink-backup.io/ignore: \"rule-id: why it does not apply here\"`",
    },
    SuppressionUnused {
        id: "suppression-unused",
        family: Hygiene,
        severity: Warning,
        releases: Releases::ALL,
        kinds: ANY,
        conditions: [],
        summary: "a rule in a `flink-backup.io/ignore` annotation that found nothing to suppress on its object",
        why: "stale suppressions rot: the next real finding of that rule would be hidden",
        fix: "remove the rule from the annotation (or the annotation)",
    },
    SnapshotPathMissing {
        id: "snapshot-path-missing",
        family: Hygiene,
        severity: Warning,
        releases: Releases::ALL,
        kinds: &[SN],
        conditions: [],
        summary: "`alreadyExists: true` without `spec.savepoint.path` (the operator accepts it and marks it COMPLETED with an empty path)",
        why: "the snapshot points at no savepoint: nothing can be restored from it",
        fix: "set the savepoint's location",
    },
    CheckpointDirMissing {
        id: "checkpoint-dir-missing",
        family: Backup,
        severity: Warning,
        releases: Releases::ALL,
        kinds: &[FD, SJ, BG],
        conditions: [],
        summary: "no checkpoint directory the job's Flink version reads",
        why: "no checkpoint, no last-state upgrade, no recovery",
        fix: "set `execution.checkpointing.dir` (Flink 1.20+) or `state.checkpoints.dir` to a directory on the persistent volume",
    },
    SavepointDirMissing {
        id: "savepoint-dir-missing",
        family: Backup,
        severity: Warning,
        releases: Releases::ALL,
        kinds: &[FD, SJ, BG],
        conditions: [],
        summary: "no savepoint directory the job's Flink version reads",
        why: "a savepoint snapshot has nowhere to go",
        fix: "set `execution.checkpointing.savepoint-dir` (Flink 1.20+) or `state.savepoints.dir`",
    },
    HaStorageDirMissing {
        id: "ha-storage-dir-missing",
        family: Backup,
        severity: Warning,
        releases: Releases::ALL,
        kinds: &[FD, SJ, BG],
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
        kinds: &[FD, SJ, BG],
        conditions: [],
        summary: "two of the three directories are one place or nested (`file:///a/b`, `file:/a/b`, `/a/b`, `/a//b` and `/a/b/` are one place)",
        why: "Flink cleans each on its own schedule and can delete the other's data",
        fix: "give each its own directory",
    },
    StateDirNotPersistent {
        id: "state-dir-not-persistent",
        family: Backup,
        severity: Warning,
        releases: Releases::ALL,
        kinds: &[FD, SJ, BG],
        conditions: [],
        summary: "a `file:` (or scheme-less) directory not under a `volumeMount` of `flink-main-container` backed by a `persistentVolumeClaim`, in the pod template that applies",
        why: "`emptyDir` and the container's filesystem lose the savepoint with the pod, `hostPath` with the node",
        fix: "mount a PVC there, or use an object store",
    },
    SnapshotBackoffLimitUnset {
        id: "snapshot-backoff-limit-unset",
        family: Backup,
        severity: Warning,
        releases: Releases::UP_TO_1_15,
        kinds: &[SN],
        conditions: [],
        summary: "a FlinkStateSnapshot still to be taken with no `backoffLimit`, or a negative one (FLINK-39967: operators 1.10 to 1.15 then mark it FAILED at its first error)",
        why: "the backup is not retried: one transient error (a JobManager restart, a slow object store) and there is no savepoint",
        fix: "set `spec.backoffLimit` to a few retries, e.g. 3 (`backup` writes 3)",
    },
    SessionJobSavepointDirIgnored {
        id: "session-job-savepoint-dir-ignored",
        family: Backup,
        severity: Warning,
        releases: Releases::UP_TO_1_15,
        kinds: &[SJ],
        conditions: [],
        summary: "a FlinkSessionJob that sets its own savepoint directory (FLINK-39814: operators 1.10 to 1.15 ignore it for snapshot-triggered savepoints)",
        why: "the snapshot's savepoint lands under the session cluster's directory, not where the job says: the backup is not where you will look for it",
        fix: "set the savepoint directory on the session cluster, and look for the savepoint there",
    },
    SavepointClaimed {
        id: "savepoint-claimed",
        family: Restore,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD],
        conditions: [],
        summary: "the restored deployment's configuration asks Flink to claim the savepoint: `CLAIM` under `execution.state-recovery.claim-mode` (Flink 1.20+) or `execution.savepoint-restore-mode` (1.15+; 1.20+ reads it as an alias); a session job is always submitted `NO_CLAIM`",
        why: "a claimed savepoint belongs to the new job, which deletes it once a newer checkpoint subsumes it: the backup is gone",
        fix: "`--no-claim` writes `NO_CLAIM`; `--allow-claim` if you mean it",
    },
    SavepointUnreachable {
        id: "savepoint-unreachable",
        family: Restore,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, SJ],
        conditions: [],
        summary: "a `file:` (or scheme-less) savepoint path that does not lie under a `persistentVolumeClaim` volume mounted in `flink-main-container` of both the JobManager and the TaskManagers of the restored deployment (a session job: of its cluster)",
        why: "the restored pods cannot read the savepoint: the job fails, or starts without its state",
        fix: "mount the PVC holding the savepoint, `--relocate` the path to where it was copied, or `--allow-unreachable-savepoint` if the pods reach it another way",
    },
    EntropyRelocated {
        id: "entropy-relocated",
        family: Restore,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD, SJ],
        conditions: [],
        summary: "`--relocate` moves the savepoint while `s3.entropy.key` is set (entropy injection writes absolute paths inside the savepoint)",
        why: "a savepoint written with entropy injection cannot be moved: its metadata points at the old place",
        fix: "restore from the savepoint where it was written",
    },
    HaMetadataLeft {
        id: "ha-metadata-left",
        family: Restore,
        severity: Error,
        releases: Releases::ALL,
        kinds: &[FD],
        conditions: [],
        summary: "Kubernetes HA on for the restored deployment, and its HA ConfigMaps (labels `app=<name>`, `configmap-type=high-availability`) in the input (a namespace dump, a Velero backup)",
        why: "Flink restores from the HA ConfigMaps' latest checkpoint before it looks at `initialSavepointPath`: the job resumes from an old checkpoint, or fails if its files are gone",
        fix: "leave the ConfigMaps out of what is applied, or `--allow-ha-metadata`",
    },
}

/// A refusal condition of the operator's admission webhook (release 1.15.0, and how earlier
/// releases differ), read from its `DefaultValidator` and `FlinkValidator`, numbered D1-D29,
/// S1-S11, N1-N4 as the README's condition table lists them. Each is decided by the rules that
/// name it in `conditions`, or cannot be decided offline, for the reason given here.
#[derive(Debug)]
pub struct Condition {
    pub id: &'static str,
    pub kind: Kind,
    pub refused_when: &'static str,
    /// Why no rule decides it offline; `None` when rules do.
    pub not_offline: Option<&'static str>,
    /// Decided only from the saved status's last reconciled spec (the webhook compares the live
    /// object's); without a saved status, not checkable offline.
    pub from_status: bool,
}

pub static CONDITIONS: &[Condition] = &[
    Condition {
        id: "D1",
        kind: FD,
        refused_when: "`metadata.name` does not match `[a-z]([-a-z0-9]{0,43}[a-z0-9])?`",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D2",
        kind: FD,
        refused_when: "`spec.flinkVersion` is missing",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D3",
        kind: FD,
        refused_when: "`spec.flinkVersion` is older than `v1_15`",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D4",
        kind: FD,
        refused_when: "the last reconciled job was suspended in last-state mode, the new one is not stateless, and `flinkVersion` changed",
        not_offline: None,
        from_status: true,
    },
    Condition {
        id: "D5",
        kind: FD,
        refused_when: "the configuration sets `kubernetes.namespace`, `kubernetes.cluster-id` or `high-availability.cluster-id`",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D6",
        kind: FD,
        refused_when: "rollback enabled and HA off",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D7",
        kind: FD,
        refused_when: "cluster health check enabled and JobManager deployment recovery disabled",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D8",
        kind: FD,
        refused_when: "`spec.ingress` without `template`",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D9",
        kind: FD,
        refused_when: "the ingress template is no valid URL",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D10",
        kind: FD,
        refused_when: "a `spec.logConfiguration` key other than the two log files",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D11",
        kind: FD,
        refused_when: "`last-state` or `savepoint` upgrade mode and no checkpoint directory",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D12",
        kind: FD,
        refused_when: "`savepoint` upgrade mode and no savepoint directory",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D13",
        kind: FD,
        refused_when: "`savepointTriggerNonce` and no savepoint directory",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D14",
        kind: FD,
        refused_when: "the periodic savepoint interval key present and no savepoint directory",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D15",
        kind: FD,
        refused_when: "the last-state max checkpoint age set and no savepoint directory",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D16",
        kind: FD,
        refused_when: "`taskManager.replicas` set and below 1 (with a job)",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D17",
        kind: FD,
        refused_when: "no `taskManager.replicas` and parallelism below 1 (absent is 0)",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D18",
        kind: FD,
        refused_when: "JobManager memory neither in `resource.memory` nor derivable from the configuration",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D19",
        kind: FD,
        refused_when: "the same for the TaskManager",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D20",
        kind: FD,
        refused_when: "a `resource.memory` that cannot be parsed",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D21",
        kind: FD,
        refused_when: "a `resource.ephemeralStorage` that is not a quantity",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D22",
        kind: FD,
        refused_when: "`jobManager.replicas` below 1",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D23",
        kind: FD,
        refused_when: "`jobManager.replicas` above 1 and HA off",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D24",
        kind: FD,
        refused_when: "`taskManager.replicas` below 1",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D25",
        kind: FD,
        refused_when: "switching between application and session cluster",
        not_offline: None,
        from_status: true,
    },
    Condition {
        id: "D26",
        kind: FD,
        refused_when: "switching between native and standalone mode",
        not_offline: None,
        from_status: true,
    },
    Condition {
        id: "D27",
        kind: FD,
        refused_when: "`savepointRedeployNonce` changed while `initialSavepointPath` is empty",
        not_offline: None,
        from_status: true,
    },
    Condition {
        id: "D28",
        kind: FD,
        refused_when: "`spec.serviceAccount` missing",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "D29",
        kind: FD,
        refused_when: "autoscaler enabled and an option out of range or unparsable",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "S1",
        kind: SJ,
        refused_when: "`deploymentName` missing or not a valid FlinkDeployment name",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "S2",
        kind: SJ,
        refused_when: "`spec.job` missing",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "S3",
        kind: SJ,
        refused_when: "`deploymentName` changed",
        not_offline: None,
        from_status: true,
    },
    Condition {
        id: "S4",
        kind: SJ,
        refused_when: "1.15: `jarURI` not a valid URI",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "S5",
        kind: SJ,
        refused_when: "1.15: `jarURI` without a scheme",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "S6",
        kind: SJ,
        refused_when: "1.15: `jarURI` scheme not allowed",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "S7",
        kind: SJ,
        refused_when: "1.15: an http(s) `jarURI` without a host or with a restricted one",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "S8",
        kind: SJ,
        refused_when: "the cluster is an application cluster",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "S9",
        kind: SJ,
        refused_when: "the cluster found is not the one `deploymentName` names",
        not_offline: Some("it cannot happen: the operator looks the cluster up by that very name"),
        from_status: false,
    },
    Condition {
        id: "S10",
        kind: SJ,
        refused_when: "with its cluster: D11 to D15 and D17 on the merged configuration",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "S11",
        kind: SJ,
        refused_when: "with its cluster: D29 on the merged configuration",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "N1",
        kind: SN,
        refused_when: "not exactly one of `spec.savepoint` and `spec.checkpoint`",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "N2",
        kind: SN,
        refused_when: "(accepted: `alreadyExists: true` skips every further check)",
        not_offline: Some("it refuses nothing; `snapshot-path-missing` warns about its empty path"),
        from_status: false,
    },
    Condition {
        id: "N3",
        kind: SN,
        refused_when: "`spec.jobReference` missing",
        not_offline: None,
        from_status: false,
    },
    Condition {
        id: "N4",
        kind: SN,
        refused_when: "the referenced resource does not exist while the status is empty or TRIGGER_PENDING",
        not_offline: Some(
            "it needs the cluster: the webhook looks the target up in the live cluster, which a file cannot show",
        ),
        from_status: false,
    },
];

const BG: Kind = Kind::FlinkBlueGreenDeployment;

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
    fn every_webhook_condition_is_decided_by_rules_or_says_why_not() {
        for condition in CONDITIONS {
            let deciding: Vec<&str> = ALL
                .iter()
                .filter(|r| r.conditions.contains(&condition.id))
                .map(|r| r.id)
                .collect();
            assert_ne!(
                deciding.is_empty(),
                condition.not_offline.is_none(),
                "{}: decided by {deciding:?}, reason {:?}",
                condition.id,
                condition.not_offline
            );
        }
        for rule in ALL {
            for id in rule.conditions {
                assert!(
                    CONDITIONS.iter().any(|c| c.id == *id),
                    "{} names an unknown condition {id}",
                    rule.id
                );
                assert_eq!(rule.family, Family::Operator, "{}", rule.id);
            }
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
