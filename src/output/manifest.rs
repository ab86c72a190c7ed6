//! Manifests out: a YAML stream for `kubectl apply -f -`, or JSON as kubectl prints it. Written
//! one manifest at a time, so a restore of thousands never holds them all.

use clap::ValueEnum;
use serde_json::Value;

use crate::yaml;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ManifestFormat {
    /// A YAML stream, one document per resource
    Yaml,
    /// One JSON object, or a v1 List of several, as `kubectl get -o json` prints them
    Json,
}

/// Manifests written as they come; `count` says how many there will be (JSON writes one object
/// alone, several as a List).
pub struct ManifestStream {
    format: ManifestFormat,
    count: usize,
    written: usize,
    text: String,
}

impl ManifestStream {
    pub fn new(format: ManifestFormat, count: usize) -> ManifestStream {
        ManifestStream {
            format,
            count,
            written: 0,
            text: String::new(),
        }
    }

    pub fn push(&mut self, value: &Value) {
        match self.format {
            ManifestFormat::Yaml => {
                self.text.push_str("---\n");
                self.text.push_str(&yaml::to_yaml(value));
            }
            ManifestFormat::Json if self.count == 1 => {
                self.text = serde_json::to_string_pretty(value).unwrap_or_default();
                self.text.push('\n');
            }
            ManifestFormat::Json => {
                self.text.push_str(if self.written == 0 {
                    "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [\n"
                } else {
                    ",\n"
                });
                let item = serde_json::to_string_pretty(value).unwrap_or_default();
                for (i, line) in item.lines().enumerate() {
                    if i > 0 {
                        self.text.push('\n');
                    }
                    self.text.push_str("    ");
                    self.text.push_str(line);
                }
            }
        }
        self.written += 1;
    }

    /// A YAML document already written (an edit of its saved text); `marked` when it carries
    /// its own `---` line.
    pub fn push_text(&mut self, text: &str, marked: bool) {
        if !marked {
            self.text.push_str(if text.contains("\r\n") {
                "---\r\n"
            } else {
                "---\n"
            });
        }
        self.text.push_str(text);
        if !text.ends_with('\n') {
            self.text.push('\n');
        }
        self.written += 1;
    }

    pub fn finish(mut self) -> String {
        if self.format == ManifestFormat::Json && self.count != 1 {
            if self.written == 0 {
                self.text.push_str(
                    "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [",
                );
            } else {
                self.text.push('\n');
                self.text.push_str("  ");
            }
            self.text.push_str("],\n  \"metadata\": {}\n}\n");
        }
        self.text
    }
}

pub fn render(values: &[&Value], format: ManifestFormat) -> String {
    let mut stream = ManifestStream::new(format, values.len());
    for value in values {
        stream.push(value);
    }
    stream.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn several_objects_become_a_list_in_json_as_kubectl_prints_it() {
        let a = json!({"kind": "A", "n": {"x": [1, 2]}});
        let b = json!({"kind": "B"});
        let text = render(&[&a, &b], ManifestFormat::Json);
        let expected = json!({"apiVersion": "v1", "kind": "List", "items": [a, b], "metadata": {}});
        assert_eq!(
            text,
            format!("{}\n", serde_json::to_string_pretty(&expected).unwrap())
        );
        assert_eq!(
            render(&[&a], ManifestFormat::Json),
            format!("{}\n", serde_json::to_string_pretty(&a).unwrap())
        );
        let empty: Value = serde_json::from_str(&render(&[], ManifestFormat::Json)).unwrap();
        assert_eq!(empty["items"], json!([]));
        assert_eq!(render(&[&b], ManifestFormat::Yaml), "---\nkind: B\n");
    }
}
