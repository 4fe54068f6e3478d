//! `billjob`: serves the BillJob capability. See `billjob --help`.

use billjob::cli::{LogFormat, Options};
use clap::Parser;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    // Exits with status 2 and clap's message on a bad command line.
    let options = Options::parse();
    init_logging(options.log_format);
    match billjob::cli::run(options).await {
        Ok(()) => {
            // Blocking stdin reads (stdio mode) would hold the runtime's shutdown.
            std::process::exit(0);
        }
        Err(error) => {
            tracing::error!("{error:#}");
            std::process::exit(1);
        }
    }
}

/// Logs go to stderr, filtered by `RUST_LOG` (default `info`).
fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => logs.with_ansi(false).init(),
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
}
