//! `.flink-backup.yaml`: a repository's settings, found without flags (the file a pre-commit run
//! or a CI job finds), or named by `--config FILE` or `FLINK_BACKUP_CONFIG`. Its keys mirror the
//! flags; flags given on the command line win over it.

use std::fmt;
use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use serde_json::Value;

use crate::check::policy::Setting;
use crate::check::registry::Selector;
use crate::model::distribution::DistributionSetting;
use crate::model::release::Release;
use crate::yaml::{DocumentReader, Limits, PositionReader};

pub const FILE_NAME: &str = ".flink-backup.yaml";
pub const ENV: &str = "FLINK_BACKUP_CONFIG";

/// How the file was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    Flag,
    Env,
    Discovered,
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Found::Flag => "--config",
            Found::Env => ENV,
            Found::Discovered => "found from the current directory",
        })
    }
}

/// A value, and the line of the file it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced<T> {
    pub value: T,
    pub line: usize,
}

#[derive(Debug)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub found: Found,
    pub operator_version: Option<Sourced<Release>>,
    pub distribution: Option<Sourced<DistributionSetting>>,
    /// Relative to the file's folder, made absolute.
    pub operator_config: Option<Sourced<PathBuf>>,
    pub backup_ready: Option<Sourced<bool>>,
    pub strict: Option<Sourced<bool>>,
    pub max_document_size: Option<Sourced<usize>>,
    pub fail_on_empty: Option<Sourced<bool>>,
    pub rules: Vec<(Selector, Sourced<Setting>)>,
    pub exclude: Vec<Sourced<String>>,
    excluded: Option<Gitignore>,
}

const KEYS: [&str; 10] = [
    "version",
    "operatorVersion",
    "distribution",
    "operatorConfig",
    "backupReady",
    "strict",
    "maxDocumentSize",
    "failOnEmpty",
    "rules",
    "exclude",
];

/// The file to use: `--config`, else `FLINK_BACKUP_CONFIG`, else `.flink-backup.yaml` in the
/// current directory or the nearest parent, up to the repository root.
pub fn locate(flag: Option<&Path>) -> Option<(PathBuf, Found)> {
    if let Some(path) = flag {
        return Some((path.to_owned(), Found::Flag));
    }
    if let Some(path) = std::env::var_os(ENV).filter(|p| !p.is_empty()) {
        return Some((PathBuf::from(path), Found::Env));
    }
    let mut dir = std::env::current_dir().ok()?;
    loop {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some((candidate, Found::Discovered));
        }
        // The repository root is as far as a repository's settings reach.
        if dir.join(".git").exists() || !dir.pop() {
            return None;
        }
    }
}

