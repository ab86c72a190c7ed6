//! Everything that leaves the program: reports, manifests, diffs, and where they are written.

pub mod diff;
pub mod manifest;
pub mod report;
pub mod sink;
pub mod terminal;
