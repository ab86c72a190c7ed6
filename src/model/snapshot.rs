//! A saved FlinkStateSnapshot, read for what a restore needs: its target, state, time and location.
//!
//! Kept as a small record rather than the document: a backup folder holds ten snapshots or more
//! for every job (periodic snapshots accumulate), and a parsed document is ten times its text.

use std::hash::{BuildHasher, Hash, Hasher};

use serde_json::Value;

use crate::input::Origin;
use crate::model::blue_green::{self, Colour};
use crate::model::kind::Kind;
use crate::model::resource::{Resource, ResourceId, namespaces_agree};
use crate::model::timestamp::Timestamp;
use crate::packed::Packed;
use crate::pointer::Lookup;

/// `status.state`, as the operator writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotState {
    TriggerPending,
    InProgress,
    Completed,
    Failed,
    Abandoned,
}

impl SnapshotState {
    fn parse(text: &str) -> Option<SnapshotState> {
        Some(match text {
            "TRIGGER_PENDING" => SnapshotState::TriggerPending,
            "IN_PROGRESS" => SnapshotState::InProgress,
            "COMPLETED" => SnapshotState::Completed,
            "FAILED" => SnapshotState::Failed,
            "ABANDONED" => SnapshotState::Abandoned,
            _ => return None,
        })
    }

    /// Whether waiting can still make it usable.
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            SnapshotState::TriggerPending | SnapshotState::InProgress
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub origin: Option<Origin>,
    /// The text fields, in one buffer: a restore over many backups keeps tens of thousands of
    /// snapshots, and ten small strings each were a tenth of its memory.
    texts: Texts,
    checkpoint: bool,
    savepoint: bool,
    already_exists: bool,
    /// Stands for the whole document when copies are compared: equal documents, equal prints.
    pub fingerprint: u128,
}

/// The text fields a snapshot keeps, by where each is read.
#[derive(Debug, Clone, Copy)]
enum Field {
    Name,
    Namespace,
    JobKind,
    JobName,
    SpecPath,
    State,
    Error,
    StatusPath,
    ResultTimestamp,
    TriggerTimestamp,
}

impl Field {
    const ALL: [Field; 10] = [
        Field::Name,
        Field::Namespace,
        Field::JobKind,
        Field::JobName,
        Field::SpecPath,
        Field::State,
        Field::Error,
        Field::StatusPath,
        Field::ResultTimestamp,
        Field::TriggerTimestamp,
    ];

