//! `flinkConfiguration` as Flink reads it: nested maps flattened with dots, and each option
//! resolved through its deprecated keys. Every rule that reads configuration goes through here.

use serde_json::Value;

use crate::pointer::{self, Lookup};

/// One flattened configuration entry, and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub value: String,
    /// JSON Pointer of the value within its resource.
    pub pointer: String,
}

/// Which Flink reads a configuration: the keys an option answers to changed with Flink 1.20
/// (FLINK-34255 named the checkpoint and savepoint directories `execution.checkpointing.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum FlinkLine {
    /// Flink 1.19 and earlier: the 1.10 operator's library, and jobs before 1.20.
    Before1_20,
    /// Flink 1.20 and later: the 1.11 to 1.15 operators' library, and jobs from 1.20.
    #[default]
    From1_20,
}

impl FlinkLine {
    /// The line of a resource's `spec.flinkVersion` (`v1_18`, `v2_0`); the newest when unknown.
    pub fn of_version(version: Option<&str>) -> FlinkLine {
        let parsed = version
            .and_then(|v| v.strip_prefix('v'))
            .and_then(|v| v.split_once('_'))
            .and_then(|(major, minor)| {
                Some((major.parse::<u32>().ok()?, minor.parse::<u32>().ok()?))
            });
        match parsed {
            Some(v) if v < (1, 20) => FlinkLine::Before1_20,
            _ => FlinkLine::From1_20,
        }
    }
}

/// The options the rules need, each with its current key first and its deprecated keys after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlinkOption {
    CheckpointDir,
    SavepointDir,
    HaMode,
    HaStorageDir,
    PeriodicSavepointInterval,
    /// How a restored job treats the savepoint it starts from: `CLAIM`, `NO_CLAIM`, `LEGACY`.
    ClaimMode,
    /// S3 entropy injection: paths inside a savepoint are then absolute.
    EntropyKey,
}

