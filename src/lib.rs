//! flink-backup: validate, back up and restore Apache Flink Kubernetes Operator resources,
//! offline, as one YAML pipeline:
//!
//! sources (`input`) -> documents with origins -> resources (`model`) -> a check (`check`) or a
//! transform (`transform`) -> findings and manifests -> a sink (`output`).

pub mod allocator;
pub mod check;
pub mod cli;
pub mod config_file;
pub mod finding;
pub mod input;
pub mod krm;
pub mod model;
pub mod options;
pub mod output;
pub mod packed;
pub mod pointer;
pub mod refusal;
pub mod run;
pub mod schemas;
pub mod suggest;
pub mod transform;
pub mod validate;
pub mod yaml;
