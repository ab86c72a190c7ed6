//! The YAML layer, and the only module that knows which YAML library is used.
//!
//! Reading follows kubectl (go-yaml v2, YAML 1.1 scalars, merge keys, JSON-style keys); writing
//! quotes every string another reader could take for something else. See the README's
//! "Why this YAML layer" for the evidence behind the choice of saphyr-parser.

mod block_subset;
mod read;
mod scalar;
mod splice;
pub mod tree;
mod write;

#[cfg(test)]
pub use read::DOCUMENTS_READ;
pub use read::{
    DocumentReader, DuplicateKey, Limits, LoadedDocument, Pos, PositionReader, Positions, YamlError,
};
pub use splice::{Declined, Edit, splice};
pub use write::{entry_lines, inline_scalar, key_text, to_yaml, to_yaml_stream};
