//! `--relocate FROM=TO`: the savepoint path and the state directories moved to where the state
//! now is (a PVC's savepoints copied to an object store after a cluster was lost). Since Flink
//! 1.11 a savepoint can be moved and restored from its new place, unless it was written with
//! entropy injection.

use std::fmt;
use std::str::FromStr;

use serde_json::{Value, json};

use crate::model::flink_config::{FlinkConfig, FlinkOption, Location};
use crate::model::savepoint_path;

/// One `FROM=TO`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relocation {
    pub from: String,
    pub to: String,
}

impl FromStr for Relocation {
    type Err = String;

    fn from_str(text: &str) -> Result<Relocation, String> {
        let Some((from, to)) = text.split_once('=') else {
            return Err(format!(
                "{text:?}: write FROM=TO, e.g. file:/opt/flink/volume=s3://bucket/flink"
            ));
        };
        for (what, part) in [("FROM", from), ("TO", to)] {
            if let Some(why) = savepoint_path::problem(part) {
                return Err(format!("{text:?}: its {what} {why}"));
            }
        }
        Ok(Relocation {
            from: from.to_owned(),
            to: to.trim_end_matches('/').to_owned(),
        })
    }
}

impl fmt::Display for Relocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.from, self.to)
    }
}

impl Relocation {
    /// `path` moved, when it is FROM or lies under it (on a path-segment boundary, `file:/a`,
    /// `file:///a` and `/a` being one place).
    pub fn apply(&self, path: &str) -> Option<String> {
        let from = Location::parse(&self.from);
        let here = Location::parse(path);
        if !from.contains(&here) {
            return None;
        }
        let rest = &here.path[from.path.trim_end_matches('/').len()..];
        Some(format!("{}{rest}", self.to))
    }
}

/// The first relocation that moves `path`, and where to: (index of the relocation, new path).
pub fn first_match(relocations: &[Relocation], path: &str) -> Option<(usize, String)> {
    relocations
        .iter()
        .enumerate()
        .find_map(|(i, r)| r.apply(path).map(|moved| (i, moved)))
}

/// A relocated value of the resource: where it is, what it was, what it becomes.
#[derive(Debug, Clone)]
pub struct Moved {
    pub pointer: String,
    pub key: String,
    pub from: String,
    pub to: String,
    pub by: usize,
}

/// The checkpoint, savepoint and HA directories the resource's own `flinkConfiguration` sets
/// (under `spec_at`), each moved by the first relocation that matches it.
pub fn directories(spec: &Value, spec_at: &str, relocations: &[Relocation]) -> Vec<Moved> {
    let own = FlinkConfig::of_spec(spec, spec_at);
    let mut out = Vec::new();
    for option in [
        FlinkOption::CheckpointDir,
        FlinkOption::SavepointDir,
        FlinkOption::HaStorageDir,
    ] {
        for key in option.keys() {
            let Some(entry) = own.get(key) else { continue };
            if let Some((by, to)) = first_match(relocations, &entry.value) {
                out.push(Moved {
                    pointer: entry.pointer.clone(),
                    key: entry.key.clone(),
                    from: entry.value.clone(),
                    to,
                    by,
                });
            }
        }
    }
    out
}

/// JSON Patch operations that write the moved values.
pub fn ops(moved: &[Moved]) -> Vec<Value> {
    moved
        .iter()
        .map(|m| json!({"op": "add", "path": m.pointer, "value": m.to}))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_move_on_segment_boundaries_whatever_their_spelling() {
        let r: Relocation = "file:/opt/flink/volume=s3://bucket/flink/".parse().unwrap();
        for (path, moved) in [
            (
                "file:/opt/flink/volume/flink-sp/savepoint-1",
                Some("s3://bucket/flink/flink-sp/savepoint-1"),
            ),
            (
                "file:///opt/flink/volume/flink-sp",
                Some("s3://bucket/flink/flink-sp"),
            ),
            ("/opt/flink/volume", Some("s3://bucket/flink")),
            ("/opt/flink/volume2/sp", None),
            ("s3://opt/flink/volume/sp", None),
        ] {
            assert_eq!(r.apply(path).as_deref(), moved, "{path}");
        }
        for bad in ["no-equals", "=s3://b", "relative/dir=s3://b", "/a= "] {
            assert!(bad.parse::<Relocation>().is_err(), "{bad}");
        }
    }
}
