//! Every flag, once, with its help text; `--help`, the man page and completions come from here.

use std::path::PathBuf;

use clap::{Args, FromArgMatches, Parser, Subcommand};

use crate::model::distribution::DistributionSetting;
use crate::model::label;
use crate::model::release::Release;
use crate::model::savepoint_path;
use crate::model::target::TargetSelector;
use crate::output::manifest::ManifestFormat;
use crate::output::report::ReportSpec;
use crate::output::terminal::ColorChoice;
use crate::transform::restore::relocate::Relocation;

pub const EXIT_CODES: &str = "\
Exit codes:
  0  no errors (warnings allowed)
  1  at least one error: a finding, an unreadable document, or a refused backup or restore
  2  usage error, or a path that cannot be read";

/// The command line, parsed. `--version` lists every embedded schema's Flink versions, and that
/// takes parsing six schemas: 60% of a one-file run's instructions if done at every start, so it is
/// done only when `--version` is there to be answered.
pub fn parse() -> Cli {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let asks_version = args.iter().skip(1).any(|arg| arg == "--version");
    let matches = command(asks_version).get_matches_from(args);
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// The clap command, with `--version`'s long text when `with_version_text` (man page, completions).
pub fn command(with_version_text: bool) -> clap::Command {
    let command = <Cli as clap::CommandFactory>::command();
    if with_version_text {
        command.long_version(crate::schemas::version_text())
    } else {
        command
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "flink-backup",
    version,
    about = "Validate, back up and restore Apache Flink Kubernetes Operator resources, offline.",
    long_about = "Validate, back up and restore Apache Flink Kubernetes Operator resources \
                  (FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot), offline: YAML in, \
                  YAML out, no cluster access.",
    after_help = EXIT_CODES
)]
pub struct Cli {
    /// Without a subcommand, standard input must be a KRM ResourceList: its functionConfig
    /// (FlinkValidate, FlinkBackup or FlinkRestore) says what to run
    #[command(subcommand)]
    pub command: Option<Command>,
}

// A subcommand's arguments are built only when it runs (or its help, man page or completions are
// asked for): building every subcommand's was a tenth of a one-file run's instructions.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Check Flink resources against the operator's schemas and rules
    #[command(after_help = EXIT_CODES)]
    Validate(ValidateArgs),
    /// Write the FlinkStateSnapshot that backs up a saved, running FlinkDeployment or FlinkSessionJob
    #[command(after_help = EXIT_CODES)]
    Backup(BackupArgs),
    /// Rewrite a saved FlinkDeployment or FlinkSessionJob so it resumes from its savepoint
    #[command(after_help = EXIT_CODES)]
    Restore(RestoreArgs),
    /// Print the embedded JSON Schema of a kind, for editors (or of `-o json`'s report: `report`)
    Schema(SchemaArgs),
    /// Print the effective configuration, and where each value came from
    Config(ConfigArgs),
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff)
    Man,
}

// Where documents come from, and how they are read. (A plain comment: the subcommands are built
// on demand, `defer`, and a flattened struct's doc comment would then replace their about text.)
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files or directories (recursed for *.yaml, *.yml, *.json); `-` or nothing reads stdin
    pub paths: Vec<PathBuf>,

    /// Operator release whose schemas and webhook rules apply: 1.10 to 1.15 (a patch like 1.12.1
    /// is accepted). Without it, 1.15, and IBM's resources at IBM's release (see --distribution)
    #[arg(long, value_name = "VERSION", value_parser = parse_release)]
    pub operator_version: Option<Release>,

    /// Whose operator judges each resource: `auto` (the default) takes IBM's (the IBM Operator for
    /// Apache Flink that Event Processing ships, following Apache 1.13) for resources with IBM's
    /// licence keys and session jobs on their clusters, Apache's for the rest
    #[arg(long, value_enum)]
    pub distribution: Option<DistributionSetting>,

    /// Refuse documents larger than this many bytes [default: 8 MiB]
    #[arg(long, value_name = "BYTES")]
    pub max_document_size: Option<usize>,

    /// The operator's configuration (its config.yaml or flink-conf.yaml, flat or nested keys; its
    /// ConfigMap; or Helm values with defaultConfiguration): its defaults lie under every
    /// resource's flinkConfiguration. The stock Helm chart's without it
    #[arg(long, value_name = "FILE")]
    pub operator_config: Option<PathBuf>,

    /// The configuration file [default: $FLINK_BACKUP_CONFIG, else .flink-backup.yaml in the
    /// current directory or the nearest parent up to the repository root]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The name findings on standard input carry (editors and pre-commit wrappers pipe files)
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
}

