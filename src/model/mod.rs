//! Typed views over documents: what a resource is and what the rules and transforms read of it.

pub mod blue_green;
pub mod distribution;
pub mod flink_config;
pub mod java_uri;
pub mod kind;
pub mod label;
pub mod memory;
pub mod operator_config;
pub mod release;
pub mod resource;
pub mod savepoint_path;
pub mod session_cluster;
pub mod snapshot;
pub mod storage;
pub mod target;
pub mod timestamp;
