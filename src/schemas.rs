//! The operator's schemas, embedded at build time and compiled on first use per (release, kind).

use std::sync::OnceLock;

use jsonschema::Validator;
use serde_json::Value;

use crate::model::kind::Kind;
use crate::model::release::Release;

macro_rules! schema {
    ($minor:literal, $stem:literal) => {
        Some(include_str!(concat!(
            "../schemas/",
            $minor,
            "/",
            $stem,
            ".json"
        )))
    };
}

macro_rules! schema_files {
    ($($minor:literal: $blue_green:expr),*) => {
        [$([
            schema!($minor, "flinkdeployment"),
            schema!($minor, "flinksessionjob"),
            schema!($minor, "flinkstatesnapshot"),
            $blue_green,
        ]),*]
    };
}

const KINDS: usize = Kind::ALL.len();

/// Indexed by `Release::index()`, then `Kind::index()`; `None` where the release has no such CRD.
static TEXT: [[Option<&str>; KINDS]; 6] = schema_files!(
    "1.10": None,
    "1.11": None,
    "1.12": None,
    "1.13": None,
    "1.14": schema!("1.14", "flinkbluegreendeployment"),
    "1.15": schema!("1.15", "flinkbluegreendeployment")
);

const SLOTS: usize = 6 * KINDS;
static PARSED: [OnceLock<Value>; SLOTS] = [const { OnceLock::new() }; SLOTS];
static COMPILED: [OnceLock<Validator>; SLOTS] = [const { OnceLock::new() }; SLOTS];

fn slot(release: Release, kind: Kind) -> usize {
    release.index() * KINDS + kind.index()
}

/// Whether the release's operator serves the kind (has its CRD).
pub fn serves(release: Release, kind: Kind) -> bool {
    TEXT[release.index()][kind.index()].is_some()
}

/// The JSON Schema text, as committed under `schemas/`.
pub fn text(release: Release, kind: Kind) -> Option<&'static str> {
    TEXT[release.index()][kind.index()]
}

/// The schema as a value, for walks the validator does not do (unknown fields). The release's
/// operator must serve the kind (`serves`).
pub fn json(release: Release, kind: Kind) -> &'static Value {
    PARSED[slot(release, kind)].get_or_init(|| {
        let text = text(release, kind).expect("callers ask only for kinds the release serves");
        serde_json::from_str(text).expect("embedded schemas are generated JSON")
    })
}

/// The compiled validator; compiled once, the first time a document of this kind is met.
///
/// The schemas declare draft 2020-12, but are compiled by draft 7's rules: for the keywords they
/// use (`KEYWORDS` in the tests, which hold every schema to it) the two agree, and building the
/// 2020-12 meta-schema validator (which every compilation checks the schema against) costs 0.4 ms
/// of every run's start-up.
pub fn validator(release: Release, kind: Kind) -> &'static Validator {
    COMPILED[slot(release, kind)].get_or_init(|| compile(json(release, kind)))
}

/// The JSON Schema of `validate -o json`'s report.
pub const REPORT: &str = include_str!("../schemas/report.json");

/// `--version`: the tool's version, the operator releases whose schemas are embedded, and the
/// Flink versions each release's FlinkDeployment accepts.
pub fn version_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let mut out = format!(
            "{}\noperator releases (schemas embedded):\n",
            env!("CARGO_PKG_VERSION")
        );
        for release in Release::ALL {
            let versions: Vec<&str> = json(release, Kind::FlinkDeployment)
                .pointer("/properties/spec/properties/flinkVersion/enum")
                .and_then(Value::as_array)
                .map(|v| v.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let kinds: Vec<&str> = Kind::ALL
                .into_iter()
                .filter(|&k| serves(release, k))
                .map(Kind::name)
                .collect();
            out.push_str(&format!(
                "  {} ({}): flinkVersion {}; {}\n",
                release.minor(),
                release.patch(),
                versions.join(", "),
                kinds.join(", ")
            ));
        }
        out.push_str(
            "every release's operator refuses flinkVersion v1_13 and v1_14, which its CRD still \
             lists (rule flink-version-unsupported)",
        );
        out
    })
}

