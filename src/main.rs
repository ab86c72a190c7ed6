use std::process::ExitCode;

use clap::Parser;
use flink_backup::cli::Cli;

fn main() -> ExitCode {
    ExitCode::from(flink_backup::run::run(Cli::parse()))
}
