//! The operator's schemas, embedded at build time and compiled on first use per (release, kind).

use std::sync::OnceLock;

use jsonschema::Validator;
use serde_json::Value;

use crate::kind::Kind;
use crate::release::Release;

macro_rules! schema_files {
    ($($minor:literal),*) => {
        [$([
            include_str!(concat!("../schemas/", $minor, "/flinkdeployment.json")),
            include_str!(concat!("../schemas/", $minor, "/flinksessionjob.json")),
            include_str!(concat!("../schemas/", $minor, "/flinkstatesnapshot.json")),
        ]),*]
    };
}

/// Indexed by `Release::index()`, then `Kind::index()`.
static TEXT: [[&str; 3]; 6] = schema_files!("1.10", "1.11", "1.12", "1.13", "1.14", "1.15");

const SLOTS: usize = 6 * 3;
static PARSED: [OnceLock<Value>; SLOTS] = [const { OnceLock::new() }; SLOTS];
static COMPILED: [OnceLock<Validator>; SLOTS] = [const { OnceLock::new() }; SLOTS];

fn slot(release: Release, kind: Kind) -> usize {
    release.index() * 3 + kind.index()
}

/// The JSON Schema text, as committed under `schemas/`.
pub fn text(release: Release, kind: Kind) -> &'static str {
    TEXT[release.index()][kind.index()]
}

/// The schema as a value, for walks the validator does not do (unknown fields).
pub fn json(release: Release, kind: Kind) -> &'static Value {
    PARSED[slot(release, kind)].get_or_init(|| {
        serde_json::from_str(text(release, kind)).expect("embedded schemas are generated JSON")
    })
}

/// The compiled validator; compiled once, the first time a document of this kind is met.
pub fn validator(release: Release, kind: Kind) -> &'static Validator {
    COMPILED[slot(release, kind)].get_or_init(|| {
        jsonschema::validator_for(json(release, kind))
            .expect("embedded schemas compile; the schema tests prove it for every release")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_schema_compiles() {
        for release in Release::ALL {
            for kind in Kind::ALL {
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
}