impl FlinkOption {
    /// The keys the Flink of `line` reads the option under, current first.
    pub fn keys_for(self, line: FlinkLine) -> &'static [&'static str] {
        let keys = self.keys();
        match (self, line) {
            (
                FlinkOption::CheckpointDir | FlinkOption::SavepointDir | FlinkOption::ClaimMode,
                FlinkLine::Before1_20,
            ) => &keys[1..],
            _ => keys,
        }
    }

    pub fn keys(self) -> &'static [&'static str] {
        match self {
            FlinkOption::CheckpointDir => &[
                "execution.checkpointing.dir",
                "state.checkpoints.dir",
                "state.backend.fs.checkpointdir",
            ],
            FlinkOption::SavepointDir => &[
                "execution.checkpointing.savepoint-dir",
                "state.savepoints.dir",
                "savepoints.state.backend.fs.dir",
            ],
            FlinkOption::HaMode => &[
                "high-availability.type",
                "high-availability",
                "recovery.mode",
            ],
            FlinkOption::HaStorageDir => &[
                "high-availability.storageDir",
                "high-availability.zookeeper.storageDir",
                "recovery.zookeeper.storageDir",
            ],
            FlinkOption::PeriodicSavepointInterval => {
                &["kubernetes.operator.periodic.savepoint.interval"]
            }
            // Flink 1.20 renamed it; 1.15 to 1.19 read only the old key, 1.20+ read it as an alias.
            FlinkOption::ClaimMode => &[
                "execution.state-recovery.claim-mode",
                "execution.savepoint-restore-mode",
            ],
            FlinkOption::EntropyKey => &["s3.entropy.key"],
        }
    }

    /// `execution.checkpointing.savepoint-dir (or state.savepoints.dir)`, for messages.
    pub fn describe(self) -> String {
        let keys = self.keys();
        match keys {
            [only] => (*only).to_owned(),
            [first, second, ..] => format!("{first} (or {second})"),
            [] => String::new(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FlinkConfig {
    entries: Vec<Entry>,
    /// The Flink that reads it, which decides the keys of an option.
    line: FlinkLine,
}

impl FlinkConfig {
    /// The resource's `spec.flinkConfiguration`, flattened.
    pub fn of(resource: &Value) -> FlinkConfig {
        match resource.field("spec") {
            Some(spec) => FlinkConfig::of_spec(spec, "/spec"),
            None => FlinkConfig::default(),
        }
    }

    /// A spec's `flinkConfiguration` (a FlinkDeployment's, or a blue/green template's), with
    /// pointers under `at`, the spec's own pointer.
    pub fn of_spec(spec: &Value, at: &str) -> FlinkConfig {
        let mut config = FlinkConfig::default();
        if let Some(conf) = spec.field("flinkConfiguration") {
            flatten(
                conf,
                "",
                &pointer::join(at, "flinkConfiguration"),
                &mut config.entries,
            );
        }
        config
    }

    /// A configuration file's mapping (the operator's), flattened the same way.
    pub fn flatten(value: &Value) -> Vec<Entry> {
        let mut entries = Vec::new();
        flatten(value, "", "", &mut entries);
        entries
    }

    /// Entries that come from outside the resource, all reported at `at`.
    pub fn from_pairs(pairs: Vec<(String, String)>, at: &str) -> FlinkConfig {
        FlinkConfig {
            line: FlinkLine::default(),
            entries: pairs
                .into_iter()
                .map(|(key, value)| Entry {
                    key,
                    value,
                    pointer: at.to_owned(),
                })
                .collect(),
        }
    }

    /// `self` with `top`'s entries taking precedence: a session job's configuration over its
    /// cluster's. Inherited entries live in another document, so they are reported at `inherited_at`.
    pub fn overlaid_by(&self, top: FlinkConfig, inherited_at: &str) -> FlinkConfig {
        let mut entries: Vec<Entry> = Vec::with_capacity(self.entries.len() + top.entries.len());
        entries.extend(
            self.entries
                .iter()
                .filter(|e| top.get(&e.key).is_none())
                .map(|e| Entry {
                    pointer: inherited_at.to_owned(),
                    ..e.clone()
                }),
        );
        entries.extend(top.entries);
        FlinkConfig {
            entries,
            line: self.line,
        }
    }

    /// The entry for a flattened key; the last one written wins, as in a map.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().rev().find(|e| e.key == key)
    }

    /// The entry of the first of `keys` that is present: how Flink reads an option through its
    /// deprecated and fallback keys.
    pub fn first_present(&self, keys: &[&str]) -> Option<&Entry> {
        keys.iter().find_map(|k| self.get(k))
    }

    /// The same configuration, read by the Flink of `line`.
    pub fn read_by(mut self, line: FlinkLine) -> FlinkConfig {
        self.line = line;
        self
    }

    /// The same configuration, read by another Flink (one configuration serves the operator's
    /// checks, read by its Flink, and the job's, read by the job's).
    pub fn reread_by(&mut self, line: FlinkLine) -> &FlinkConfig {
        self.line = line;
        self
    }

    pub fn line(&self) -> FlinkLine {
        self.line
    }

    /// The option's value, through its deprecated keys, as Flink reads it: the first key that is
    /// present wins, even when its value is empty (which then counts as unset).
    pub fn resolve(&self, option: FlinkOption) -> Option<&Entry> {
        self.first_present(option.keys_for(self.line))
            .filter(|e| !e.value.trim().is_empty())
    }

    /// A boolean option as Flink reads it (`true` or `false`, in any case), or its default;
    /// anything else is an error, as in Flink.
    pub fn boolean(&self, keys: &[&str], default: bool) -> Result<bool, String> {
        let Some(entry) = self.first_present(keys) else {
            return Ok(default);
        };
        match entry.value.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(format!(
                "{} is {:?}, which Flink cannot read as a boolean (true or false)",
                entry.key, entry.value
            )),
        }
    }

    /// High availability is on unless its mode is absent, `NONE` or `standalone` (Flink's old
    /// name for no HA), in any case.
    pub fn ha_enabled(&self) -> bool {
        self.resolve(FlinkOption::HaMode).is_some_and(|e| {
            let mode = e.value.trim();
            !mode.eq_ignore_ascii_case("none") && !mode.eq_ignore_ascii_case("standalone")
        })
    }
}

fn flatten(value: &Value, key: &str, at: &str, out: &mut Vec<Entry>) {
    flatten_into(value, &mut key.to_owned(), &mut at.to_owned(), out);
}

/// `key` and `at` grow and shrink with the walk: one buffer each, not two strings per level.
fn flatten_into(value: &Value, key: &mut String, at: &mut String, out: &mut Vec<Entry>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let (key_len, at_len) = (key.len(), at.len());
                if !key.is_empty() {
                    key.push('.');
                }
                key.push_str(k);
                at.push('/');
                pointer::push_escaped(at, k);
                flatten_into(v, key, at, out);
                key.truncate(key_len);
                at.truncate(at_len);
            }
        }
        Value::Null => {}
        leaf if !key.is_empty() => out.push(Entry {
            key: key.clone(),
            value: text(leaf),
            pointer: at.clone(),
        }),
        _ => {}
    }
}

/// A value as the operator turns it into configuration text; a list becomes `a;b`.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(";"),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A state directory, normalised so that `file:///a/b`, `file:/a/b`, `/a/b` and `/a/b/` compare equal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// `file` for local paths; the URI scheme otherwise.
    pub scheme: String,
    /// For `file`, the absolute path; otherwise the authority and path.
    pub path: String,
}

/// Object stores and distributed file systems that outlive any pod.
const DURABLE_SCHEMES: [&str; 10] = [
    "s3", "s3a", "s3p", "gs", "abfs", "abfss", "wasb", "wasbs", "oss", "hdfs",
];

