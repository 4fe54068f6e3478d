//! The bounds on what a sandbox keeps and logs: finished jobs expire, each org holds a
//! bounded number of jobs, and request logs never carry oversized client input.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use m3ter_sandbox::{
    DEFAULT_JOB_TTL, DEFAULT_MAX_JOBS_PER_ORG, DEFAULT_MAX_LOGGED_TARGET_CHARS, SandboxConfig,
};
use serde_json::json;

#[test]
fn the_bounds_have_documented_defaults_and_are_shown_without_the_token() {
    let config = SandboxConfig::new(TOKEN);
    assert_eq!(config.job_ttl, Duration::from_secs(3_600));
    assert_eq!(config.job_ttl, DEFAULT_JOB_TTL);
    assert_eq!(config.max_jobs_per_org, 10_000);
    assert_eq!(config.max_jobs_per_org, DEFAULT_MAX_JOBS_PER_ORG);
    assert_eq!(config.max_logged_target_chars, 128);
    assert_eq!(
        config.max_logged_target_chars,
        DEFAULT_MAX_LOGGED_TARGET_CHARS
    );
    let shown = format!("{config:?}");
    assert!(shown.contains("job_ttl") && shown.contains("max_jobs_per_org"));
    assert!(!shown.contains(TOKEN));
}

#[tokio::test]
async fn finished_jobs_expire_after_their_time_to_live() {
    let client = start_with(SandboxConfig {
        step: Duration::from_millis(10),
        job_ttl: Duration::from_millis(1_000),
        ..SandboxConfig::new(TOKEN)
    })
    .await;
    let completes = id_of(&client.create("o", json!({})).await);
    let cancelled = id_of(&client.create("o", json!({})).await);
    let (status, _) = client.cancel("o", &cancelled).await;
    assert_eq!(status, 200);
    // Finished, but well within the time to live: still there.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (status, job) = client
        .get(&format!("/organizations/o/billjobs/{completes}"))
        .await;
    assert_eq!((status, job["status"].as_str()), (200, Some("COMPLETE")));
    let (_, page) = client.list("o", "").await;
    assert_eq!(ids_of(&page), [cancelled.clone(), completes.clone()]);
    // Past it: gone from retrieve, cancel and list alike.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    for id in [&completes, &cancelled] {
        let (status, reply) = client.get(&format!("/organizations/o/billjobs/{id}")).await;
        assert_eq!(status, 404, "{reply}");
        assert_eq!(message(&reply), format!("BillJob {id} not found"));
        let (status, _) = client.cancel("o", id).await;
        assert_eq!(status, 404);
    }
    let (_, page) = client.list("o", "").await;
    assert_eq!(page, json!({"data": []}));
}