/// A fresh validator for an embedded schema (what `validator` caches; the benchmarks time it).
pub fn compile(schema: &Value) -> Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .build(schema)
        .expect("embedded schemas compile; the schema tests prove it for every release")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_schema_compiles() {
        for release in Release::ALL {
            for kind in Kind::ALL.into_iter().filter(|&k| serves(release, k)) {
                let v = validator(release, kind);
                let title = json(release, kind)["title"].as_str().unwrap();
                assert!(
                    title.contains(release.patch()) && title.contains(kind.name()),
                    "{title}"
                );
                assert!(!v.is_valid(&serde_json::json!({"kind": "Nope"})));
            }
        }
    }

    /// The keywords the generated schemas use. Each means the same under draft 7 as under draft
    /// 2020-12 (`items` only ever holds one schema, `$ref` has no siblings, `$defs` is only reached
    /// through `$ref` pointers, and there is no `format`); a test holds the schemas to this list.
    const KEYWORDS: &[&str] = &[
        "$schema",
        "$defs",
        "$ref",
        "title",
        "description",
        "type",
        "properties",
        "additionalProperties",
        "required",
        "items",
        "enum",
        "const",
        "anyOf",
        "pattern",
        "maxLength",
        "x-kubernetes-int-or-string",
        "x-kubernetes-preserve-unknown-fields",
    ];

    /// Every key in a schema position is one of `KEYWORDS`, `$ref` stands alone, and `items` is
    /// a single schema: what makes compiling by draft 7's rules mean what 2020-12 says.
    #[test]
    fn the_schemas_use_only_keywords_that_draft_7_reads_the_same() {
        fn walk(schema: &Value, at: &str) {
            let Value::Object(map) = schema else {
                panic!("{at}: not a schema object");
            };
            if map.contains_key("$ref") {
                assert_eq!(map.len(), 1, "{at}: $ref with siblings");
            }
            for (key, value) in map {
                assert!(KEYWORDS.contains(&key.as_str()), "{at}: keyword {key}");
                let here = format!("{at}/{key}");
                match key.as_str() {
                    "properties" | "$defs" => {
                        for (name, sub) in value.as_object().unwrap() {
                            walk(sub, &format!("{here}/{name}"));
                        }
                    }
                    "items" | "additionalProperties" if value.is_object() => walk(value, &here),
                    "anyOf" => {
                        for (i, sub) in value.as_array().unwrap().iter().enumerate() {
                            walk(sub, &format!("{here}/{i}"));
                        }
                    }
                    "items" => panic!("{here}: items must be one schema"),
                    _ => {}
                }
            }
        }
        for release in Release::ALL {
            for kind in Kind::ALL.into_iter().filter(|&k| serves(release, k)) {
                walk(
                    json(release, kind),
                    &format!("{}/{}", release.minor(), kind.name()),
                );
            }
        }
    }

    /// The same verdicts and errors from the draft 7 build and the 2020-12 build the schemas
    /// declare, over every fixture document.
    #[test]
    fn draft_7_and_2020_12_builds_agree_on_every_fixture() {
        use crate::input::{Entry, ReadOptions, entries, expand_paths, read_source};
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let paths = expand_paths(&[fixtures]).unwrap();
        let declared: Vec<Vec<Option<Validator>>> = Release::ALL
            .iter()
            .map(|&r| {
                Kind::ALL
                    .iter()
                    .map(|&k| serves(r, k).then(|| jsonschema::validator_for(json(r, k)).unwrap()))
                    .collect()
            })
            .collect();
        let mut compared = 0;
        for path in &paths {
            // Files that do not decode (binary, bad encodings) have no document to compare.
            let Ok(source) = read_source(path).unwrap() else {
                continue;
            };
            for entry in entries(&source, &ReadOptions::default()) {
                let Entry::Document(doc) = entry else {
                    continue;
                };
                for (r, &release) in Release::ALL.iter().enumerate() {
                    for (k, &kind) in Kind::ALL.iter().enumerate() {
                        let Some(declared) = &declared[r][k] else {
                            continue;
                        };
                        let errors = |v: &Validator| {
                            v.iter_errors(&doc.value)
                                .map(|e| format!("{} {}", e.instance_path(), e))
                                .collect::<Vec<_>>()
                        };
                        assert_eq!(
                            errors(validator(release, kind)),
                            errors(declared),
                            "{} as {kind:?} {}",
                            source.name,
                            release.minor()
                        );
                        compared += 1;
                    }
                }
            }
        }
        assert!(compared > 1000, "{compared}");
    }
}
