//! Glue from parsed flags to a command and a sink: the only place that prints or picks exit codes.

use crate::check::registry::Selector;
use crate::check::{CheckOptions, Policy};
use crate::cli::{
    BackupArgs, Cli, Command, InputArgs, OutputArgs, RestoreArgs, RestoreFormat, SchemaArgs,
    ValidateArgs,
};
use crate::input::{self, Document, InputPath, Loaded, ReadOptions};
use crate::krm::{self, Requested};
use crate::model::kind::Kind;
use crate::output::diff;
use crate::output::manifest::{self, ManifestFormat};
use crate::output::report;
use crate::output::sink::{self, Destination};
use crate::output::terminal;
use crate::refusal::Refused;
use crate::schemas;
use crate::transform::backup::{self, BackupOptions};
use crate::transform::gate;
use crate::transform::restore::{self, RestoreOptions, source::SourceOptions};
use crate::validate;

pub const OK: u8 = 0;
pub const FAILED: u8 = 1;
pub const USAGE: u8 = 2;

pub fn run(cli: Cli) -> u8 {
    let result = match cli.command {
        None => krm_command(None),
        Some(Command::Validate(args)) => validate_command(args),
        Some(Command::Backup(args)) => backup_command(args),
        Some(Command::Restore(args)) => restore_command(args),
        Some(Command::Schema(args)) => schema_command(args),
        Some(Command::Completions { shell }) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut command, "flink-backup", &mut out);
            sink::write(&out, &Destination::Stdout, &[])
                .map(|()| OK)
                .map_err(Usage)
        }
        Some(Command::Man) => {
            let mut out = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
                .render(&mut out)
                .map_err(|e| Usage(e.to_string()))
                .and_then(|()| sink::write(&out, &Destination::Stdout, &[]).map_err(Usage))
                .map(|()| OK)
        }
    };
    match result {
        Ok(code) => code,
        Err(Usage(message)) => {
            eprintln!("flink-backup: {}", terminal::escape(&message));
            USAGE
        }
    }
}

/// A problem with how the tool was called, not with the documents (exit 2).
pub struct Usage(pub String);

fn read_options(args: &InputArgs) -> ReadOptions {
    ReadOptions {
        max_document_size: args.max_document_size,
        ..ReadOptions::default()
    }
}

fn input_paths(args: &InputArgs) -> Result<Vec<InputPath>, Usage> {
    input::expand_paths(&args.paths).map_err(|e| Usage(e.to_string()))
}

