//! Typed views over a document: which Flink kind it is, and the fields the rules read.

use crate::pointer::Lookup;
use serde_json::Value;

use crate::model::kind::{API_VERSION, Kind};

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
    let kind_name = value.get("kind").and_then(Value::as_str).unwrap_or("");
    let api_version = value
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    match Kind::from_name(kind_name) {
        Some(kind) if api_version == API_VERSION => Classified::Flink(Resource { kind, value }),
        Some(kind) => Classified::WrongApiVersion {
            kind,
            api_version: api_version.to_owned(),
        },
        None => Classified::Other,
    }
}

/// A FlinkDeployment, FlinkSessionJob or FlinkStateSnapshot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resource<'a> {
    pub kind: Kind,
    pub value: &'a Value,
}

impl<'a> Resource<'a> {
    pub fn name(&self) -> Option<&'a str> {
        self.value.at("/metadata/name").and_then(Value::as_str)
    }

    pub fn namespace(&self) -> Option<&'a str> {
        self.value.at("/metadata/namespace").and_then(Value::as_str)
    }

    pub fn spec(&self) -> Option<&'a Value> {
        self.value.get("spec")
    }

    pub fn status(&self) -> Option<&'a Value> {
        self.value.get("status")
    }

    /// `spec.job`, present in application mode and on every session job.
    pub fn job(&self) -> Option<&'a Value> {
        self.spec()
            .and_then(|s| s.get("job"))
            .filter(|j| j.is_object())
    }

    /// `kind/name`, for messages.
    pub fn describe(&self) -> String {
        format!("{}/{}", self.kind, self.name().unwrap_or("<unnamed>"))
    }
}

/// The Flink resources among `documents`, in order.
pub fn flink_resources(documents: &[crate::input::Document]) -> Vec<Resource<'_>> {
    documents
        .iter()
        .filter_map(|d| match classify(&d.value) {
            Classified::Flink(r) => Some(r),
            _ => None,
        })
        .collect()
}

/// Metadata of any object, for findings about documents that are not Flink resources.
pub fn kind_name_namespace(value: &Value) -> (Option<String>, Option<String>, Option<String>) {
    let s = |p: &str| value.at(p).and_then(Value::as_str).map(str::to_owned);
    (s("/kind"), s("/metadata/name"), s("/metadata/namespace"))
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
}
