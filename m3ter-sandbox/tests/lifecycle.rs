//! The lifecycle over time, cancel, and the limit on active jobs.

mod common;

use common::*;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

#[tokio::test]
async fn lifecycle_advances_and_versions_increment() {
    const STEP_MS: i64 = 100;
    let client = start(Duration::from_millis(STEP_MS as u64), 10).await;
    let job = client
        .create("o", json!({"accountIds": ["a", "b", "c"]}))
        .await;
    assert_eq!(
        (job["status"].as_str(), job["version"].as_u64()),
        (Some("PENDING"), Some(1))
    );
    let target = format!("/organizations/o/billjobs/{}", id_of(&job));
    let created = parse_timestamp(job["dtCreated"].as_str().expect("dtCreated"));
    let mut seen: Vec<Value> = vec![job];
    let deadline = Instant::now() + Duration::from_secs(10);
    while seen.last().expect("seen")["status"] != "COMPLETE" {
        assert!(Instant::now() < deadline, "job never completed: {seen:?}");
        tokio::time::sleep(Duration::from_millis(5)).await;
        let (status, now) = client.get(&target).await;
        assert_eq!(status, 200);
        if seen.last() != Some(&now) {
            seen.push(now);
        }
    }
    let expected = [
        ("PENDING", 3),
        ("INITIALIZING", 3),
        ("RUNNING", 2),
        ("COMPLETE", 0),
    ];
    assert_eq!(seen.len(), 4, "every state is visited once: {seen:?}");
    for (index, (job, (status, pending))) in seen.iter().zip(expected).enumerate() {
        assert_eq!(job["status"], status);
        assert_eq!(job["version"], index + 1);
        assert_eq!(job["pending"], pending);
        assert_eq!(job["total"], 3);
        // Each transition is stamped at the moment it happened: dtCreated + k·step.
        let modified = parse_timestamp(job["dtLastModified"].as_str().expect("modified"));
        assert_eq!(modified - created, index as i64 * STEP_MS, "{job}");
    }
    // Complete is final: later reads do not change anything.
    tokio::time::sleep(Duration::from_millis(2 * STEP_MS as u64)).await;
    let (_, later) = client.get(&target).await;
    assert_eq!(Some(&later), seen.last());
}

#[tokio::test]
async fn cancel_rules() {
    let client = start(LONG, 10).await;
    let job = client.create("o", json!({"accountIds": ["a", "b"]})).await;
    let id = id_of(&job);
    let (status, cancelled) = client.cancel("o", &id).await;
    assert_eq!(status, 200, "{cancelled}");
    assert_eq!(cancelled["status"], "CANCELLED");
    assert_eq!(cancelled["version"], 2);
    assert_eq!(cancelled["pending"], 2);
    let created = parse_timestamp(cancelled["dtCreated"].as_str().expect("created"));
    let modified = parse_timestamp(cancelled["dtLastModified"].as_str().expect("modified"));
    assert!(modified >= created);
    let (_, fetched) = client.get(&format!("/organizations/o/billjobs/{id}")).await;
    assert_eq!(fetched, cancelled);
    let (status, reply) = client.cancel("o", &id).await;
    assert_eq!(status, 400);
    assert_eq!(
        message(&reply),
        format!("BillJob {id} cannot be cancelled: it is CANCELLED")
    );
    let (status, reply) = client.cancel("o", "nope").await;
    assert_eq!((status, message(&reply)), (404, "BillJob nope not found"));
    // Cancel ignores whatever body comes with it.
    for body in [&b"not json at all"[..], b"{\"reason\": 1}", b""] {
        let other = id_of(&client.create("o", json!({})).await);
        let (status, reply) = client
            .post_raw(&format!("/organizations/o/billjobs/{other}/cancel"), body)
            .await;
        assert_eq!((status, reply["status"].as_str()), (200, Some("CANCELLED")));
    }
    let reply = client
        .send(
            "POST",
            &format!("/organizations/o/billjobs/{id}x/cancel"),
            None,
        )
        .await;
    assert_eq!(reply.status, 404);

    // A completed job cannot be cancelled.
    let quick = start(Duration::from_millis(5), 10).await;
    let done = id_of(&quick.create("o", json!({})).await);
    tokio::time::sleep(Duration::from_millis(60)).await;
    let (status, reply) = quick.cancel("o", &done).await;
    assert_eq!(status, 400);
    assert_eq!(
        message(&reply),
        format!("BillJob {done} cannot be cancelled: it is COMPLETE")
    );

    // Cancelling in INITIALIZING (version 2) gives version 3.
    let slow = start(Duration::from_millis(500), 10).await;
    let job = slow.create("o", json!({})).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let (status, cancelled) = slow.cancel("o", &id_of(&job)).await;
    assert_eq!(status, 200);
    assert_eq!(
        (cancelled["status"].as_str(), cancelled["version"].as_u64()),
        (Some("CANCELLED"), Some(3))
    );
}

#[tokio::test]
async fn too_many_active_jobs_gives_429() {
    let client = start(LONG, 3).await;
    let first = client.create("o", json!({})).await;
    client.create("o", json!({"accountIds": ["a"]})).await;
    let (status, _) = client
        .post(
            "/organizations/o/billjobs/recalculate",
            &json!({"billIds": ["b"]}),
        )
        .await;
    assert_eq!(status, 200);
    for (target, body) in [
        ("/organizations/o/billjobs", json!({})),
        (
            "/organizations/o/billjobs/recalculate",
            json!({"billIds": ["b"]}),
        ),
    ] {
        let (status, reply) = client.post(target, &body).await;
        assert_eq!(status, 429, "{target}");
        assert!(message(&reply).contains("at most 3"), "{reply}");
    }
    // Invalid requests are still reported as such.
    let (status, _) = client
        .post("/organizations/o/billjobs", &json!({"accountIds": []}))
        .await;
    assert_eq!(status, 400);
    // The limit is per org.
    client.create("other", json!({})).await;
    // Cancelling frees a slot, which one create then takes.
    let (status, _) = client.cancel("o", &id_of(&first)).await;
    assert_eq!(status, 200);
    client.create("o", json!({})).await;
    let (status, _) = client.post("/organizations/o/billjobs", &json!({})).await;
    assert_eq!(status, 429);
    let (_, page) = client.list("o", "active=TRUE").await;
    assert_eq!(ids_of(&page).len(), 3);

    // Completion frees a slot too.
    let quick = start(Duration::from_millis(10), 1).await;
    quick.create("o", json!({})).await;
    let (status, _) = quick.post("/organizations/o/billjobs", &json!({})).await;
    assert_eq!(status, 429);
    tokio::time::sleep(Duration::from_millis(80)).await;
    quick.create("o", json!({})).await;
}
