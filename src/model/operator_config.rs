//! The operator's own configuration: the defaults it lays under every resource's
//! `flinkConfiguration` before its webhook judges it, and its own options (which jar URI schemes
//! it allows). The stock Helm chart's unless `--operator-config` says otherwise.

use serde_json::{Map, Value};

use crate::model::flink_config::FlinkConfig;
use crate::pointer::Lookup;
use crate::yaml::{DocumentReader, Limits};

/// What the Helm chart's `conf/flink-conf.yaml` sets for every resource (releases 1.10 to 1.15),
/// leaving out its version-specific Java options, which no rule reads.
const STOCK: [(&str, &str); 2] = [
    ("taskmanager.numberOfTaskSlots", "1"),
    ("parallelism.default", "1"),
];

const DEFAULTS_PREFIX: &str = "kubernetes.operator.default-configuration.";

#[derive(Debug, Clone, PartialEq)]
pub struct OperatorConfig {
    /// Every key, flattened, as the operator holds them.
    entries: Vec<(String, String)>,
    /// Where it was read, for messages: `None` for the stock configuration.
    pub source: Option<String>,
}

impl Default for OperatorConfig {
    fn default() -> Self {
        OperatorConfig::stock()
    }
}

impl OperatorConfig {
    pub fn stock() -> OperatorConfig {
        OperatorConfig {
            entries: STOCK
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            source: None,
        }
    }

    /// Reads an operator configuration: a `config.yaml` or `flink-conf.yaml` (flat or nested
    /// keys), the operator's ConfigMap, or a Helm values file with `defaultConfiguration`.
    pub fn parse(name: &str, text: &str) -> Result<OperatorConfig, String> {
        let value = match DocumentReader::new(text, Limits::default()).next() {
            Some(Ok(doc)) => doc.value,
            None => Value::Object(Map::new()),
            // The legacy flink-conf.yaml format is `key: value` lines, which YAML mostly reads
            // the same; what it does not, Flink's own line parser does.
            Some(Err(_)) => return Ok(legacy_lines(name, text)),
        };
        let mut config = OperatorConfig {
            entries: Vec::new(),
            source: Some(name.to_owned()),
        };
        let Value::Object(map) = &value else {
            return Err(format!(
                "{name}: not an operator configuration: expected a mapping of configuration keys"
            ));
        };
        if let Some(helm) = map.get("defaultConfiguration").and_then(Value::as_object) {
            if helm.get("append") != Some(&Value::Bool(false)) {
                config.entries = OperatorConfig::stock().entries;
            }
            if let Some(text) = embedded_file(helm) {
                config
                    .entries
                    .extend(OperatorConfig::parse(name, text)?.entries);
            }
            return Ok(config);
        }
        if map.get("kind").and_then(Value::as_str) == Some("ConfigMap") {
            let data = map.get("data").and_then(Value::as_object);
            let text = data.and_then(embedded_file).ok_or_else(|| {
                format!("{name}: the ConfigMap has no data key config.yaml or flink-conf.yaml")
            })?;
            return OperatorConfig::parse(name, text);
        }
        config.entries = FlinkConfig::flatten(&value)
            .into_iter()
            .map(|e| (e.key, e.value))
            .collect();
        Ok(config)
    }

    /// The value of an operator option, the last one written winning.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The defaults the operator lays under a resource's `flinkConfiguration`: its whole
    /// configuration, then the `default-configuration.namespace.NS.` overrides, then the
    /// `default-configuration.flink-version.` overrides that apply, oldest version first.
    pub fn defaults_for(
        &self,
        namespace: Option<&str>,
        flink_version: Option<&str>,
    ) -> FlinkConfig {
        let mut out: Vec<(String, String)> = self.entries.clone();
        let mut overlay = |prefix: &str| {
            let found: Vec<(String, String)> = self
                .entries
                .iter()
                .filter_map(|(k, v)| Some((k.strip_prefix(prefix)?.to_owned(), v.clone())))
                .collect();
            out.extend(found);
        };
        if let Some(ns) = namespace {
            overlay(&format!("{DEFAULTS_PREFIX}namespace.{ns}."));
        }
        if let Some(version) = flink_version.and_then(parse_flink_version) {
            let mut applying: Vec<((u32, u32), String)> = self
                .entries
                .iter()
                .filter_map(|(k, _)| {
                    let rest = k.strip_prefix(&format!("{DEFAULTS_PREFIX}flink-version."))?;
                    let (name, _) = rest.split_once('.')?;
                    let lower = parse_flink_version(name.strip_suffix('+')?)?;
                    (lower <= version)
                        .then(|| (lower, format!("{DEFAULTS_PREFIX}flink-version.{name}.")))
                })
                .collect();
            applying.sort();
            applying.dedup();
            for (_, prefix) in applying {
                overlay(&prefix);
            }
            if let Some(exact) = flink_version {
                overlay(&format!("{DEFAULTS_PREFIX}flink-version.{exact}."));
            }
        }
        FlinkConfig::from_pairs(out, "/spec")
    }
}

impl OperatorConfig {
    /// What the webhook judges a FlinkDeployment by: these defaults (for its namespace and Flink
    /// version) with the resource's own `flinkConfiguration` over them.
    pub fn effective(&self, deployment: &Value) -> FlinkConfig {
        let namespace = deployment.at("/metadata/namespace").and_then(Value::as_str);
        match deployment.get("spec") {
            Some(spec) => self.effective_for_spec(namespace, spec, "/spec"),
            None => self.defaults_for(namespace, None),
        }
    }