    fn pointer(self) -> &'static str {
        match self {
            Field::Name => "/metadata/name",
            Field::Namespace => "/metadata/namespace",
            Field::JobKind => "/spec/jobReference/kind",
            Field::JobName => "/spec/jobReference/name",
            Field::SpecPath => "/spec/savepoint/path",
            Field::State => "/status/state",
            Field::Error => "/status/error",
            Field::StatusPath => "/status/path",
            Field::ResultTimestamp => "/status/resultTimestamp",
            Field::TriggerTimestamp => "/status/triggerTimestamp",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Texts {
    packed: Packed,
    /// Where each `Field` ends in `packed`. Fields are packed in `Field::ALL` order, each starting
    /// where the one before ends: ten offsets instead of ten optional ranges, a restore over tens
    /// of thousands of snapshots keeps 150 bytes less of each.
    ends: [usize; Field::ALL.len()],
    /// Which fields the document has as a string, by bit (an empty string is not a missing one).
    present: u16,
}

impl Texts {
    fn of(value: &Value) -> Texts {
        let mut texts = Texts::default();
        for field in Field::ALL {
            let i = field as usize;
            texts.ends[i] = match value.at(field.pointer()).and_then(Value::as_str) {
                Some(text) => {
                    texts.present |= 1 << i;
                    texts.packed.push(text).end
                }
                None => i.checked_sub(1).map_or(0, |before| texts.ends[before]),
            };
        }
        texts.packed.shrink();
        texts
    }

    fn get(&self, field: Field) -> Option<&str> {
        let i = field as usize;
        if self.present & (1 << i) == 0 {
            return None;
        }
        let start = i.checked_sub(1).map_or(0, |before| self.ends[before]);
        Some(self.packed.get(start..self.ends[i]))
    }
}

impl Snapshot {
    pub fn of(resource: &Resource<'_>) -> Option<Snapshot> {
        if resource.kind != Kind::FlinkStateSnapshot {
            return None;
        }
        let value = resource.value;
        let present = |p: &str| value.at(p).is_some_and(|v| !v.is_null());
        Some(Snapshot {
            origin: resource.origin.cloned(),
            texts: Texts::of(value),
            checkpoint: present("/spec/checkpoint"),
            savepoint: present("/spec/savepoint"),
            already_exists: value.at("/spec/savepoint/alreadyExists") == Some(&Value::Bool(true)),
            fingerprint: fingerprint(value),
        })
    }

    pub fn name(&self) -> &str {
        self.texts.get(Field::Name).unwrap_or("<unnamed>")
    }

    pub fn namespace(&self) -> Option<&str> {
        self.texts.get(Field::Namespace)
    }

    /// `id` without the kind (always FlinkStateSnapshot) and without copying: for the sets that
    /// meet tens of thousands of snapshots.
    pub fn key(&self) -> (Option<&str>, &str) {
        (self.namespace(), self.name())
    }

    pub fn id(&self) -> ResourceId {
        ResourceId::new(Kind::FlinkStateSnapshot, self.namespace(), self.name())
    }

    /// `file:line: FlinkStateSnapshot/namespace/name`, for messages.
    pub fn located(&self) -> String {
        match &self.origin {
            Some(origin) => format!("{origin}: {}", self.id()),
            None => self.id().to_string(),
        }
    }

    /// `spec.jobReference`: the kind and name of the job it snapshots.
    pub fn job_reference(&self) -> Option<(&str, &str)> {
        Some((
            self.texts.get(Field::JobKind)?,
            self.texts.get(Field::JobName)?,
        ))
    }

    /// The resource it snapshots: named by its job reference, in its own namespace.
    pub fn target_id(&self) -> Option<ResourceId> {
        let (kind, name) = self.job_reference()?;
        Some(ResourceId::new(
            Kind::from_name(kind)?,
            self.namespace(),
            name,
        ))
    }

    /// Whether it snapshots `target`: by kind and name, in the same namespace where both say. A
    /// blue/green deployment's job runs in its children: a snapshot of either is one of it.
    pub fn refers_to(&self, target: &Resource<'_>) -> bool {
        let Some((kind, name)) = self.job_reference() else {
            return false;
        };
        let Some(target_name) = target.name() else {
            return false;
        };
        let named = match target.kind {
            Kind::FlinkBlueGreenDeployment => {
                kind == Kind::FlinkDeployment.name()
                    && Colour::BOTH
                        .iter()
                        .any(|&c| blue_green::child_name(target_name, c) == name)
            }
            _ => kind == target.kind.name() && name == target_name,
        };
        named && namespaces_agree(self.namespace(), target.namespace())
    }

    pub fn is_checkpoint(&self) -> bool {
        self.checkpoint && !self.savepoint
    }

    pub fn already_exists(&self) -> bool {
        self.already_exists
    }

    /// `status.state`, as written (TRIGGER_PENDING, IN_PROGRESS, COMPLETED, FAILED, ABANDONED).
    pub fn state_text(&self) -> Option<&str> {
        self.texts.get(Field::State)
    }

    pub fn state(&self) -> Option<SnapshotState> {
        self.state_text().and_then(SnapshotState::parse)
    }

    pub fn error(&self) -> Option<&str> {
        self.texts.get(Field::Error).filter(|e| !e.is_empty())
    }

    pub fn status_path(&self) -> Option<&str> {
        self.texts.get(Field::StatusPath).filter(|p| !p.is_empty())
    }

    pub fn spec_path(&self) -> Option<&str> {
        self.texts.get(Field::SpecPath).filter(|p| !p.is_empty())
    }

    /// `status.resultTimestamp` as written: when the snapshot completed or failed.
    pub fn result_timestamp_text(&self) -> Option<&str> {
        self.texts
            .get(Field::ResultTimestamp)
            .filter(|t| !t.is_empty())
    }

    /// `status.resultTimestamp`: `None` when absent, `Some(Err(text))` when it does not parse.
    pub fn result_time(&self) -> Option<Result<Timestamp, &str>> {
        self.result_timestamp_text()
            .map(|t| Timestamp::parse(t).ok_or(t))
    }

    /// When it last did anything: its result, else its trigger time.
    pub fn last_activity(&self) -> Option<Timestamp> {
        [Field::ResultTimestamp, Field::TriggerTimestamp]
            .into_iter()
            .find_map(|f| self.texts.get(f).and_then(Timestamp::parse))
    }

    /// Where the snapshot's data is, once it is usable for a restore.
    pub fn location(&self) -> Result<&str, String> {
        match (self.state(), self.state_text()) {
            (Some(SnapshotState::Completed), _) => {}
            (Some(state), Some(text)) => {
                let error = self
                    .error()
                    .map(|e| format!(" (status.error: {e:?})"))
                    .unwrap_or_default();
                let what_to_do = if state.is_pending() {
                    "wait until it is COMPLETED and save it again \
                     (`kubectl get flinkstatesnapshot NAME -o yaml`)"
                } else {
                    "it will not complete: take a new backup (`flink-backup backup`), or choose \
                     another snapshot with --snapshot"
                };
                return Err(format!("is {text}, not COMPLETED{error}; {what_to_do}"));
            }
            (None, Some(text)) => {
                return Err(format!(
                    "has status.state {text:?}, which the operator never writes; save it again \
                     with `kubectl get flinkstatesnapshot NAME -o yaml`"
                ));
            }
            (_, None) => {
                return Err("has no status.state: save it with `kubectl get flinkstatesnapshot NAME -o yaml` \
                     after the operator has marked it COMPLETED"
                    .to_owned());
            }
        }
        if let Some(path) = self.status_path() {
            return Ok(path);
        }
        if self.already_exists {
            if let Some(path) = self.spec_path() {
                return Ok(path);
            }
        }
        Err("is COMPLETED but its status.path is empty, so there is no savepoint location to restore from".to_owned())
    }
}

/// A 128-bit print of a value, equal for values `==` calls equal (mapping key order aside, as
/// serde_json's own equality has it). Two independent 64-bit hashes, so that two different saved
/// copies of a snapshot are never taken for one; both made in one walk, a hasher pair per mapping
/// entry (a mapping's entries are combined in any order) and none per other node.
fn fingerprint(value: &Value) -> u128 {
    static KEYS: std::sync::OnceLock<[std::hash::RandomState; 2]> = std::sync::OnceLock::new();
    let keys = KEYS.get_or_init(|| [std::hash::RandomState::new(), std::hash::RandomState::new()]);
    let mut pair = Pair::new(keys);
    pair.value(value);
    let [a, b] = pair.finish();
    (u128::from(a) << 64) | u128::from(b)
}

/// Two hashers fed the same bytes.
struct Pair<'k> {
    keys: &'k [std::hash::RandomState; 2],
    hashers: [std::hash::DefaultHasher; 2],
}

impl<'k> Pair<'k> {
    fn new(keys: &'k [std::hash::RandomState; 2]) -> Self {
        Pair {
            keys,
            hashers: keys.each_ref().map(BuildHasher::build_hasher),
        }
    }