// Where the output goes. (A plain comment, as `InputArgs`'s.)
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Write to FILE instead of stdout, atomically (a temporary file in the same folder, renamed)
    #[arg(short = 'O', long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,

    /// Allow --output-file to replace one of the input files
    #[arg(long, requires = "output_file")]
    pub in_place: bool,

    /// Colour: auto (a terminal; NO_COLOR turns it off, FORCE_COLOR or CLICOLOR_FORCE on),
    /// always, never
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub sink: OutputArgs,

    /// Report format: text, json, junit, sarif or github, to stdout (or -O FILE), or
    /// FORMAT=FILE to a file of its own (repeatable: -o text -o sarif=results.sarif; at most one
    /// on stdout) [default: text]
    #[arg(short, long, value_name = "FORMAT[=FILE]")]
    pub output: Vec<ReportSpec>,

    /// Unknown fields are errors whatever the configuration file says (they are by default)
    #[arg(long)]
    pub strict: bool,

    /// Backup prerequisites (state directories set, distinct and persistent) are errors, not warnings
    #[arg(long)]
    pub backup_ready: bool,

    /// Turn a rule off (repeatable); see the README for the rule ids
    #[arg(long, value_name = "RULE")]
    pub disable: Vec<String>,

    /// No summary line in the text report
    #[arg(short, long)]
    pub quiet: bool,

    /// Exit 1 when nothing was checked (no Flink resource in the input)
    #[arg(long)]
    pub fail_on_empty: bool,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// The configuration file [default: as validate finds it]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub sink: OutputArgs,

    /// Output format
    #[arg(short, long, value_enum, default_value_t = ManifestFormat::Yaml)]
    pub output: ManifestFormat,

    /// spec.savepoint.formatType
    #[arg(long, value_name = "TYPE", value_parser = ["CANONICAL", "NATIVE"])]
    pub format_type: Option<String>,

    /// Savepoint target directory (spec.savepoint.path); the job's configured directory otherwise
    #[arg(long, value_name = "DIR", value_parser = parse_location)]
    pub path: Option<String>,

    /// spec.backoffLimit: retries on failure (-1 for unlimited, the operator's default)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub backoff_limit: Option<i64>,

    /// Let deleting the snapshot resource delete the savepoint data (the operator's default)
    #[arg(long)]
    pub dispose_on_delete: bool,

    /// Add a label to the snapshot (repeatable)
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_label)]
    pub label: Vec<(String, String)>,

    /// Take a checkpoint instead of a savepoint (spec.checkpoint); Flink may delete checkpoint data
    #[arg(long)]
    pub checkpoint: bool,

    /// Skip the READY/RUNNING precondition
    #[arg(long)]
    pub force: bool,

    /// Name of the snapshot (one target only); default <target>-backup-<UTC yyyymmdd-hhmmss>,
    /// the time taken from SOURCE_DATE_EPOCH when it is set
    #[arg(long, value_name = "NAME", conflicts_with = "generate_name")]
    pub name: Option<String>,

    /// Emit metadata.generateName: <target>-backup- instead of a name, for `kubectl create`
    #[arg(long)]
    pub generate_name: bool,

    /// Older operators: emit the target with savepointTriggerNonce bumped instead of a snapshot
    #[arg(long, conflicts_with_all = ["checkpoint", "name", "generate_name", "path", "format_type", "backoff_limit", "dispose_on_delete", "label"])]
    pub trigger_nonce: bool,

    /// With --trigger-nonce: write the target in the tool's own layout instead of editing its
    /// saved text (whose comments, quoting and layout are kept by default)
    #[arg(long, requires = "trigger_nonce")]
    pub canonical: bool,

    /// Back up only this resource: KIND/NAME or NAMESPACE/KIND/NAME (repeatable; kinds by name or
    /// short name, e.g. flinkdep/app, flink/sessionjob/job)
    #[arg(long, value_name = "TARGET")]
    pub target: Vec<TargetSelector>,
}

