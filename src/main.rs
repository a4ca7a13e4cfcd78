//! The `stance` binary: parse, run, print the error on one line, set the exit code.
//! 0: done; 1: done, but some inputs were skipped; 2: a fatal error (nothing or not all done).

use std::process::ExitCode;

use clap::Parser;
use stance::cli::{run, Cli};
use stance::Error;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code as u8),
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("stance: error: {e}");
            ExitCode::from(2)
        }
    }
}
