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

/// Logs go to stderr, filtered by `RUST_LOG` (default `info`); the management plane's `/logs`
/// changes the filter while billjob runs.
fn init_logging(format: LogFormat) {
    use tracing_subscriber::prelude::*;
    let initial = std::env::var("RUST_LOG")
        .ok()
        .filter(|f| EnvFilter::try_new(f).is_ok())
        .unwrap_or_else(|| "info".to_string());
    let (filter, handle) = tracing_subscriber::reload::Layer::new(EnvFilter::new(&initial));
    let registry = tracing_subscriber::registry().with(filter);
    let logs = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    match format {
        LogFormat::Text => registry.with(logs.with_ansi(false)).init(),
        LogFormat::Json => registry.with(logs.json().flatten_event(true)).init(),
    }
    naftiko_runtime::control::LogControl::new(&initial, move |directives| {
        let filter = EnvFilter::try_new(directives).map_err(|e| e.to_string())?;
        handle.reload(filter).map_err(|e| e.to_string())
    })
    .install();
}
