//! The build script: how the binary is linked (`link.rs`), and the embedded schemas prebuilt into
//! the trees the schema walks read (`schema_trees.rs`).

mod link;
mod schema_trees;

fn main() {
    println!("cargo:rerun-if-changed=build");
    link::configure();
    schema_trees::generate();
}
