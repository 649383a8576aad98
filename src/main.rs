//! The `pulse` binary: parse arguments, run, report errors, exit 0 / 1 / 2.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = pulse::cli::Cli::parse();
    match pulse::run(cli) {
        Ok(status) => status.into(),
        Err(err) => {
            if pulse::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            pulse::report_error(&err);
            ExitCode::from(2)
        }
    }
}