fn parse_label(s: &str) -> Result<(String, String), String> {
    let Some((key, value)) = s.split_once('=') else {
        return Err(format!("expected KEY=VALUE, not {s:?}"));
    };
    match label::problem(key, value) {
        Some(why) => Err(why),
        None => Ok((key.to_owned(), value.to_owned())),
    }
}

/// A savepoint location: refused here, before anything is read, when it cannot be one.
fn parse_location(s: &str) -> Result<String, String> {
    match savepoint_path::problem(s) {
        Some(why) => Err(why),
        None => Ok(s.to_owned()),
    }
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub sink: OutputArgs,

    /// Output: a YAML stream, JSON (a List for several), the RFC 6902 JSON Patch, or Velero
    /// resource modifiers
    #[arg(short, long, value_enum, default_value_t = RestoreFormat::Yaml)]
    pub output: RestoreFormat,

    /// With -o velero: Velero's namespace, where the ConfigMap goes [default: velero]
    #[arg(long, value_name = "NS", value_parser = parse_namespace)]
    pub velero_namespace: Option<String>,

    /// With -o velero: the ConfigMap's name, for --resource-modifier-configmap [default:
    /// flink-restore]
    #[arg(long, value_name = "NAME", value_parser = parse_config_map_name)]
    pub name: Option<String>,

    /// With -o velero: JSON Patch rules instead of merge patches, for Velero 1.12.0 and 1.12.1
    #[arg(long)]
    pub velero_json_patch: bool,

    /// Restore from this location instead of a snapshot's status.path (one target only)
    #[arg(long, value_name = "PATH", value_parser = parse_location, conflicts_with_all = ["snapshot", "from_status"])]
    pub savepoint_path: Option<String>,

    /// Use the FlinkStateSnapshot with this name, instead of the newest COMPLETED one
    #[arg(long, value_name = "NAME")]
    pub snapshot: Option<String>,

    /// With no snapshot, take the path from the target's own status (upgradeSavepointPath, else
    /// savepointInfo.lastSavepoint.location: the older, nonce-based procedure)
    #[arg(long)]
    pub from_status: bool,

    /// Accept a checkpoint snapshot (Flink owns checkpoint data and may delete it)
    #[arg(long)]
    pub allow_checkpoint: bool,

    /// Value of spec.job.allowNonRestoredState
    #[arg(long, value_name = "BOOL", default_value_t = true, num_args = 0..=1,
          default_missing_value = "true", action = clap::ArgAction::Set)]
    pub allow_non_restored_state: bool,

    /// Also bump spec.job.savepointRedeployNonce, so an existing resource redeploys from the path
    #[arg(long)]
    pub redeploy: bool,

    /// Show a unified diff of each input file against the file with its resources restored,
    /// instead of the manifests
    #[arg(long, conflicts_with_all = ["output", "in_place"])]
    pub diff: bool,

    /// With --diff: exit 1 when the restore changes something, 0 when not (as `git diff
    /// --exit-code`)
    #[arg(long, requires = "diff")]
    pub exit_code: bool,

    /// Write YAML in the tool's own layout instead of editing the saved text (whose comments,
    /// quoting and layout are kept by default)
    #[arg(long)]
    pub canonical: bool,

    /// Restore only this resource: KIND/NAME or NAMESPACE/KIND/NAME (repeatable; kinds by name or
    /// short name, e.g. flinkdep/app, flink/sessionjob/job)
    #[arg(long, value_name = "TARGET")]
    pub target: Vec<TargetSelector>,

    /// Write the restore forms into this namespace (a DR cluster, or a copy beside the original);
    /// session jobs move with their cluster
    #[arg(long, value_name = "NS", value_parser = parse_namespace)]
    pub namespace: Option<String>,

    /// Move the savepoint path and the checkpoint, savepoint and HA directories that start with
    /// FROM to TO (repeatable), e.g. file:/opt/flink/volume=s3://bucket/flink
    #[arg(long, value_name = "FROM=TO")]
    pub relocate: Vec<Relocation>,

    /// Write NO_CLAIM where the configuration would let the restored job claim (and later
    /// delete) the savepoint
    #[arg(long, conflicts_with = "allow_claim")]
    pub no_claim: bool,

    /// Restore although the configuration claims the savepoint (CLAIM)
    #[arg(long)]
    pub allow_claim: bool,

    /// Restore although the savepoint is on no PersistentVolumeClaim the restored pods mount
    #[arg(long)]
    pub allow_unreachable_savepoint: bool,

    /// Restore although the input holds the deployment's HA ConfigMaps
    #[arg(long)]
    pub allow_ha_metadata: bool,
}

