//! A saved FlinkStateSnapshot, read for what a restore needs: its target, state and location.

use crate::pointer::Lookup;
use serde_json::Value;

use crate::model::kind::Kind;
use crate::model::resource::Resource;

#[derive(Debug, Clone, Copy)]
pub struct Snapshot<'a>(pub Resource<'a>);

impl<'a> Snapshot<'a> {
    pub fn of(resource: Resource<'a>) -> Option<Snapshot<'a>> {
        (resource.kind == Kind::FlinkStateSnapshot).then_some(Snapshot(resource))
    }

    pub fn name(&self) -> &'a str {
        self.0.name().unwrap_or("<unnamed>")
    }

    fn field(&self, pointer: &str) -> Option<&'a Value> {
        self.0.value.at(pointer)
    }

    fn text(&self, pointer: &str) -> Option<&'a str> {
        self.field(pointer).and_then(Value::as_str)
    }

    /// `spec.jobReference`: the kind and name of the job it snapshots.
    pub fn job_reference(&self) -> Option<(&'a str, &'a str)> {
        Some((
            self.text("/spec/jobReference/kind")?,
            self.text("/spec/jobReference/name")?,
        ))
    }

    pub fn is_checkpoint(&self) -> bool {
        self.field("/spec/checkpoint").is_some() && self.field("/spec/savepoint").is_none()
    }

    pub fn already_exists(&self) -> bool {
        self.field("/spec/savepoint/alreadyExists") == Some(&Value::Bool(true))
    }

    /// `status.state`: TRIGGER_PENDING, IN_PROGRESS, COMPLETED, FAILED or ABANDONED.
    pub fn state(&self) -> Option<&'a str> {
        self.text("/status/state")
    }

    pub fn error(&self) -> Option<&'a str> {
        self.text("/status/error").filter(|e| !e.is_empty())
    }

    pub fn status_path(&self) -> Option<&'a str> {
        self.text("/status/path").filter(|p| !p.is_empty())
    }

    pub fn spec_path(&self) -> Option<&'a str> {
        self.text("/spec/savepoint/path").filter(|p| !p.is_empty())
    }

    /// `status.resultTimestamp`, an RFC 3339 time: compared as text, which orders them correctly
    /// as long as they share a format, as the operator's do.
    pub fn result_timestamp(&self) -> Option<&'a str> {
        self.text("/status/resultTimestamp")
    }

    /// Where the snapshot's data is, once it is usable for a restore.
    pub fn location(&self) -> Result<&'a str, String> {
        match self.state() {
            Some("COMPLETED") => {}
            Some(state) => {
                let error = self
                    .error()
                    .map(|e| format!(" (status.error: {e:?})"))
                    .unwrap_or_default();
                return Err(format!(
                    "is {state}, not COMPLETED{error}; wait for it to complete, or take a new one"
                ));
            }
            None => {
                return Err("has no status.state: save it with `kubectl get flinkstatesnapshot NAME -o yaml` \
                     after the operator has marked it COMPLETED"
                    .to_owned());
            }
        }
        if let Some(path) = self.status_path() {
            return Ok(path);
        }
        if self.already_exists() {
            if let Some(path) = self.spec_path() {
                return Ok(path);
            }
        }
        Err("is COMPLETED but its status.path is empty, so there is no savepoint location to restore from".to_owned())
    }
}
