//! `cargo xtask schemas`: regenerate `schemas/<release>/<kind>.json` from the CRDs in `schemas/crds/`.
//! `cargo xtask schemas --check`: fail if the committed schemas differ from what the CRDs give.

mod crd;
mod factor;
mod object_meta;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use flink_backup::model::kind::Kind;
use flink_backup::model::release::Release;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["schemas"] => write_schemas(&repo_root()),
        ["schemas", "--check"] => check_schemas(&repo_root()),
        _ => Err("usage: cargo xtask schemas [--check]".to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the repository root")
        .to_path_buf()
}

/// Every (path, content) pair the generator produces.
fn generate(root: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let mut out = Vec::new();
    for release in Release::ALL {
        for kind in Kind::ALL {
            let crd_path = root
                .join("schemas/crds")
                .join(release.patch())
                .join(format!("{}.flink.apache.org-v1.yml", kind.plural()));
            let text = std::fs::read_to_string(&crd_path)
                .map_err(|e| format!("{}: {e}", crd_path.display()))?;
            let schema = crd::to_json_schema(&text, kind, release)
                .map_err(|e| format!("{}: {e}", crd_path.display()))?;
            // Compact: the binary embeds these, and parsing them is part of every run's start-up
            // (`flink-backup schema` prints them indented).
            let mut json = serde_json::to_string(&schema).map_err(|e| e.to_string())?;
            json.push('\n');
            let path = root
                .join("schemas")
                .join(release.minor())
                .join(format!("{}.json", kind.file_stem()));
            out.push((path, json));
        }
    }
    Ok(out)
}

fn write_schemas(root: &Path) -> Result<(), String> {
    for (path, json) in generate(root)? {
        std::fs::create_dir_all(path.parent().unwrap_or(root)).map_err(|e| e.to_string())?;
        std::fs::write(&path, json).map_err(|e| format!("{}: {e}", path.display()))?;
        println!(
            "wrote {}",
            path.strip_prefix(root).unwrap_or(&path).display()
        );
    }
    Ok(())
}

fn check_schemas(root: &Path) -> Result<(), String> {
    let stale: Vec<String> = generate(root)?
        .into_iter()
        .filter(|(path, json)| std::fs::read_to_string(path).ok().as_deref() != Some(json))
        .map(|(path, _)| path.display().to_string())
        .collect();
    if stale.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "these schemas differ from what the CRDs give; run `cargo xtask schemas`:\n  {}",
            stale.join("\n  ")
        ))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn committed_schemas_match_the_crds() {
        super::check_schemas(&super::repo_root()).unwrap();
    }
}