#[tokio::test]
async fn active_jobs_never_expire_and_a_zero_ttl_drops_finished_jobs_at_once() {
    let client = start_with(SandboxConfig {
        step: LONG,
        job_ttl: Duration::ZERO,
        ..SandboxConfig::new(TOKEN)
    })
    .await;
    let id = id_of(&client.create("o", json!({})).await);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let (status, job) = client.get(&format!("/organizations/o/billjobs/{id}")).await;
    assert_eq!((status, job["status"].as_str()), (200, Some("PENDING")));
    // The cancel answer still shows the job; afterwards it is gone.
    let (status, job) = client.cancel("o", &id).await;
    assert_eq!((status, job["status"].as_str()), (200, Some("CANCELLED")));
    let (status, _) = client.get(&format!("/organizations/o/billjobs/{id}")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_full_org_evicts_its_oldest_finished_job_first() {
    // Jobs complete at once: each create beyond the third evicts the oldest.
    let client = start_with(SandboxConfig {
        step: Duration::ZERO,
        max_jobs_per_org: 3,
        ..SandboxConfig::new(TOKEN)
    })
    .await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(id_of(&client.create("o", json!({})).await));
    }
    let (_, page) = client.list("o", "pageSize=100").await;
    assert_eq!(
        ids_of(&page),
        [ids[4].clone(), ids[3].clone(), ids[2].clone()]
    );
    let (status, _) = client
        .get(&format!("/organizations/o/billjobs/{}", ids[0]))
        .await;
    assert_eq!(status, 404);
    // Recalculations count too, and other orgs are untouched.
    let other = id_of(&client.create("other", json!({})).await);
    let (status, recalculated) = client
        .post(
            "/organizations/o/billjobs/recalculate",
            &json!({"billIds": ["b"]}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, page) = client.list("o", "pageSize=100").await;
    assert_eq!(
        ids_of(&page),
        [id_of(&recalculated), ids[4].clone(), ids[3].clone()]
    );
    let (_, page) = client.list("other", "").await;
    assert_eq!(ids_of(&page), [other]);

    // Active jobs are never evicted: an older active job outlives a newer finished one.
    let client = start_with(SandboxConfig {
        step: LONG,
        max_jobs_per_org: 3,
        ..SandboxConfig::new(TOKEN)
    })
    .await;
    let a = id_of(&client.create("o", json!({})).await);
    let b = id_of(&client.create("o", json!({})).await);
    let c = id_of(&client.create("o", json!({})).await);
    let (status, _) = client.cancel("o", &b).await;
    assert_eq!(status, 200);
    let d = id_of(&client.create("o", json!({})).await);
    let (_, page) = client.list("o", "").await;
    assert_eq!(ids_of(&page), [d.clone(), c.clone(), a.clone()]);
}

#[tokio::test]
async fn a_full_org_with_nothing_finished_answers_429_in_m3ters_shape() {
    let client = start_with(SandboxConfig {
        step: LONG,
        max_running: 10,
        max_jobs_per_org: 2,
        ..SandboxConfig::new(TOKEN)
    })
    .await;
    let first = id_of(&client.create("o", json!({})).await);
    client.create("o", json!({})).await;
    for (target, body) in [
        ("/organizations/o/billjobs", json!({})),
        (
            "/organizations/o/billjobs/recalculate",
            json!({"billIds": ["b"]}),
        ),
    ] {
        let (status, reply) = client.post(target, &body).await;
        assert_eq!(status, 429, "{target}: {reply}");
        assert!(message(&reply).contains("at most 2"), "{reply}");
        assert_eq!(reply.as_object().map(serde_json::Map::len), Some(1));
    }
    // Finishing one makes room.
    let (status, _) = client.cancel("o", &first).await;
    assert_eq!(status, 200);
    client.create("o", json!({})).await;
    let (_, page) = client.list("o", "").await;
    assert_eq!(ids_of(&page).len(), 2);
    // A cap of zero refuses everything, clearly.
    let closed = start_with(SandboxConfig {
        max_jobs_per_org: 0,
        ..SandboxConfig::new(TOKEN)
    })
    .await;
    let (status, reply) = closed.post("/organizations/o/billjobs", &json!({})).await;
    assert_eq!(status, 429);
    assert!(message(&reply).contains("at most 0"), "{reply}");
}

/// Collects everything a tracing subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("log buffer")).into_owned()
    }
}

// A current-thread runtime: the server's tasks run on this thread, under the subscriber
// installed for it.
#[tokio::test(flavor = "current_thread")]
async fn request_logs_shorten_oversized_paths_and_queries() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let client = start(LONG, 10).await;

    let huge_id = "i".repeat(60 * 1024);
    let (status, _) = client
        .get(&format!("/organizations/o/billjobs/{huge_id}"))
        .await;
    assert_eq!(status, 404);
    let huge_query = format!("nextToken={}", "q".repeat(60 * 1024));
    let (status, _) = client.list("o", &huge_query).await;
    assert_eq!(status, 400);
    let huge_org = "o".repeat(60 * 1024);
    client.create(&huge_org, json!({})).await;
    // Short targets are logged whole.
    client.list("short-org", "pageSize=5").await;

    let logs = captured.text();
    let requests: Vec<&str> = logs
        .lines()
        .filter(|line| line.contains("billjob sandbox request"))
        .collect();
    assert_eq!(requests.len(), 4, "{logs}");
    for line in logs.lines() {
        assert!(
            line.len() < 600,
            "{} bytes: {}",
            line.len(),
            line.chars().take(300).collect::<String>()
        );
    }
    let id_target = format!("/organizations/o/billjobs/{huge_id}").len();
    assert!(
        requests[0].contains(&format!("…({id_target} bytes)")),
        "{}",
        requests[0]
    );
    assert!(requests[1].contains("?nextToken=qqq"), "{}", requests[1]);
    assert!(requests[1].contains("…("), "{}", requests[1]);
    assert!(requests[3].contains("/organizations/short-org/billjobs?pageSize=5 "));
    assert!(!requests[3].contains('…'));
    // The debug line for a created job shortens the org too.
    let created = logs
        .lines()
        .find(|line| line.contains("billjob created"))
        .expect("a debug line for the created job");
    assert!(created.contains("…(61440 bytes)"), "{created}");
    // And the token never appears.
    assert!(!logs.contains(TOKEN));
}
