//! Typed views over a document: which Flink kind it is, who it is, and the fields the rules read.

use std::fmt;

use serde_json::Value;

use crate::input::{Document, Origin};
use crate::model::blue_green::TEMPLATE_SPEC;
use crate::model::kind::{API_VERSION, Kind};
use crate::pointer::Lookup;

/// What a document is, by its `apiVersion` and `kind`.
#[derive(Debug, PartialEq)]
pub enum Classified<'a> {
    Flink(Resource<'a>),
    /// A Flink kind with an `apiVersion` the operator does not serve.
    WrongApiVersion {
        kind: Kind,
        api_version: String,
    },
    /// Anything else: ConfigMaps, Services, kustomizations...
    Other,
}

pub fn classify(value: &Value) -> Classified<'_> {
    let kind_name = value.field("kind").and_then(Value::as_str).unwrap_or("");
    let api_version = value
        .field("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    match Kind::from_name(kind_name) {
        Some(kind) if api_version == API_VERSION => Classified::Flink(Resource {
            kind,
            value,
            origin: None,
        }),
        Some(kind) => Classified::WrongApiVersion {
            kind,
            api_version: api_version.to_owned(),
        },
        None => Classified::Other,
    }
}

/// Who a resource is: what the API server keys it by.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceId {
    pub kind: Kind,
    /// `None` when the manifest leaves it to kubectl's current namespace.
    pub namespace: Option<String>,
    pub name: String,
}

impl ResourceId {
    pub fn new(kind: Kind, namespace: Option<&str>, name: &str) -> ResourceId {
        ResourceId {
            kind,
            namespace: namespace.map(str::to_owned),
            name: name.to_owned(),
        }
    }
}

/// `FlinkDeployment/flink/app`, or `FlinkDeployment/app` when no namespace is written.
impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{}/{ns}/{}", self.kind, self.name),
            None => write!(f, "{}/{}", self.kind, self.name),
        }
    }
}

/// A FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot or FlinkBlueGreenDeployment.
#[derive(Debug, Clone, Copy)]
pub struct Resource<'a> {
    pub kind: Kind,
    pub value: &'a Value,
    /// Where it was read, when it was read from a document.
    pub origin: Option<&'a Origin>,
}

impl PartialEq for Resource<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.value == other.value
    }
}

impl<'a> Resource<'a> {
    pub fn name(&self) -> Option<&'a str> {
        self.value.at("/metadata/name").and_then(Value::as_str)
    }

    pub fn namespace(&self) -> Option<&'a str> {
        self.value.at("/metadata/namespace").and_then(Value::as_str)
    }

    pub fn id(&self) -> ResourceId {
        ResourceId::new(
            self.kind,
            self.namespace(),
            self.name().unwrap_or("<unnamed>"),
        )
    }

    /// The operator's canary: a health probe it reconciles specially, never a job. Its webhook
    /// waves canaries through unchecked (`FlinkValidator`, every release).
    pub fn is_canary(&self) -> bool {
        self.value
            .pointer("/metadata/labels/flink.apache.org~1canary")
            .and_then(Value::as_str)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    pub fn spec(&self) -> Option<&'a Value> {
        self.value.field("spec")
    }

    pub fn status(&self) -> Option<&'a Value> {
        self.value.field("status")
    }

    /// The job: `spec.job`, present in application mode and on every session job; a blue/green
    /// deployment's is its template's.
    pub fn job(&self) -> Option<&'a Value> {
        self.value.at(self.job_at()).filter(|j| j.is_object())
    }

    /// Where the job is.
    pub fn job_at(&self) -> &'static str {
        match self.kind {
            Kind::FlinkBlueGreenDeployment => "/spec/template/spec/job",
            _ => "/spec/job",
        }
    }

    /// The FlinkDeployment spec that runs the job, and where it is: a deployment's own, a
    /// blue/green deployment's template.
    pub fn deployment_spec(&self) -> Option<(&'static str, &'a Value)> {
        let at = match self.kind {
            Kind::FlinkDeployment => "/spec",
            Kind::FlinkBlueGreenDeployment => TEMPLATE_SPEC,
            Kind::FlinkSessionJob | Kind::FlinkStateSnapshot => return None,
        };
        Some((at, self.value.at(at)?))
    }

    /// `Kind/namespace/name`, for messages.
    pub fn describe(&self) -> String {
        self.id().to_string()
    }

    /// `file:line: Kind/namespace/name`, for refusals.
    pub fn located(&self) -> String {
        match self.origin {
            Some(origin) => format!("{origin}: {}", self.id()),
            None => self.id().to_string(),
        }
    }
}

/// The Flink resources among `documents`, in order, each with its origin.
pub fn flink_resources(documents: &[Document]) -> Vec<Resource<'_>> {
    documents
        .iter()
        .filter_map(|d| match classify(&d.value) {
            Classified::Flink(r) => Some(Resource {
                origin: Some(&d.origin),
                ..r
            }),
            _ => None,
        })
        .collect()
}

/// Metadata of any object, for findings about documents that are not Flink resources.
pub fn kind_name_namespace(value: &Value) -> (Option<String>, Option<String>, Option<String>) {
    let s = |p: &str| value.at(p).and_then(Value::as_str).map(str::to_owned);
    (s("/kind"), s("/metadata/name"), s("/metadata/namespace"))
}

/// Whether two namespaces can be the same one: a manifest without a namespace is applied to
/// kubectl's current namespace, which may be either.
pub fn namespaces_agree(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn classifies_by_api_version_and_kind() {
        let fd = json!({"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment"});
        assert!(matches!(classify(&fd), Classified::Flink(r) if r.kind == Kind::FlinkDeployment));
        let old = json!({"apiVersion": "flink.apache.org/v1alpha1", "kind": "FlinkDeployment"});
        assert!(matches!(classify(&old), Classified::WrongApiVersion { .. }));
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap"});
        assert_eq!(classify(&cm), Classified::Other);
    }

    #[test]
    fn ids_name_the_namespace_when_there_is_one() {
        let id = ResourceId::new(Kind::FlinkDeployment, Some("flink"), "app");
        assert_eq!(id.to_string(), "FlinkDeployment/flink/app");
        let id = ResourceId::new(Kind::FlinkSessionJob, None, "job");
        assert_eq!(id.to_string(), "FlinkSessionJob/job");
    }
}
