//! The commands that write manifests: `backup` (resource -> snapshot) and `restore` (resources ->
//! JSON Patch per target), and the gate every written manifest passes.

pub mod backup;
pub mod gate;
pub mod inventory;
pub mod restore;
