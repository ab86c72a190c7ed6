//! `cargo xtask schemas`: regenerate `schemas/<release>/<kind>.json` from the CRDs in `schemas/crds/`.
//! `cargo xtask schemas --check`: fail if the committed schemas differ from what the CRDs give.
//! `cargo xtask docs`: rewrite the README's rule tables from the rule registry (`--check`: fail if
//! they differ).

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
        ["docs"] => write_docs(&repo_root()),
        ["docs", "--check"] => check_docs(&repo_root()),
        _ => Err("usage: cargo xtask schemas|docs [--check]".to_owned()),
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
        // The binary embeds exactly these: `flink_backup::schemas::serves` says which exist.
        for kind in Kind::ALL
            .into_iter()
            .filter(|&k| flink_backup::schemas::serves(release, k))
        {
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

/// The README as it should read: its rule tables generated from the registry.
fn readme_with_docs(root: &Path) -> Result<(PathBuf, String, String), String> {
    let path = root.join("README.md");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let generated = flink_backup::output::rule_docs::splice_into(&text)?;
    Ok((path, text, generated))
}

fn write_docs(root: &Path) -> Result<(), String> {
    let (path, _, generated) = readme_with_docs(root)?;
    std::fs::write(&path, generated).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("wrote the rule tables in README.md");
    Ok(())
}

fn check_docs(root: &Path) -> Result<(), String> {
    let (_, text, generated) = readme_with_docs(root)?;
    if text == generated {
        Ok(())
    } else {
        Err("README.md's rule tables differ from the rule registry; run `cargo xtask docs`".into())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn committed_schemas_match_the_crds() {
        super::check_schemas(&super::repo_root()).unwrap();
    }

    #[test]
    fn the_readme_rule_tables_match_the_registry() {
        super::check_docs(&super::repo_root()).unwrap();
    }
}
