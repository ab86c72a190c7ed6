//! Everything that leaves the program: reports, manifests, diffs, and where they are written.

pub mod diff;
pub mod in_place;
pub mod manifest;
pub mod patch;
pub mod report;
pub mod restored;
pub mod rule_docs;
pub mod saved_file;
pub mod sink;
pub mod spliced;
pub mod terminal;
pub mod velero;
