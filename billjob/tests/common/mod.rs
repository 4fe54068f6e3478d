//! Running the `billjob` binary from a test: a clean environment, its log lines as they come,
//! and the addresses it logs.
// Each test file uses its own subset of these.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A `billjob` child process with no `BILLJOB_*`, `M3TER_*` or `OTEL_*` variables inherited.
pub fn billjob() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_billjob"));
    for (name, _) in std::env::vars_os() {
        let text = name.to_string_lossy();
        if text.starts_with("BILLJOB_") || text.starts_with("M3TER_") || text.starts_with("OTEL_") {
            command.env_remove(name);
        }
    }
    // The management plane's default port would be shared by tests running together.
    command
        .env("RUST_LOG", "info")
        .env("BILLJOB_CONTROL_ADDR", "127.0.0.1:0")
        .stdin(Stdio::null());
    command
}

/// A running `billjob` whose stderr lines are read as they come. Killed when dropped, so a
/// failed assertion leaves nothing running.
pub struct Running {
    pub child: Child,
    lines: mpsc::Receiver<String>,
    pub seen: Vec<String>,
}

impl Running {
    pub fn start(command: &mut Command) -> Self {
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start billjob");
        let stderr = child.stderr.take().expect("stderr");
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// The next log line containing `needle` (30 s at most).
    pub fn wait_for(&mut self, needle: &str) -> String {
        loop {
            match self.lines.recv_timeout(Duration::from_secs(30)) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!("no log line with {needle:?}; seen: {:#?}", self.seen),
            }
        }
    }

    /// Every line logged so far.
    pub fn drain(&mut self) -> &[String] {
        while let Ok(line) = self.lines.try_recv() {
            self.seen.push(line);
        }
        &self.seen
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `http://host:port` a log line names.
pub fn url_in(line: &str) -> String {
    let start = line.find("http://").expect("a URL") + "http://".len();
    let host: String = line[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | ':'))
        .collect();
    format!("http://{host}")
}
