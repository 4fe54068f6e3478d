//! Issue 12: billjob authenticating to its upstream with an m3ter API key (client id and
//! secret exchanged at `/oauth/token`, as m3ter's SDKs do) instead of a bearer token. The
//! binary runs with `--sandbox`, whose tokens here live 2 s, and answers REST calls back to
//! back across several token lifetimes without one failure (the sandbox answers an expired
//! token 403, which is not retried: only renewal ahead of expiry keeps every call at 200).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const SECRET: &str = "api-s3cret-41b7";

fn billjob() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_billjob"));
    for (name, _) in std::env::vars_os() {
        let name_text = name.to_string_lossy();
        if name_text.starts_with("BILLJOB_") || name_text.starts_with("M3TER_") {
            command.env_remove(name);
        }
    }
    command.env("RUST_LOG", "info").stdin(Stdio::null());
    command
}

struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    fn start(command: &mut Command) -> Self {
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

    fn wait_for(&mut self, needle: &str) -> String {
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
    fn drain(&mut self) -> &[String] {
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

fn url_in(line: &str) -> String {
    let start = line.find("http://").expect("a URL") + "http://".len();
    let host: String = line[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | ':'))
        .collect();
    format!("http://{host}")
}

#[tokio::test]
async fn billjob_renews_expiring_m3ter_tokens_without_a_failed_request() {
    let mut running = Running::start(
        billjob()
            .args([
                "--sandbox",
                "--client-id",
                "access-key-id",
                "--sandbox-token-lifetime-secs",
                "2",
                "--rest-addr",
                "127.0.0.1:0",
                "--mcp-addr",
                "127.0.0.1:0",
            ])
            .env("M3TER_CLIENT_SECRET", SECRET),
    );
    let rest = url_in(&running.wait_for("REST: http://"));
    let upstream = running.wait_for("upstream:");
    assert!(upstream.contains("/oauth/token"), "{upstream}");
    let http = reqwest::Client::new();
    let list = format!("{rest}/v1/organizations/org-1/billjobs");
    let started = Instant::now();
    let mut calls = 0;
    while started.elapsed() < Duration::from_millis(6500) {
        let resp = http.get(&list).send().await.expect("REST answers");
        let status = resp.status();
        let body = resp.text().await.unwrap_or_default();
        assert_eq!(
            status,
            200,
            "call {calls} after {:?}: {body}",
            started.elapsed()
        );
        calls += 1;
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(calls > 50, "{calls} calls");
    // The secret never reaches the log.
    let seen = running.drain();
    assert!(!seen.iter().any(|l| l.contains(SECRET)), "{seen:#?}");
    // Token requests are sandbox requests like any other: 2 s tokens renewed a second early.
    let token_requests = seen
        .iter()
        .filter(|l| l.contains("billjob sandbox request") && l.contains("/oauth/token"))
        .count();
    assert!(
        (5..=9).contains(&token_requests),
        "{token_requests} token requests: {seen:#?}"
    );
}

#[test]
fn a_client_id_needs_its_secret_and_help_documents_the_options() {
    let out = billjob()
        .args(["--sandbox", "--client-id", "id-only"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let help = billjob().arg("--help").output().expect("help");
    let help = String::from_utf8_lossy(&help.stdout);
    for needle in [
        "--client-id <ID>",
        "--client-secret <SECRET>",
        "--token-url <URL>",
        "--sandbox-token-lifetime-secs <SECS>",
        "M3TER_CLIENT_ID",
        "M3TER_CLIENT_SECRET",
    ] {
        assert!(help.contains(needle), "{needle} missing from --help");
    }
}
