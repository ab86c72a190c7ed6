//! Flags and the configuration file merged into what each stage takes: a flag given on the
//! command line wins over the file, the file over the defaults.

use std::sync::Arc;

use crate::check::CheckOptions;
use crate::check::policy::Policy;
use crate::check::registry::Selector;
use crate::cli::{InputArgs, ValidateArgs};
use crate::config_file::{self, ConfigFile};
use crate::input::{self, InputPath, ReadOptions};
use crate::model::operator_config::OperatorConfig;

/// Everything a command reads and judges with.
pub struct Options {
    pub config: Option<ConfigFile>,
    pub read: ReadOptions,
    pub check: CheckOptions,
}

impl Options {
    pub fn of(args: &InputArgs) -> Result<Options, String> {
        if let Some(name) = &args.stdin_filename {
            input::name_stdin(name);
        }
        let config = match config_file::locate(args.config.as_deref()) {
            Some((path, found)) => Some(ConfigFile::load(&path, found)?),
            None => None,
        };
        let file = config.as_ref();
        let read = ReadOptions {
            max_document_size: args
                .max_document_size
                .or_else(|| {
                    file.and_then(|c| c.max_document_size.as_ref())
                        .map(|s| s.value)
                })
                .unwrap_or(input::DEFAULT_MAX_DOCUMENT_SIZE),
            ..ReadOptions::default()
        };
        let operator_path = args.operator_config.clone().or_else(|| {
            file.and_then(|c| c.operator_config.as_ref())
                .map(|s| s.value.clone())
        });
        let operator = match operator_path {
            None => OperatorConfig::stock(),
            Some(path) => {
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    format!("--operator-config: cannot read {}: {e}", path.display())
                })?;
                OperatorConfig::parse(&path.display().to_string(), &text)
                    .map_err(|e| format!("--operator-config: {e}"))?
            }
        };
        let release = args.operator_version.or_else(|| {
            file.and_then(|c| c.operator_version.as_ref())
                .map(|s| s.value)
        });
        let check = CheckOptions {
            release: release.unwrap_or_default(),
            release_chosen: release.is_some(),
            distribution: args
                .distribution
                .or_else(|| file.and_then(|c| c.distribution.as_ref()).map(|s| s.value))
                .unwrap_or_default(),
            operator: Arc::new(operator),
            policy: Policy {
                settings: file
                    .map(|c| c.rules.iter().map(|(s, v)| (*s, v.value)).collect())
                    .unwrap_or_default(),
                backup_ready: file
                    .and_then(|c| c.backup_ready.as_ref())
                    .is_some_and(|s| s.value),
                strict: file
                    .and_then(|c| c.strict.as_ref())
                    .is_some_and(|s| s.value),
                ..Policy::default()
            },
        };
        Ok(Options {
            config,
            read,
            check,
        })
    }

    /// The input paths, directories expanded; the files `exclude:` leaves out are dropped, and
    /// counted.
    pub fn paths(&self, args: &InputArgs) -> Result<(Vec<InputPath>, usize), String> {
        let paths = input::expand_paths(&args.paths).map_err(|e| e.to_string())?;
        let Some(config) = &self.config else {
            return Ok((paths, 0));
        };
        let before = paths.len();
        let kept: Vec<InputPath> = paths
            .into_iter()
            .filter(|p| match p {
                InputPath::File(path) => !config.excludes(path),
                InputPath::Stdin => true,
            })
            .collect();
        let excluded = before - kept.len();
        Ok((kept, excluded))
    }

    /// `validate`'s policy: its flags over the file's settings.
    pub fn with_validate_flags(mut self, args: &ValidateArgs) -> Result<Options, String> {
        let policy = &mut self.check.policy;
        policy.strict |= args.strict;
        policy.backup_ready |= args.backup_ready;
        for id in &args.disable {
            policy
                .disabled
                .insert(Selector::parse(id).map_err(|e| format!("--disable: {e}"))?);
        }
        Ok(self)
    }

    /// `--fail-on-empty`, or the file's `failOnEmpty`.
    pub fn fail_on_empty(&self, args: &ValidateArgs) -> bool {
        args.fail_on_empty
            || self
                .config
                .as_ref()
                .and_then(|c| c.fail_on_empty.as_ref())
                .is_some_and(|s| s.value)
    }
}