impl Location {
    pub fn parse(dir: &str) -> Location {
        let dir = dir.trim();
        let (scheme, rest) = match dir.split_once(':') {
            Some((s, rest))
                if !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c)) =>
            {
                (s.to_ascii_lowercase(), rest)
            }
            _ => ("file".to_owned(), dir),
        };
        let rest = rest.strip_prefix("//").map_or(rest, |r| {
            if scheme == "file" {
                // file://host/path: only the empty host (file:///path) is local.
                r.find('/').map_or(r, |i| &r[i..])
            } else {
                r
            }
        });
        // `/a//b` is `/a/b` to every file system Flink writes to.
        let rest = rest.trim_end_matches('/');
        let mut path = if rest.as_bytes().windows(2).any(|pair| pair == b"//") {
            let mut path = String::with_capacity(rest.len());
            for c in rest.chars() {
                if !(c == '/' && path.ends_with('/')) {
                    path.push(c);
                }
            }
            path
        } else {
            rest.to_owned()
        };
        if path.is_empty() && scheme == "file" {
            path = "/".into();
        }
        Location { scheme, path }
    }

    pub fn is_local(&self) -> bool {
        self.scheme == "file"
    }

    pub fn is_durable_store(&self) -> bool {
        DURABLE_SCHEMES.contains(&self.scheme.as_str())
    }

    /// Whether `other` is this location or lies inside it.
    pub fn contains(&self, other: &Location) -> bool {
        self.scheme == other.scheme
            && (self.path == other.path
                || other
                    .path
                    .starts_with(&format!("{}/", self.path.trim_end_matches('/'))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flat_nested_and_fully_nested_are_one_key() {
        for conf in [
            json!({"state.savepoints.dir": "x"}),
            json!({"state": {"savepoints.dir": "x"}}),
            json!({"state": {"savepoints": {"dir": "x"}}}),
        ] {
            let c = FlinkConfig::of(&json!({"spec": {"flinkConfiguration": conf}}));
            let e = c.resolve(FlinkOption::SavepointDir).unwrap();
            assert_eq!(
                (e.key.as_str(), e.value.as_str()),
                ("state.savepoints.dir", "x")
            );
        }
        let c = FlinkConfig::of(
            &json!({"spec": {"flinkConfiguration": {"state": {"savepoints": {"dir": "x"}}}}}),
        );
        assert_eq!(
            c.get("state.savepoints.dir").unwrap().pointer,
            "/spec/flinkConfiguration/state/savepoints/dir"
        );
    }

    #[test]
    fn deprecated_keys_resolve_in_order() {
        let c = FlinkConfig::of(&json!({"spec": {"flinkConfiguration": {
            "state.backend.fs.checkpointdir": "old",
            "state.checkpoints.dir": "newer",
            "recovery.mode": "zookeeper",
            "slots": 2,
            "list": ["a", "b"]
        }}}));
        assert_eq!(
            c.resolve(FlinkOption::CheckpointDir).unwrap().value,
            "newer"
        );
        assert!(c.ha_enabled());
        assert_eq!(c.get("slots").unwrap().value, "2");
        assert_eq!(c.get("list").unwrap().value, "a;b");
        for off in ["NONE", "none", "standalone", "STANDALONE"] {
            let config = FlinkConfig::of(
                &json!({"spec": {"flinkConfiguration": {"high-availability": off}}}),
            );
            assert!(!config.ha_enabled(), "{off}");
        }
    }

    #[test]
    fn an_empty_current_key_hides_a_deprecated_one() {
        let c = FlinkConfig::of(&json!({"spec": {"flinkConfiguration": {
            "execution.checkpointing.dir": "",
            "state.checkpoints.dir": "s3://b/cp"
        }}}));
        assert_eq!(c.resolve(FlinkOption::CheckpointDir), None);
    }

    #[test]
    fn locations_normalise() {
        let a = Location::parse("file:///a/b");
        for same in [
            "file:/a/b",
            "/a/b",
            "/a/b/",
            "file:///a/b/",
            "/a//b",
            "file:///a//b//",
        ] {
            assert_eq!(Location::parse(same), a, "{same}");
        }
        assert!(a.contains(&Location::parse("/a/b/c")));
        assert!(!a.contains(&Location::parse("/a/bc")));
        assert!(!a.contains(&Location::parse("s3://a/b")));
        assert!(Location::parse("s3a://bucket/x").is_durable_store());
        assert!(Location::parse("/opt").is_local());
        for root in ["/", "file:///", "file:/", "///"] {
            assert_eq!(Location::parse(root).path, "/", "{root}");
        }
        assert_eq!(Location::parse("s3://b//x///y/").path, "b/x/y");
    }
}