    /// The same for a FlinkDeployment spec at `at` (a blue/green template's, `/spec/template/spec`).
    pub fn effective_for_spec(
        &self,
        namespace: Option<&str>,
        spec: &Value,
        at: &str,
    ) -> FlinkConfig {
        let own = FlinkConfig::of_spec(spec, at);
        let configuration = format!("{at}/flinkConfiguration");
        let reported_at = if spec.field("flinkConfiguration").is_some() {
            configuration.as_str()
        } else {
            at
        };
        let version = spec.field("flinkVersion").and_then(Value::as_str);
        self.defaults_for(namespace, version)
            .overlaid_by(own, reported_at)
    }

    /// The operator's allowed jar URI schemes (1.15), lower-cased.
    pub fn allowed_jar_schemes(&self) -> Vec<String> {
        match self.get("kubernetes.operator.user.artifacts.allowed-schemes") {
            None => vec!["https".to_owned()],
            Some(list) => list
                .split(';')
                .map(|s| s.trim().to_ascii_lowercase())
                .filter(|s| !s.is_empty())
                .collect(),
        }
    }

    /// Whether the operator (1.15) refuses jar URIs on internal addresses.
    pub fn disallows_restricted_jar_hosts(&self) -> bool {
        !self
            .get("kubernetes.operator.user.artifacts.disallow-restricted-hosts")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("false"))
    }
}

/// `config.yaml`, else `flink-conf.yaml`, from a ConfigMap's data or Helm's defaultConfiguration.
fn embedded_file(map: &Map<String, Value>) -> Option<&str> {
    ["config.yaml", "flink-conf.yaml"]
        .iter()
        .find_map(|k| map.get(*k).and_then(Value::as_str))
}

/// Flink's legacy parser: `key: value` per line, `#` comments, the first `: ` splits.
fn legacy_lines(name: &str, text: &str) -> OperatorConfig {
    let entries = text
        .lines()
        .filter_map(|line| {
            let line = line
                .split_once('#')
                .map_or(line, |(before, _)| before)
                .trim();
            let (key, value) = line.split_once(": ")?;
            Some((key.trim().to_owned(), value.trim().to_owned()))
        })
        .collect();
    OperatorConfig {
        entries,
        source: Some(name.to_owned()),
    }
}

/// `v1_20` as (1, 20).
fn parse_flink_version(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.strip_prefix('v')?.split_once('_')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::flink_config::FlinkOption;

    #[test]
    fn the_stock_configuration_sets_slots_and_parallelism_only() {
        let stock = OperatorConfig::stock().defaults_for(Some("flink"), Some("v1_20"));
        assert_eq!(stock.get("parallelism.default").unwrap().value, "1");
        assert_eq!(stock.resolve(FlinkOption::CheckpointDir), None);
    }

    #[test]
    fn flat_nested_configmap_and_helm_values_read_alike() {
        let flat = "execution.checkpointing.dir: s3://b/cp\nkubernetes.operator.user.artifacts.allowed-schemes: https;s3\n";
        let nested = "execution:\n  checkpointing:\n    dir: s3://b/cp\nkubernetes.operator.user.artifacts.allowed-schemes: [https, s3]\n";
        let configmap = "apiVersion: v1\nkind: ConfigMap\ndata:\n  config.yaml: |\n    execution.checkpointing.dir: s3://b/cp\n    kubernetes.operator.user.artifacts.allowed-schemes: https;s3\n";
        let helm = "defaultConfiguration:\n  create: true\n  append: true\n  flink-conf.yaml: |+\n    execution.checkpointing.dir: s3://b/cp\n    kubernetes.operator.user.artifacts.allowed-schemes: https;s3\n";
        for text in [flat, nested, configmap, helm] {
            let config = OperatorConfig::parse("c", text).unwrap();
            assert_eq!(
                config.get("kubernetes.operator.user.artifacts.allowed-schemes"),
                Some("https;s3"),
                "{text}"
            );
            let defaults = config.defaults_for(None, None);
            assert_eq!(
                defaults.resolve(FlinkOption::CheckpointDir).unwrap().value,
                "s3://b/cp"
            );
        }
        let appended = OperatorConfig::parse("c", helm).unwrap();
        assert_eq!(appended.get("parallelism.default"), Some("1"));
    }

    #[test]
    fn namespace_and_version_overrides_apply_in_order() {
        let text = "a: base\n\
                    kubernetes.operator.default-configuration.namespace.prod.a: prod\n\
                    kubernetes.operator.default-configuration.flink-version.v1_18+.b: from-1.18\n\
                    kubernetes.operator.default-configuration.flink-version.v1_19+.b: from-1.19\n\
                    kubernetes.operator.default-configuration.flink-version.v2_0+.b: from-2.0\n\
                    kubernetes.operator.default-configuration.flink-version.v1_20.c: exactly-1.20\n";
        let config = OperatorConfig::parse("c", text).unwrap();
        let d = config.defaults_for(Some("prod"), Some("v1_20"));
        assert_eq!(d.get("a").unwrap().value, "prod");
        assert_eq!(d.get("b").unwrap().value, "from-1.19");
        assert_eq!(d.get("c").unwrap().value, "exactly-1.20");
        let d = config.defaults_for(Some("dev"), Some("v1_17"));
        assert_eq!(d.get("a").unwrap().value, "base");
        assert!(d.get("b").is_none() && d.get("c").is_none());
    }
}
