//! Where a local state directory really lives: which volume of the `flink-main-container` holds
//! it, in the pod template that applies to the JobManager or the TaskManagers.

use crate::pointer::Lookup;
use serde_json::Value;

const MAIN_CONTAINER: &str = "flink-main-container";

#[derive(Debug, Clone, PartialEq)]
struct Mount {
    path: String,
    volume: String,
}

#[derive(Debug, Clone, PartialEq)]
struct Volume {
    name: String,
    /// `persistentVolumeClaim`, `emptyDir`, `hostPath`, ...
    kind: String,
    claim: Option<String>,
}

/// The mounts and volumes of one role's effective pod template.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PodStorage {
    mounts: Vec<Mount>,
    volumes: Vec<Volume>,
}

/// Both roles: `spec.podTemplate` overlaid by `jobManager.podTemplate` / `taskManager.podTemplate`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Storage {
    pub jobmanager: PodStorage,
    pub taskmanager: PodStorage,
}

/// Where a path lives, borrowed from the pod's mounts and volumes.
#[derive(Debug, Clone, PartialEq)]
pub enum Placement<'a> {
    /// On a PersistentVolumeClaim: survives the pod.
    Persistent {
        mount_path: &'a str,
        volume: &'a str,
        claim: &'a str,
    },
    /// On a volume that goes with the pod or the node.
    Ephemeral {
        mount_path: &'a str,
        volume: &'a str,
        kind: &'a str,
    },
    /// No volume mount covers it: the container's own filesystem.
    Unmounted,
}

impl Storage {
    pub fn of(deployment: &Value) -> Storage {
        Storage::of_spec(deployment.field("spec").unwrap_or(&Value::Null))
    }

    /// The pods of a FlinkDeployment spec (a blue/green template's too).
    pub fn of_spec(spec: &Value) -> Storage {
        let common = spec.field("podTemplate");
        let role = |name: &str| {
            let mut pod = PodStorage::default();
            pod.overlay(common);
            pod.overlay(spec.field(name).and_then(|r| r.field("podTemplate")));
            pod
        };
        Storage {
            jobmanager: role("jobManager"),
            taskmanager: role("taskManager"),
        }
    }
}

impl PodStorage {
    fn overlay(&mut self, template: Option<&Value>) {
        let Some(spec) = template.and_then(|t| t.field("spec")) else {
            return;
        };
        let containers = spec.field("containers").and_then(Value::as_array);
        for container in containers.into_iter().flatten() {
            if container.field("name").and_then(Value::as_str) != Some(MAIN_CONTAINER) {
                continue;
            }
            for m in container
                .field("volumeMounts")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let (Some(path), Some(volume)) = (
                    m.field("mountPath").and_then(Value::as_str),
                    m.field("name").and_then(Value::as_str),
                ) else {
                    continue;
                };
                self.mounts.retain(|existing| existing.path != path);
                self.mounts.push(Mount {
                    path: path.trim_end_matches('/').to_owned(),
                    volume: volume.to_owned(),
                });
            }
        }
        for v in spec
            .field("volumes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(name) = v.field("name").and_then(Value::as_str) else {
                continue;
            };
            let kind = v
                .as_object()
                .and_then(|o| o.keys().find(|k| *k != "name").cloned())
                .unwrap_or_else(|| "no source".to_owned());
            let claim = v
                .at("/persistentVolumeClaim/claimName")
                .and_then(Value::as_str)
                .map(str::to_owned);
            self.volumes.retain(|existing| existing.name != name);
            self.volumes.push(Volume {
                name: name.to_owned(),
                kind,
                claim,
            });
        }
    }

    /// The volume under `path` (an absolute local path), by the longest covering mount.
    pub fn place(&self, path: &str) -> Placement<'_> {
        let covering = self
            .mounts
            .iter()
            .filter(|m| {
                let base = if m.path.is_empty() {
                    "/"
                } else {
                    m.path.as_str()
                };
                path == base
                    || base == "/"
                    || path
                        .strip_prefix(base)
                        .is_some_and(|rest| rest.starts_with('/'))
            })
            .max_by_key(|m| m.path.len());
        let Some(mount) = covering else {
            return Placement::Unmounted;
        };
        let (mount_path, volume) = (mount.path.as_str(), mount.volume.as_str());
        match self.volumes.iter().find(|v| v.name == mount.volume) {
            Some(Volume {
                claim: Some(claim), ..
            }) => Placement::Persistent {
                mount_path,
                volume,
                claim,
            },
            Some(v) => Placement::Ephemeral {
                mount_path,
                volume,
                kind: &v.kind,
            },
            None => Placement::Ephemeral {
                mount_path,
                volume,
                kind: "undeclared volume",
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment() -> Value {
        json!({"spec": {
            "podTemplate": {"spec": {
                "containers": [{"name": "flink-main-container", "volumeMounts": [
                    {"name": "data", "mountPath": "/opt/flink/volume"},
                    {"name": "scratch", "mountPath": "/opt/flink/volume/tmp"}
                ]}],
                "volumes": [
                    {"name": "data", "persistentVolumeClaim": {"claimName": "flink-pvc"}},
                    {"name": "scratch", "emptyDir": {}}
                ]
            }},
            "taskManager": {"podTemplate": {"spec": {
                "volumes": [{"name": "data", "hostPath": {"path": "/mnt"}}]
            }}}
        }})
    }

    #[test]
    fn the_longest_mount_decides() {
        let s = Storage::of(&deployment());
        assert!(
            matches!(s.jobmanager.place("/opt/flink/volume/cp"), Placement::Persistent { claim, .. } if claim == "flink-pvc")
        );
        assert!(
            matches!(s.jobmanager.place("/opt/flink/volume/tmp/cp"), Placement::Ephemeral { kind, .. } if kind == "emptyDir")
        );
        assert_eq!(s.jobmanager.place("/data"), Placement::Unmounted);
    }

    #[test]
    fn a_role_template_overrides_the_common_one() {
        let s = Storage::of(&deployment());
        assert!(
            matches!(s.taskmanager.place("/opt/flink/volume/cp"), Placement::Ephemeral { kind, .. } if kind == "hostPath")
        );
    }
}