/// A ResourceList on stdin, when the command reads stdin and one is there.
fn resource_list_on_stdin(args: &InputArgs) -> Option<serde_json::Value> {
    let reads_stdin = args.paths.is_empty() || args.paths.iter().all(|p| p.as_os_str() == "-");
    if !reads_stdin {
        return None;
    }
    let bytes = input::stdin_bytes().ok()?;
    // A cheap look first: most stdin input is plain manifests.
    if !bytes.windows(12).any(|w| w == b"ResourceList") {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let first =
        crate::yaml::DocumentReader::new(text.trim_start_matches('\u{feff}'), Default::default())
            .next()?
            .ok()?;
    krm::is_resource_list(&first.value).then_some(first.value)
}

fn krm_command(requested: Option<(Requested, serde_json::Value)>) -> Result<u8, Usage> {
    let (requested, list) = match requested {
        Some((r, list)) => (Some(r), list),
        None => {
            let list = resource_list_on_stdin(&InputArgs {
                paths: Vec::new(),
                operator_version: crate::model::release::Release::NEWEST,
                max_document_size: input::DEFAULT_MAX_DOCUMENT_SIZE,
            })
            .ok_or_else(|| {
                Usage(
                    "no subcommand, and standard input is not a KRM ResourceList; see --help"
                        .to_owned(),
                )
            })?;
            (None, list)
        }
    };
    let outcome = krm::run(&list, requested);
    for message in &outcome.messages {
        eprintln!("{message}");
    }
    let text = crate::yaml::to_yaml(&outcome.resource_list);
    sink::write(text.as_bytes(), &Destination::Stdout, &[]).map_err(Usage)?;
    Ok(if outcome.failed { FAILED } else { OK })
}

fn validate_command(args: ValidateArgs) -> Result<u8, Usage> {
    let disabled = args
        .disable
        .iter()
        .map(|id| Selector::parse(id).map_err(|e| Usage(format!("--disable: {e}"))))
        .collect::<Result<_, _>>()?;
    let check = CheckOptions {
        release: args.input.operator_version,
        policy: Policy {
            strict: args.strict,
            backup_ready: args.backup_ready,
            disabled,
        },
    };
    if let Some(list) = resource_list_on_stdin(&args.input) {
        return krm_command(Some((Requested::Validate(check), list)));
    }
    let paths = input_paths(&args.input)?;
    let outcome = validate::run(&paths, &read_options(&args.input), &check)
        .map_err(|e| Usage(e.to_string()))?;
    let mut buffer = Vec::new();
    report::for_format(args.output, terminal::stdout_colour())
        .write(&outcome, &mut buffer)
        .map_err(|e| Usage(e.to_string()))?;
    emit(&buffer, &args.sink, &paths)?;
    Ok(if outcome.has_errors() { FAILED } else { OK })
}

fn backup_command(args: BackupArgs) -> Result<u8, Usage> {
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let now = backup::name::now(epoch.as_deref()).map_err(Usage)?;
    let options = BackupOptions {
        format_type: args.format_type,
        path: args.path,
        backoff_limit: args.backoff_limit,
        dispose_on_delete: args.dispose_on_delete,
        labels: args.label,
        checkpoint: args.checkpoint,
        force: args.force,
        name: args.name,
        generate_name: args.generate_name,
        trigger_nonce: args.trigger_nonce,
        now,
    };
    if let Some(list) = resource_list_on_stdin(&args.input) {
        let requested = Requested::Backup(options, args.input.operator_version);
        return krm_command(Some((requested, list)));
    }
    let paths = input_paths(&args.input)?;
    let Some(documents) = load(&args.input, &paths)? else {
        return Ok(FAILED);
    };
    let plan = match backup::plan(&documents, &options) {
        Ok(plan) => plan,
        Err(Refused(reasons)) => return Ok(refuse("backup", &reasons)),
    };
    let outputs: Vec<&serde_json::Value> = plan.manifests.iter().collect();
    if let Some(code) = gate("backup", &outputs, args.input.operator_version, &plan.notes) {
        return Ok(code);
    }
    emit(
        manifest::render(&outputs, args.output).as_bytes(),
        &args.sink,
        &paths,
    )?;
    Ok(OK)
}

fn restore_command(args: RestoreArgs) -> Result<u8, Usage> {
    let options = RestoreOptions {
        source: SourceOptions {
            savepoint_path: args.savepoint_path,
            snapshot: args.snapshot,
            from_status: args.from_status,
            allow_checkpoint: args.allow_checkpoint,
        },
        allow_non_restored_state: args.allow_non_restored_state,
        redeploy: args.redeploy,
    };
    if let Some(list) = resource_list_on_stdin(&args.input) {
        let requested = Requested::Restore(options, args.input.operator_version);
        return krm_command(Some((requested, list)));
    }
    let paths = input_paths(&args.input)?;
    let Some(documents) = load(&args.input, &paths)? else {
        return Ok(FAILED);
    };
    let plan = match restore::plan(&documents, &options) {
        Ok(plan) => plan,
        Err(Refused(reasons)) => return Ok(refuse("restore", &reasons)),
    };
    let outputs: Vec<&serde_json::Value> = plan.resources.iter().map(|r| &r.restored).collect();
    if let Some(code) = gate(
        "restore",
        &outputs,
        args.input.operator_version,
        &plan.notes,
    ) {
        return Ok(code);
    }
    let text = if args.diff {
        diff::render(&plan.resources, terminal::stdout_colour())
    } else {
        match args.output {
            RestoreFormat::Yaml => manifest::render(&outputs, ManifestFormat::Yaml),
            RestoreFormat::Json => manifest::render(&outputs, ManifestFormat::Json),
            RestoreFormat::Patch => restore::patch_output(&plan.resources),
        }
    };
    emit(text.as_bytes(), &args.sink, &paths)?;
    Ok(OK)
}

/// Every document of the input, or `None` after the unreadable ones were reported.
fn load(args: &InputArgs, paths: &[InputPath]) -> Result<Option<Vec<Document>>, Usage> {
    let loaded = input::load_all(paths, &read_options(args)).map_err(|e| Usage(e.to_string()))?;
    Ok(readable(loaded))
}

/// The schema gate before anything is written, then the notes: `Some(exit code)` when refused.
fn gate(
    command: &str,
    outputs: &[&serde_json::Value],
    release: crate::model::release::Release,
    notes: &[String],
) -> Option<u8> {
    if let Err(reasons) = gate::check(outputs, release) {
        return Some(refuse(command, &reasons));
    }
    for note in notes {
        eprintln!("flink-backup: {}", terminal::escape(note));
    }
    None
}

/// The documents, or `None` after reporting on stderr the ones that could not be read: a
/// transform never acts on half of its input.
fn readable(loaded: Loaded) -> Option<Vec<Document>> {
    if loaded.broken.is_empty() {
        return Some(loaded.documents);
    }
    for (origin, error) in &loaded.broken {
        eprintln!(
            "{}:{}:{}: error[yaml/yaml-syntax] {}",
            terminal::escape(&origin.file),
            error.pos.line,
            error.pos.column,
            terminal::escape(&error.message)
        );
    }
    eprintln!("flink-backup: nothing written: fix the input above first");
    None
}

fn refuse(command: &str, reasons: &[String]) -> u8 {
    for reason in reasons {
        eprintln!(
            "flink-backup: {command} refused: {}",
            terminal::escape(reason)
        );
    }
    FAILED
}

fn schema_command(args: SchemaArgs) -> Result<u8, Usage> {
    let kind = Kind::parse_loose(&args.kind).ok_or_else(|| {
        Usage(format!(
            "unknown kind {:?}: use FlinkDeployment, FlinkSessionJob or FlinkStateSnapshot",
            args.kind
        ))
    })?;
    // Embedded compact (parsing them is start-up time); shown indented, to be read.
    let mut text = serde_json::to_string_pretty(schemas::json(args.operator_version, kind))
        .map_err(|e| Usage(e.to_string()))?;
    text.push('\n');
    sink::write(text.as_bytes(), &Destination::Stdout, &[]).map_err(Usage)?;
    Ok(OK)
}

fn destination(sink: &OutputArgs) -> Destination {
    match &sink.output_file {
        Some(path) => Destination::File {
            path: path.clone(),
            in_place: sink.in_place,
        },
        None => Destination::Stdout,
    }
}

/// Writes a complete output in one go: nothing is written until all of it is ready.
fn emit(bytes: &[u8], sink: &OutputArgs, inputs: &[InputPath]) -> Result<(), Usage> {
    sink::write(bytes, &destination(sink), inputs).map_err(Usage)
}
