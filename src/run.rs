//! Glue from parsed flags to a command and a sink: the only place that prints or picks exit codes.

use crate::check::CheckOptions;
use crate::cli::{
    BackupArgs, Cli, Command, ConfigArgs, OutputArgs, RestoreArgs, RestoreFormat, SchemaArgs,
    ValidateArgs,
};
use crate::config_file::{self, ConfigFile};
use crate::input::{self, Document, InputPath, Loaded};
use crate::krm::{self, Requested};
use crate::model::kind::Kind;
use crate::model::resource::{Classified, classify};
use crate::options::Options;
use crate::output::manifest::{ManifestFormat, ManifestStream};
use crate::output::report::{self, ReportSpec};
use crate::output::restored::{Mode, RestoredWriter};
use crate::output::sink::{self, Destination};
use crate::output::spliced::Editor;
use crate::output::terminal;
use crate::output::velero::VeleroOptions;
use crate::refusal::{Refusal, Refused};
use crate::schemas;
use crate::transform::backup::{self, BackupOptions};
use crate::transform::gate::{self, Outgoing};
use crate::transform::inventory::TransformInput;
use crate::transform::restore::hazards::Allowances;
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
        Some(Command::Config(args)) => config_command(args),
        Some(Command::Completions { shell }) => {
            let mut command = crate::cli::command(true);
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut command, "flink-backup", &mut out);
            sink::write(&out, &Destination::Stdout, &[])
                .map(|()| OK)
                .map_err(Usage)
        }
        Some(Command::Man) => {
            let mut out = Vec::new();
            clap_mangen::Man::new(crate::cli::command(true))
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

/// A ResourceList on stdin, when the command reads stdin and one is there.
fn resource_list_on_stdin(paths: &[std::path::PathBuf]) -> Option<serde_json::Value> {
    let reads_stdin = paths.is_empty() || paths.iter().all(|p| p.as_os_str() == "-");
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
            let list = resource_list_on_stdin(&[]).ok_or_else(|| {
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
    let options = Options::of(&args.input)
        .and_then(|o| o.with_validate_flags(&args))
        .map_err(Usage)?;
    if let Some(list) = resource_list_on_stdin(&args.input.paths) {
        return krm_command(Some((Requested::Validate(options.check), list)));
    }
    let specs = if args.output.is_empty() {
        vec![ReportSpec {
            format: report::Format::Text,
            file: None,
        }]
    } else {
        args.output.clone()
    };
    if specs.iter().filter(|s| s.file.is_none()).count() > 1 {
        return Err(Usage(
            "-o: at most one report goes to stdout; give the others a file (-o sarif=results.sarif)"
                .into(),
        ));
    }
    let (paths, excluded) = options.paths(&args.input).map_err(Usage)?;
    let passes = if specs.iter().any(|s| s.format.lists_passes()) {
        validate::Passes::Listed
    } else {
        validate::Passes::Counted
    };
    let outcome = validate::run(&paths, &options.read, &options.check, passes)
        .map_err(|e| Usage(e.to_string()))?;
    for spec in &specs {
        let style = report::Style {
            colour: spec.file.is_none() && terminal::stdout_colour(args.sink.color),
            quiet: args.quiet,
        };
        let mut buffer = Vec::new();
        report::for_format(spec.format, style)
            .write(&outcome, &mut buffer)
            .map_err(|e| Usage(e.to_string()))?;
        match &spec.file {
            None => emit(&buffer, &args.sink, &paths)?,
            Some(file) => {
                let to = Destination::File {
                    path: file.clone(),
                    in_place: false,
                };
                sink::write(&buffer, &to, &paths).map_err(Usage)?;
            }
        }
    }
    let s = &outcome.summary;
    if s.valid + s.invalid == 0 {
        let mut why = format!(
            "{} {} in {} {}",
            s.documents,
            if s.documents == 1 {
                "document"
            } else {
                "documents"
            },
            s.files,
            if s.files == 1 { "file" } else { "files" }
        );
        if excluded > 0 {
            why.push_str(&format!(", {excluded} excluded by the configuration file"));
        }
        if s.templates > 0 {
            why.push_str(&format!(", {} Helm templates", s.templates));
        }
        eprintln!("flink-backup: warning: no Flink resource was checked ({why})");
        if options.fail_on_empty(&args) {
            return Ok(FAILED);
        }
    }
    Ok(if outcome.has_errors() { FAILED } else { OK })
}

fn backup_command(args: BackupArgs) -> Result<u8, Usage> {
    let run = Options::of(&args.input).map_err(Usage)?;
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let now = backup::name::now(epoch.as_deref()).map_err(Usage)?;
    let options = BackupOptions {
        format_type: args.format_type,
        path: args.path,
        backoff_limit: args.backoff_limit,
        release: run.check.release,
        dispose_on_delete: args.dispose_on_delete,
        labels: args.label,
        checkpoint: args.checkpoint,
        force: args.force,
        name: args.name,
        generate_name: args.generate_name,
        trigger_nonce: args.trigger_nonce,
        targets: args.target,
        now,
    };
    if let Some(list) = resource_list_on_stdin(&args.input.paths) {
        let requested = Requested::Backup(options, run.check);
        return krm_command(Some((requested, list)));
    }
    let (paths, _) = run.paths(&args.input).map_err(Usage)?;
    let Some(input) = load(&run, &paths)? else {
        return Ok(FAILED);
    };
    let documents = &input.documents;
    let plan = match backup::plan(&input, &options) {
        Ok(plan) => plan,
        Err(Refused(reasons)) => return Ok(refuse("backup", &reasons)),
    };
    let outgoing: Vec<Outgoing<'_>> = plan
        .manifests
        .iter()
        .map(|m| Outgoing {
            value: &m.manifest,
            from: Some(&documents[m.target].origin),
        })
        .collect();
    let outputs: Vec<&serde_json::Value> = plan.manifests.iter().map(|m| &m.manifest).collect();
    if let Some(code) = gate("backup", &outgoing, &run.check, &plan.notes) {
        return Ok(code);
    }
    let mut stream = ManifestStream::new(args.output, outputs.len());
    let mut editor = Editor::new(args.canonical, false);
    for made in &plan.manifests {
        match (&made.edit, args.output) {
            (Some(edit), ManifestFormat::Yaml) => {
                let saved = &documents[made.target];
                let label = match classify(&saved.value) {
                    Classified::Flink(r) => r.id().to_string(),
                    _ => "the target".to_owned(),
                };
                let (text, marked) = editor.yaml(saved, &label, edit, &made.manifest);
                stream.push_text(&text, marked);
            }
            _ => stream.push(&made.manifest),
        }
    }
    print_notes(&editor.notes);
    emit(stream.finish().as_bytes(), &args.sink, &paths)?;
    Ok(OK)
}

/// `-o velero` and its flags, which mean nothing without it.
fn velero_options(args: &RestoreArgs) -> Result<VeleroOptions, Usage> {
    let is_velero = args.output == RestoreFormat::Velero;
    if !is_velero {
        for (given, flag) in [
            (args.velero_namespace.is_some(), "--velero-namespace"),
            (args.name.is_some(), "--name"),
            (args.velero_json_patch, "--velero-json-patch"),
        ] {
            if given {
                return Err(Usage(format!("{flag} needs -o velero")));
            }
        }
    } else if args.namespace.is_some() {
        return Err(Usage(
            "--namespace with -o velero: Velero matches its rules to the namespace the backup \
             holds; map it with `velero restore create --namespace-mappings OLD:NEW` instead"
                .to_owned(),
        ));
    } else if args.sink.in_place {
        return Err(Usage(
            "--in-place with -o velero: the rules are a new ConfigMap, not an edit of the input; \
             write them with -O FILE"
                .to_owned(),
        ));
    }
    Ok(VeleroOptions {
        namespace: args
            .velero_namespace
            .clone()
            .unwrap_or_else(|| "velero".into()),
        name: args.name.clone().unwrap_or_else(|| "flink-restore".into()),
        json_patches: args.velero_json_patch,
    })
}

fn restore_command(args: RestoreArgs) -> Result<u8, Usage> {
    let run = Options::of(&args.input).map_err(Usage)?;
    let velero = velero_options(&args)?;
    let check = run.check.clone();
    let options = RestoreOptions {
        source: SourceOptions {
            savepoint_path: args.savepoint_path,
            snapshot: args.snapshot,
            from_status: args.from_status,
            allow_checkpoint: args.allow_checkpoint,
        },
        allow_non_restored_state: args.allow_non_restored_state,
        redeploy: args.redeploy,
        targets: args.target,
        namespace: args.namespace,
        relocations: args.relocate,
        no_claim: args.no_claim,
        allow: Allowances {
            claim: args.allow_claim,
            unreachable_savepoint: args.allow_unreachable_savepoint,
            ha_metadata: args.allow_ha_metadata,
        },
        operator: check.operator.clone(),
    };
    if let Some(list) = resource_list_on_stdin(&args.input.paths) {
        let requested = Requested::Restore(options, check);
        return krm_command(Some((requested, list)));
    }
    let (paths, _) = run.paths(&args.input).map_err(Usage)?;
    let Some(input) = load(&run, &paths)? else {
        return Ok(FAILED);
    };
    let plan = match restore::plan(&input, &options) {
        Ok(plan) => plan,
        Err(Refused(reasons)) => return Ok(refuse("restore", &reasons)),
    };
    let documents = &input.documents;
    let mode = match in_place_file(&args.sink, &paths) {
        Some(file) => Mode::InPlace {
            name: file.display_name().into(),
        },
        None if args.diff => Mode::Diff {
            colour: terminal::stdout_colour(args.sink.color),
        },
        None => match args.output {
            RestoreFormat::Yaml => Mode::Manifests(ManifestFormat::Yaml),
            RestoreFormat::Json => Mode::Manifests(ManifestFormat::Json),
            RestoreFormat::Patch => Mode::Patch,
            RestoreFormat::Velero => Mode::Velero(velero),
        },
    };
    // One resource at a time: its restore form is made, gated, written and dropped.
    let mut writer = RestoredWriter::new(mode, args.canonical, documents, plan.resources.len());
    let mut refusals = Vec::new();
    let mut cluster_forms = std::collections::HashMap::new();
    for (index, r) in plan.resources.iter().enumerate() {
        let value = match r.apply(documents) {
            Ok(value) => value,
            Err(refusal) => {
                refusals.push(refusal);
                continue;
            }
        };
        let outgoing = Outgoing {
            value: &value,
            from: Some(&documents[r.document].origin),
        };
        // A session job is judged with its cluster as it is written (moved, cleaned).
        let cluster = r
            .cluster
            .map(|i| cluster_forms.get(&i).unwrap_or(&documents[i].value));
        match gate::check_one(&outgoing, cluster, &check) {
            Ok(()) => {
                if !r.is_target {
                    cluster_forms.insert(r.document, value.clone());
                }
                if let Err(why) = writer.push(index, r, value) {
                    refusals.push(Refusal {
                        at: Some(format!("{}: {}", documents[r.document].origin, r.id)),
                        message: why,
                    });
                }
            }
            Err(reasons) => refusals.extend(reasons),
        }
    }
    if !refusals.is_empty() {
        return Ok(refuse("restore", &refusals));
    }
    let written = match writer.finish(&plan) {
        Ok(written) => written,
        Err(why) => return Ok(refuse("restore", &[Refusal::general(why)])),
    };
    print_notes(&plan.notes);
    print_notes(&written.notes);
    emit(written.text.as_bytes(), &args.sink, &paths)?;
    // The documents are freed by the process's exit, not one by one.
    std::mem::forget(input);
    Ok(if args.exit_code && written.changed {
        FAILED
    } else {
        OK
    })
}

/// The input that `-O FILE --in-place` rewrites, when FILE is one of the inputs.
fn in_place_file(sink: &OutputArgs, inputs: &[InputPath]) -> Option<InputPath> {
    let output = sink.output_file.as_ref().filter(|_| sink.in_place)?;
    let output = output.canonicalize().ok()?;
    inputs
        .iter()
        .find(|input| match input {
            InputPath::File(p) => p.canonicalize().is_ok_and(|p| p == output),
            InputPath::Stdin => false,
        })
        .cloned()
}

/// Every document of the input, or `None` after the unreadable ones were reported.
fn load(run: &Options, paths: &[InputPath]) -> Result<Option<TransformInput>, Usage> {
    let (loaded, snapshots) = input::load_all_boiling(paths, &run.read, TransformInput::boil)
        .map_err(|e| Usage(e.to_string()))?;
    Ok(readable(loaded).map(|documents| TransformInput {
        documents,
        snapshots,
    }))
}

/// The schema gate before anything is written, then the notes: `Some(exit code)` when refused.
fn gate(
    command: &str,
    outputs: &[Outgoing<'_>],
    check: &CheckOptions,
    notes: &[String],
) -> Option<u8> {
    if let Err(reasons) = gate::check(outputs, check) {
        return Some(refuse(command, &reasons));
    }
    print_notes(notes);
    None
}

fn print_notes(notes: &[String]) {
    for note in notes {
        eprintln!("flink-backup: {}", terminal::escape(note));
    }
}

/// The documents, or `None` after reporting on stderr the ones that could not be read: a
/// transform never acts on half of its input.
fn readable(loaded: Loaded) -> Option<Vec<Document>> {
    if !loaded.templates.is_empty() {
        eprintln!(
            "flink-backup: skipped {} Helm template{} ({}): render them first (helm template) to back up or restore what they make",
            loaded.templates.len(),
            if loaded.templates.len() == 1 { "" } else { "s" },
            terminal::escape(&loaded.templates.join(", "))
        );
    }
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

fn refuse(command: &str, reasons: &[Refusal]) -> u8 {
    for reason in reasons {
        eprintln!(
            "flink-backup: {command} refused: {}",
            terminal::escape(&reason.to_string())
        );
    }
    FAILED
}

fn config_command(args: ConfigArgs) -> Result<u8, Usage> {
    let file = match config_file::locate(args.config.as_deref()) {
        Some((path, found)) => Some(ConfigFile::load(&path, found).map_err(Usage)?),
        None => None,
    };
    let text = ConfigFile::describe(file.as_ref());
    sink::write(text.as_bytes(), &Destination::Stdout, &[]).map_err(Usage)?;
    Ok(OK)
}

fn schema_command(args: SchemaArgs) -> Result<u8, Usage> {
    if args.kind == "report" {
        return sink::write(schemas::REPORT.as_bytes(), &Destination::Stdout, &[])
            .map(|()| OK)
            .map_err(Usage);
    }
    let kind = Kind::parse_loose(&args.kind).ok_or_else(|| {
        Usage(format!(
            "unknown kind {:?}: use FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot or \
             FlinkBlueGreenDeployment",
            args.kind
        ))
    })?;
    if !schemas::serves(args.operator_version, kind) {
        return Err(Usage(format!(
            "operator {} has no {kind} (it exists from 1.14): choose --operator-version 1.14 or later",
            args.operator_version
        )));
    }
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