/// A Kubernetes namespace name (a DNS-1123 label).
fn parse_namespace(s: &str) -> Result<String, String> {
    let valid = !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-');
    if valid {
        Ok(s.to_owned())
    } else {
        Err(format!(
            "{s:?} is not a namespace name: lower-case letters, digits and '-', at most 63, \
             starting and ending with a letter or digit"
        ))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RestoreFormat {
    /// A YAML stream for `kubectl apply -f -`
    Yaml,
    /// One JSON object, or a v1 List of several
    Json,
    /// The RFC 6902 JSON Patch from the saved form to the restore form
    Patch,
    /// One ConfigMap of Velero resource modifiers that make the restore forms during `velero
    /// restore create`
    Velero,
}

/// A ConfigMap name (a DNS-1123 subdomain).
fn parse_config_map_name(s: &str) -> Result<String, String> {
    let valid = !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !part.starts_with('-')
                && !part.ends_with('-')
        });
    if valid {
        Ok(s.to_owned())
    } else {
        Err(format!(
            "{s:?} is not a ConfigMap name: lower-case letters, digits, '-' and '.', at most 253"
        ))
    }
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot or FlinkBlueGreenDeployment (plural and
    /// short names work too)
    pub kind: String,

    /// Operator release
    #[arg(long, value_name = "VERSION", default_value_t = Release::NEWEST, value_parser = parse_release)]
    pub operator_version: Release,
}

fn parse_release(s: &str) -> Result<Release, String> {
    s.parse()
}

#[cfg(test)]
mod tests {
    /// The subcommands are built on demand (`defer` on `Command`), after their doc comment has
    /// set their about text; a flattened struct's doc comment would then replace it in their
    /// help, man page and completions. Built, each keeps the text the top-level help lists.
    #[test]
    fn each_subcommand_keeps_its_own_about_text_once_built() {
        let listed: Vec<(String, String)> = super::command(false)
            .get_subcommands()
            .map(|s| (s.get_name().to_owned(), format!("{:?}", s.get_about())))
            .collect();
        assert!(listed.len() >= 7, "{listed:?}");
        let mut built = super::command(false);
        built.build();
        for (name, about) in listed {
            let sub = built.find_subcommand(&name).expect("listed subcommand");
            assert_eq!(format!("{:?}", sub.get_about()), about, "{name}");
            assert!(about.starts_with("Some("), "{name} has no about text");
        }
    }
}
