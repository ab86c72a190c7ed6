//! Kubernetes ObjectMeta, which a CRD leaves as `type: object` because the API server owns it.

use serde_json::{Value, json};

const DNS1123_SUBDOMAIN: &str =
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
const DNS1123_LABEL: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

pub fn schema() -> Value {
    let string_map = json!({"type": "object", "additionalProperties": {"type": "string"}});
    json!({
        "type": "object",
        "description": "Kubernetes ObjectMeta (meta/v1).",
        "properties": {
            "name": {
                "type": "string",
                "maxLength": 253,
                "pattern": DNS1123_SUBDOMAIN,
                "description": "A DNS-1123 subdomain: lower-case alphanumerics, '-' and '.'."
            },
            "generateName": {"type": "string"},
            "namespace": {"type": "string", "maxLength": 63, "pattern": DNS1123_LABEL},
            "labels": string_map,
            "annotations": string_map,
            "uid": {"type": "string"},
            "resourceVersion": {"type": "string"},
            "generation": {"type": "integer"},
            "selfLink": {"type": "string"},
            "creationTimestamp": {"type": ["string", "null"]},
            "deletionTimestamp": {"type": ["string", "null"]},
            "deletionGracePeriodSeconds": {"type": "integer"},
            "finalizers": {"type": "array", "items": {"type": "string"}},
            "ownerReferences": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["apiVersion", "kind", "name", "uid"],
                    "properties": {
                        "apiVersion": {"type": "string"},
                        "kind": {"type": "string"},
                        "name": {"type": "string"},
                        "uid": {"type": "string"},
                        "controller": {"type": "boolean"},
                        "blockOwnerDeletion": {"type": "boolean"}
                    }
                }
            },
            "managedFields": {
                "type": "array",
                "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}
            }
        },
        "anyOf": [{"required": ["name"]}, {"required": ["generateName"]}]
    })
}