impl ConfigFile {
    /// Reads and checks the file: an unknown key, a bad rule id or severity is an error naming
    /// the file and line.
    pub fn load(path: &Path, found: Found) -> Result<ConfigFile, String> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{name}: cannot read the configuration file: {e}"))?;
        let value = match DocumentReader::new(&text, Limits::default()).next() {
            None => Value::Null,
            Some(Ok(doc)) => doc.value,
            Some(Err(e)) => return Err(format!("{name}:{}: {}", e.pos.line, e.message)),
        };
        let mut reader = PositionReader::new(&text, Limits::default());
        let positions = reader.positions(0);
        let at = |pointer: &str| positions.find(pointer, true).map_or(1, |p| p.line);
        let fail = |pointer: &str, why: String| Err(format!("{name}:{}: {why}", at(pointer)));
        let map = match value {
            Value::Object(map) => map,
            Value::Null => serde_json::Map::new(),
            _ => return fail("", "the configuration must be a mapping of settings".into()),
        };
        let folder = path.parent().unwrap_or(Path::new(".")).to_owned();
        let mut config = ConfigFile {
            path: path.to_owned(),
            found,
            operator_version: None,
            distribution: None,
            operator_config: None,
            backup_ready: None,
            strict: None,
            max_document_size: None,
            fail_on_empty: None,
            rules: Vec::new(),
            exclude: Vec::new(),
            excluded: None,
        };
        for (key, value) in &map {
            let pointer = crate::pointer::join("", key);
            let line = at(&pointer);
            let boolean = || {
                value
                    .as_bool()
                    .ok_or_else(|| format!("{name}:{line}: {key} takes true or false"))
            };
            match key.as_str() {
                "version" => {
                    if value.as_u64() != Some(1) {
                        return fail(
                            &pointer,
                            format!(
                                "version {value} is not one this flink-backup reads; write version: 1"
                            ),
                        );
                    }
                }
                "operatorVersion" => {
                    let text = value
                        .as_str()
                        .map_or_else(|| value.to_string(), str::to_owned);
                    let release = text
                        .parse::<Release>()
                        .map_err(|e| format!("{name}:{line}: operatorVersion: {e}"))?;
                    config.operator_version = Some(Sourced {
                        value: release,
                        line,
                    });
                }
                "distribution" => {
                    let setting = value
                        .as_str()
                        .and_then(|s| {
                            <DistributionSetting as clap::ValueEnum>::from_str(s, false).ok()
                        })
                        .ok_or_else(|| {
                            format!("{name}:{line}: distribution takes auto, apache or ibm")
                        })?;
                    config.distribution = Some(Sourced {
                        value: setting,
                        line,
                    });
                }
                "operatorConfig" => {
                    let file = value.as_str().ok_or_else(|| {
                        format!("{name}:{line}: operatorConfig takes a file path")
                    })?;
                    config.operator_config = Some(Sourced {
                        value: folder.join(file),
                        line,
                    });
                }
                "backupReady" => {
                    config.backup_ready = Some(Sourced {
                        value: boolean()?,
                        line,
                    })
                }
                "strict" => {
                    config.strict = Some(Sourced {
                        value: boolean()?,
                        line,
                    })
                }
                "failOnEmpty" => {
                    config.fail_on_empty = Some(Sourced {
                        value: boolean()?,
                        line,
                    })
                }
                "maxDocumentSize" => {
                    let size = value
                        .as_u64()
                        .and_then(|n| usize::try_from(n).ok())
                        .ok_or_else(|| {
                            format!("{name}:{line}: maxDocumentSize takes a number of bytes")
                        })?;
                    config.max_document_size = Some(Sourced { value: size, line });
                }
                "rules" => {
                    let rules = value
                        .as_object()
                        .ok_or_else(|| format!("{name}:{line}: rules maps rule ids or families to error, warning or off"))?;
                    for (id, setting) in rules {
                        let rule_pointer = crate::pointer::join(&pointer, id);
                        let line = at(&rule_pointer);
                        let selector =
                            Selector::parse(id).map_err(|e| format!("{name}:{line}: {e}"))?;
                        let setting = Setting::parse(setting).ok_or_else(|| {
                            format!("{name}:{line}: {id}: {setting} is not a severity; write error, warning or off")
                        })?;
                        config.rules.push((
                            selector,
                            Sourced {
                                value: setting,
                                line,
                            },
                        ));
                    }
                }
                "exclude" => {
                    let patterns = value.as_array().ok_or_else(|| {
                        format!("{name}:{line}: exclude takes a list of gitignore-style globs")
                    })?;
                    let mut builder = GitignoreBuilder::new(&folder);
                    for (i, pattern) in patterns.iter().enumerate() {
                        let line = at(&format!("{pointer}/{i}"));
                        let Some(pattern) = pattern.as_str() else {
                            return Err(format!("{name}:{line}: exclude patterns are strings"));
                        };
                        builder
                            .add_line(None, pattern)
                            .map_err(|e| format!("{name}:{line}: {pattern:?}: {e}"))?;
                        config.exclude.push(Sourced {
                            value: pattern.to_owned(),
                            line,
                        });
                    }
                    config.excluded =
                        Some(builder.build().map_err(|e| format!("{name}:{line}: {e}"))?);
                }
                _ => {
                    return fail(
                        &pointer,
                        format!("unknown key {key:?}; the keys are {}", KEYS.join(", ")),
                    );
                }
            }
        }
        Ok(config)
    }

    /// The effective configuration as a configuration file, each value commented with where it
    /// came from (`flink-backup config`).
    pub fn describe(file: Option<&ConfigFile>) -> String {
        let name = file.map(|c| c.path.display().to_string());
        let mut out = match (file, &name) {
            (Some(c), Some(name)) => {
                format!("# configuration file: {name} ({})\nversion: 1\n", c.found)
            }
            _ => format!(
                "# no configuration file: none given with --config or {ENV}, and no {FILE_NAME} \
                 in the current directory or a parent up to the repository root\nversion: 1\n"
            ),
        };
        let from = |line: Option<usize>| match (line, &name) {
            (Some(line), Some(name)) => format!("{name}:{line}"),
            _ => "default".to_owned(),
        };
        let row = |out: &mut String, key: &str, value: String, line: Option<usize>| {
            out.push_str(&format!("{key}: {value}  # {}\n", from(line)));
        };
        let get = |f: fn(&ConfigFile) -> Option<(String, usize)>| file.and_then(f);
        let (value, line) = get(|c| {
            c.operator_version
                .as_ref()
                .map(|s| (format!("\"{}\"", s.value.minor()), s.line))
        })
        .map_or(
            (format!("\"{}\"", Release::NEWEST.minor()), None),
            |(v, l)| (v, Some(l)),
        );
        row(&mut out, "operatorVersion", value, line);
        let (value, line) = get(|c| {
            c.distribution
                .as_ref()
                .map(|s| (s.value.name().to_owned(), s.line))
        })
        .map_or(("auto".to_owned(), None), |(v, l)| (v, Some(l)));
        row(&mut out, "distribution", value, line);
        if let Some((value, line)) = get(|c| {
            c.operator_config
                .as_ref()
                .map(|s| (format!("{:?}", s.value.display().to_string()), s.line))
        }) {
            row(&mut out, "operatorConfig", value, Some(line));
        } else {
            out.push_str("# operatorConfig: none, so the stock Helm chart's defaults\n");
        }
        let flag = |f: fn(&ConfigFile) -> Option<&Sourced<bool>>| {
            file.and_then(f).map_or(("false".to_owned(), None), |s| {
                (s.value.to_string(), Some(s.line))
            })
        };
        let (value, line) = flag(|c| c.backup_ready.as_ref());
        row(&mut out, "backupReady", value, line);
        let (value, line) = flag(|c| c.strict.as_ref());
        row(&mut out, "strict", value, line);
        let (value, line) = flag(|c| c.fail_on_empty.as_ref());
        row(&mut out, "failOnEmpty", value, line);
        let (value, line) = get(|c| {
            c.max_document_size
                .as_ref()
                .map(|s| (s.value.to_string(), s.line))
        })
        .map_or(
            (crate::input::DEFAULT_MAX_DOCUMENT_SIZE.to_string(), None),
            |(v, l)| (v, Some(l)),
        );
        row(&mut out, "maxDocumentSize", value, line);
        match file.filter(|c| !c.rules.is_empty()) {
            None => {
                out.push_str("rules: {}  # every rule at its default severity (see the README)\n")
            }
            Some(c) => {
                out.push_str("rules:\n");
                for (selector, setting) in &c.rules {
                    out.push_str(&format!(
                        "  {selector}: {}  # {}\n",
                        setting.value.name(),
                        from(Some(setting.line))
                    ));
                }
            }
        }
        match file.filter(|c| !c.exclude.is_empty()) {
            None => out.push_str("exclude: []\n"),
            Some(c) => {
                out.push_str("exclude:\n");
                for pattern in &c.exclude {
                    out.push_str(&format!(
                        "  - {:?}  # {}\n",
                        pattern.value,
                        from(Some(pattern.line))
                    ));
                }
            }
        }
        out
    }

    /// Whether `exclude:` leaves `path` out.
    pub fn excludes(&self, path: &Path) -> bool {
        let Some(excluded) = &self.excluded else {
            return false;
        };
        let absolute = if path.is_absolute() {
            path.to_owned()
        } else {
            std::env::current_dir()
                .map(|d| d.join(path))
                .unwrap_or_else(|_| path.to_owned())
        };
        // Paths outside the file's folder are not the repository's to exclude.
        let folder = self.path.parent().map(canonical).unwrap_or_default();
        let absolute = canonical(&absolute);
        absolute.starts_with(&folder)
            && excluded
                .matched_path_or_any_parents(&absolute, false)
                .is_ignore()
    }
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<ConfigFile, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, text).unwrap();
        ConfigFile::load(&path, Found::Flag)
            .map_err(|e| e.replace(&path.display().to_string(), FILE_NAME))
    }

    #[test]
    fn settings_are_read_with_their_lines() {
        let config = load("version: 1\noperatorVersion: 1.13\nrules:\n  unknown-field: warning\n  backup: off\n  jar-uri-unusable: \"off\"\nexclude:\n  - charts/**/templates/\n").unwrap();
        assert_eq!(
            config.operator_version.unwrap(),
            Sourced {
                value: Release::V1_13,
                line: 2
            }
        );
        let rules: Vec<(String, Setting, usize)> = config
            .rules
            .iter()
            .map(|(s, v)| (s.to_string(), v.value, v.line))
            .collect();
        assert_eq!(
            rules,
            [
                ("unknown-field".into(), Setting::Warning, 4),
                ("backup".into(), Setting::Off, 5),
                ("jar-uri-unusable".into(), Setting::Off, 6),
            ]
        );
        assert_eq!(config.exclude[0].line, 8);
    }

    #[test]
    fn mistakes_name_the_file_and_line() {
        for (text, expected) in [
            (
                "version: 1\nbackupready: true\n",
                ".flink-backup.yaml:2: unknown key \"backupready\"",
            ),
            (
                "rules:\n  unknown-feild: off\n",
                ".flink-backup.yaml:2: no rule or family \"unknown-feild\"",
            ),
            (
                "rules:\n  backup: fatal\n",
                ".flink-backup.yaml:2: backup: \"fatal\" is not a severity",
            ),
            ("version: 2\n", ".flink-backup.yaml:1: version 2"),
            (
                "strict: yes please\n",
                ".flink-backup.yaml:1: strict takes true or false",
            ),
        ] {
            let err = load(text).unwrap_err();
            assert!(err.starts_with(expected), "{text:?}: {err}");
        }
    }
}