    fn write<T: Hash + ?Sized>(&mut self, data: &T) {
        for hasher in &mut self.hashers {
            data.hash(hasher);
        }
    }

    fn finish(&self) -> [u64; 2] {
        self.hashers.each_ref().map(Hasher::finish)
    }

    fn value(&mut self, value: &Value) {
        match value {
            Value::Null => self.write(&0u8),
            Value::Bool(b) => self.write(&(1u8, b)),
            // Numbers keep their text (arbitrary precision): equal numbers, equal text.
            Value::Number(n) => self.write(&(2u8, n.as_str())),
            Value::String(s) => self.write(&(3u8, s)),
            Value::Array(items) => {
                self.write(&(4u8, items.len()));
                for item in items {
                    self.value(item);
                }
            }
            Value::Object(map) => {
                let mut combined = [0u64; 2];
                for (k, v) in map {
                    let mut entry = Pair::new(self.keys);
                    entry.write(k);
                    entry.value(v);
                    for (sum, part) in combined.iter_mut().zip(entry.finish()) {
                        *sum = sum.wrapping_add(part);
                    }
                }
                self.write(&(5u8, map.len(), combined));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equal_values_print_alike_and_different_ones_do_not() {
        let a = json!({"a": 1, "b": {"c": [1, "x"]}});
        let reordered = json!({"b": {"c": [1, "x"]}, "a": 1});
        assert_eq!(a, reordered);
        assert_eq!(fingerprint(&a), fingerprint(&reordered));
        for different in [
            json!({"a": 1, "b": {"c": ["x", 1]}}),
            json!({"a": 2, "b": {"c": [1, "x"]}}),
            json!({"a": "1", "b": {"c": [1, "x"]}}),
            json!({"a": 1}),
        ] {
            assert_ne!(fingerprint(&a), fingerprint(&different), "{different}");
        }
    }

    #[test]
    fn every_field_comes_back_as_read_and_a_missing_one_as_none() {
        // `Texts` finds a field's start at the end of the one before: `ALL` must be in order.
        assert!(Field::ALL.iter().enumerate().all(|(i, f)| *f as usize == i));
        let value = json!({
            "metadata": {"name": "sp-1", "namespace": ""},
            "spec": {"jobReference": {"kind": "FlinkDeployment", "name": 7}},
            "status": {"state": "COMPLETED", "path": "s3://b/sp-ä", "error": null},
        });
        let texts = Texts::of(&value);
        let expected = [
            (Field::Name, Some("sp-1")),
            (Field::Namespace, Some("")),
            (Field::JobKind, Some("FlinkDeployment")),
            (Field::JobName, None),
            (Field::SpecPath, None),
            (Field::State, Some("COMPLETED")),
            (Field::Error, None),
            (Field::StatusPath, Some("s3://b/sp-ä")),
            (Field::ResultTimestamp, None),
            (Field::TriggerTimestamp, None),
        ];
        for (field, text) in expected {
            assert_eq!(texts.get(field), text, "{field:?}");
        }
    }
}
