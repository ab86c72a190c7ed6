//! Manifests out: a YAML stream for `kubectl apply -f -`, or JSON as kubectl prints it.

use clap::ValueEnum;
use serde_json::{Value, json};

use crate::yaml;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ManifestFormat {
    /// A YAML stream, one document per resource
    Yaml,
    /// One JSON object, or a v1 List of several, as `kubectl get -o json` prints them
    Json,
}

pub fn render(values: &[&Value], format: ManifestFormat) -> String {
    match format {
        ManifestFormat::Yaml => yaml::to_yaml_stream(values.iter().copied()),
        ManifestFormat::Json => {
            let doc = match values {
                [one] => (*one).clone(),
                many => json!({"apiVersion": "v1", "kind": "List", "items": many, "metadata": {}}),
            };
            let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
            text.push('\n');
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_objects_become_a_list_in_json() {
        let a = json!({"kind": "A"});
        let b = json!({"kind": "B"});
        let out: Value = serde_json::from_str(&render(&[&a, &b], ManifestFormat::Json)).unwrap();
        assert_eq!(out["kind"], "List");
        assert_eq!(out["items"], json!([a, b]));
        assert_eq!(render(&[&a], ManifestFormat::Yaml), "---\nkind: A\n");
    }
}
