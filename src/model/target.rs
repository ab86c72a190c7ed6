//! `--target KIND/NAME` and `--target NAMESPACE/KIND/NAME`: which resources a backup or a restore
//! acts on.

use std::fmt;
use std::str::FromStr;

use crate::model::kind::Kind;
use crate::model::resource::Resource;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetSelector {
    pub namespace: Option<String>,
    pub kind: Kind,
    pub name: String,
}

impl TargetSelector {
    /// The selector that picks exactly `resource`, for messages that suggest one.
    pub fn of(resource: &Resource<'_>) -> TargetSelector {
        TargetSelector {
            namespace: resource.namespace().map(str::to_owned),
            kind: resource.kind,
            name: resource.name().unwrap_or_default().to_owned(),
        }
    }

    /// Same kind and name; the namespace too, when the selector names one.
    pub fn matches(&self, resource: &Resource<'_>) -> bool {
        resource.kind == self.kind
            && resource.name() == Some(self.name.as_str())
            && self
                .namespace
                .as_deref()
                .is_none_or(|ns| resource.namespace() == Some(ns))
    }
}

impl FromStr for TargetSelector {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split('/').collect();
        let (namespace, kind, name) = match parts.as_slice() {
            [kind, name] => (None, *kind, *name),
            [namespace, kind, name] if !namespace.is_empty() => (Some(*namespace), *kind, *name),
            _ => {
                return Err(format!(
                    "{text:?}: expected KIND/NAME or NAMESPACE/KIND/NAME, e.g. flinkdep/app or flink/FlinkSessionJob/job"
                ));
            }
        };
        let kind = Kind::parse_loose(kind).ok_or_else(|| {
            format!(
                "{text:?}: {kind:?} is not a kind this tool backs up or restores; use FlinkDeployment \
                 (flinkdep) or FlinkSessionJob (sessionjob)"
            )
        })?;
        if name.is_empty() {
            return Err(format!("{text:?}: the name is empty"));
        }
        Ok(TargetSelector {
            namespace: namespace.map(str::to_owned),
            kind,
            name: name.to_owned(),
        })
    }
}

/// The flag that selects it: `--target flink/FlinkDeployment/app`.
impl fmt::Display for TargetSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("--target ")?;
        if let Some(ns) = &self.namespace {
            write!(f, "{ns}/")?;
        }
        write!(f, "{}/{}", self.kind, self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_both_forms_and_short_names() {
        let s: TargetSelector = "flinkdep/app".parse().unwrap();
        assert_eq!((s.namespace, s.kind), (None, Kind::FlinkDeployment));
        let s: TargetSelector = "prod/sessionjob/job".parse().unwrap();
        assert_eq!(s.namespace.as_deref(), Some("prod"));
        assert_eq!(s.kind, Kind::FlinkSessionJob);
        assert_eq!(s.to_string(), "--target prod/FlinkSessionJob/job");
        for bad in [
            "app",
            "a/b/c/d",
            "deployment/app",
            "flinkdep/",
            "/flinkdep/app",
        ] {
            assert!(bad.parse::<TargetSelector>().is_err(), "{bad}");
        }
    }

    #[test]
    fn matches_kind_name_and_the_namespace_it_names() {
        let value = json!({"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
                           "metadata": {"name": "app", "namespace": "prod"}});
        let resource = Resource {
            kind: Kind::FlinkDeployment,
            value: &value,
            origin: None,
        };
        assert!(
            "flinkdep/app"
                .parse::<TargetSelector>()
                .unwrap()
                .matches(&resource)
        );
        assert!(
            "prod/flinkdep/app"
                .parse::<TargetSelector>()
                .unwrap()
                .matches(&resource)
        );
        assert!(
            !"dev/flinkdep/app"
                .parse::<TargetSelector>()
                .unwrap()
                .matches(&resource)
        );
        assert!(
            !"sessionjob/app"
                .parse::<TargetSelector>()
                .unwrap()
                .matches(&resource)
        );
    }
}
