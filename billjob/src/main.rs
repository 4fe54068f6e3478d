//! `billjob`: serves the BillJob capability. See `billjob --help`.

use billjob::cli::{LogFormat, Options};
use clap::Parser;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

/// mimalloc rather than glibc's malloc: per-thread free lists and no global arena lock on the
/// request path (measured in bench/RESULTS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Exits with status 2 and clap's message on a bad command line.
    let options = Options::parse();
    init_logging(options.log_format);
    let runtime = match runtime() {
        Ok(r) => r,
        Err(error) => {
            tracing::error!("cannot start the async runtime: {error}");
            std::process::exit(1);
        }
    };
    match runtime.block_on(billjob::cli::run(options)) {
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

/// With one CPU to run on (a one-core container, or pinned with `taskset`), a single-threaded
/// runtime: no hand-offs between threads, no cross-thread wake-ups. Otherwise one worker per CPU.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    // Measured with bench/run.sh's placement (one core): about 1.3x the throughput of a
    // multi-threaded runtime with its one worker.
    let mut builder = if cpus == 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    };
    builder.enable_all().build()
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
