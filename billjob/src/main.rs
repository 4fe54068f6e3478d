//! `billjob`: serves the BillJob capability. See `billjob --help`.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let options = match billjob::cli::parse(std::env::args().skip(1)) {
        Ok(billjob::cli::Command::Help) => {
            println!("{}", billjob::cli::HELP);
            return ExitCode::SUCCESS;
        }
        Ok(billjob::cli::Command::Run(o)) => o,
        Err(e) => {
            eprintln!("billjob: {e}");
            return ExitCode::from(2);
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    match billjob::run(options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("billjob: error: {e}");
            ExitCode::FAILURE
        }
    }
}
