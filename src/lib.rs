//! flink-backup: validate, back up and restore Apache Flink Kubernetes Operator resources,
//! offline, as one YAML pipeline:
//!
//! sources (`input`) -> documents with origins -> resources (`resource`) -> a check (`check`)
//! or a transform -> findings placed in their file (`locate`) -> a sink (`report`, `yaml`).

pub mod backup;
pub mod check;
pub mod cli;
pub mod diff;
pub mod finding;
pub mod flink_config;
pub mod input;
pub mod kind;
pub mod krm;
pub mod locate;
pub mod manifest;
pub mod outgoing;
pub mod pointer;
pub mod refusal;
pub mod release;
pub mod report;
pub mod resource;
pub mod restore;
pub mod run;
pub mod schema;
pub mod session_cluster;
pub mod sink;
pub mod snapshot;
pub mod storage;
pub mod terminal;
pub mod validate;
pub mod yaml;
