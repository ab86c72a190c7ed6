//! The webhook's checks of a FlinkStateSnapshot: exactly one of savepoint and checkpoint (N1),
//! and a job reference unless it registers a savepoint that already exists (N2, N3).

use serde_json::Value;

use crate::check::registry::Rule;
use crate::finding::Problem;
use crate::model::resource::Resource;
use crate::pointer::Lookup;

pub fn check(resource: Resource<'_>) -> Vec<Problem> {
    let mut out = Vec::new();
    let spec = resource.spec();
    let has = |f: &str| spec.and_then(|s| s.get(f)).is_some_and(|v| !v.is_null());
    let (savepoint, checkpoint) = (has("savepoint"), has("checkpoint"));
    if savepoint == checkpoint {
        out.push(Problem::new(
            Rule::SnapshotKindAmbiguous,
            if spec.is_some() { "/spec" } else { "" },
            if savepoint {
                "the operator refuses it: Exactly one of checkpoint or savepoint configurations has \
                 to be set; this snapshot has both: keep one"
            } else {
                "the operator refuses it: Exactly one of checkpoint or savepoint configurations has \
                 to be set: add spec.savepoint (e.g. {disposeOnDelete: false})"
            },
        ));
        return out;
    }
    let already_exists =
        savepoint && resource.value.at("/spec/savepoint/alreadyExists") == Some(&Value::Bool(true));
    if already_exists {
        // The operator checks nothing more of a savepoint that already exists.
        return out;
    }
    if !has("jobReference") {
        out.push(Problem::new(
            Rule::SnapshotJobReferenceMissing,
            "/spec",
            "the operator refuses it: Job reference must be supplied for this snapshot: set \
             spec.jobReference (kind FlinkDeployment or FlinkSessionJob, and name)",
        ));
    }
    out
}
