//! pulse: developer-platform survey and telemetry analytics.
//!
//! The pipeline is `ingest -> store -> analyse -> render`: [`ingest`] reads raw exports,
//! [`store`] keeps them as Parquet with a question catalog, and [`cmd`] glues the stages into the
//! commands of the [`cli`].

#![allow(clippy::print_stdout, clippy::print_stderr)]

pub mod analyse;
pub mod cli;
pub mod cmd;
pub mod ingest;
pub mod output;
pub mod render;
pub mod report;
pub mod store;
pub mod synth;

use std::process::ExitCode;

/// How a command ended when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything ran and every check passed.
    Success,
    /// Ran, but a requested check failed.
    Failure,
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> ExitCode {
        match s {
            ExitStatus::Success => ExitCode::SUCCESS,
            ExitStatus::Failure => ExitCode::from(1),
        }
    }
}

/// Runs one command.
pub fn run(cli: cli::Cli) -> anyhow::Result<ExitStatus> {
    use cli::Command;
    match cli.command {
        Command::Init(a) => cmd::init::run(&a),
        Command::Import(a) => cmd::import::run(&cli.global, &a),
        Command::Rounds(a) => cmd::rounds::run(&cli.global, &a),
        Command::Questions(a) => cmd::questions::run(&cli.global, &a),
        Command::Query(a) => cmd::query::run(&cli.global, &a),
        Command::Summary(a) => cmd::summary::run(&cli.global, &a),
        Command::Compare(a) => cmd::compare::run(&cli.global, &a),
        Command::Trend(a) => cmd::trend::run(&cli.global, &a),
        Command::Drivers(a) => cmd::drivers::run(&cli.global, &a),
        Command::Reliability(a) => cmd::drivers::reliability(&cli.global, &a),
        Command::Themes(a) => cmd::themes::run(&cli.global, &a),
        Command::Maturity(a) => cmd::maturity::run(&cli.global, &a),
        Command::Metrics(a) => cmd::metrics::run(&cli.global, &a),
        Command::Check(a) => cmd::check::run(&cli.global, &a),
        Command::Report(a) => cmd::report::run(&cli.global, &a),
        Command::Generate(a) => cmd::generate::run(&a),
        Command::Demo(a) => cmd::demo::run(&a),
    }
}

/// True when the error comes from writing to a closed pipe (`pulse query … | head`), whichever
/// writer (plain, csv, serde_json) met it.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == BrokenPipe)
            || c.downcast_ref::<csv::Error>().is_some_and(
                |e| matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == BrokenPipe),
            )
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(BrokenPipe))
    })
}

/// Prints an error and its causes, with any `hint:` lines kept on their own lines.
pub fn report_error(err: &anyhow::Error) {
    let mut chain = err.chain();
    if let Some(top) = chain.next() {
        eprintln!("error: {top}");
    }
    for cause in chain {
        eprintln!("  caused by: {cause}");
    }
}
