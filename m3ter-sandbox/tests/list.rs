//! List: pagination under concurrent writes, filters and parameter validation.

mod common;

use common::*;
use m3ter_sandbox::DEFAULT_PAGE_SIZE;
use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;

#[tokio::test]
async fn pagination_neither_loses_nor_repeats_while_jobs_are_created() {
    let client = start(LONG, 100_000).await;
    let org = "paging";
    // Creation order, oldest first.
    let mut existing: Vec<String> = Vec::new();
    for _ in 0..20 {
        existing.push(id_of(&client.create(org, json!({})).await));
    }
    for page_size in 1..=3 {
        let before: HashSet<String> = existing.iter().cloned().collect();
        // One writer runs concurrently; the pager itself also creates between pages.
        let writer = client.clone();
        let creator = tokio::spawn(async move {
            let mut made = Vec::new();
            for _ in 0..15 {
                made.push(id_of(&writer.create(org, json!({})).await));
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            made
        });
        let query = format!("pageSize={page_size}");
        let (seen, between) = page_through(&client, org, &query, true).await;
        let made = creator.await.expect("creator task");

        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "pageSize {page_size}: repeats");
        let old: Vec<&String> = seen.iter().filter(|id| before.contains(*id)).collect();
        let newest_first: Vec<&String> = existing.iter().rev().collect();
        assert_eq!(old, newest_first, "pageSize {page_size}: lost or reordered");
        // Jobs created after the first page never show up; the concurrent writer's
        // may, but only ahead of every older job (newest first, no interleaving).
        assert!(!between.is_empty());
        assert!(
            seen.iter()
                .all(|id| before.contains(id) || made.contains(id))
        );
        let first_old = seen.iter().position(|id| before.contains(id));
        assert!(
            seen[first_old.unwrap_or(0)..]
                .iter()
                .all(|id| before.contains(id))
        );
        existing.extend(made);
        existing.extend(between);
        // The two writers interleaved: take the creation order from a full listing
        // once it is known to hold exactly the expected jobs.
        let (all, _) = page_through(&client, org, "pageSize=100", false).await;
        let expected: HashSet<&String> = existing.iter().collect();
        assert_eq!(all.iter().collect::<HashSet<_>>(), expected);
        assert_eq!(all.len(), existing.len());
        existing = all.into_iter().rev().collect();
    }
    // Paging without concurrent writes returns everything, newest first.
    let (everything, _) = page_through(&client, org, "pageSize=7", false).await;
    assert_eq!(
        everything,
        existing.iter().rev().cloned().collect::<Vec<_>>()
    );
    // The default page size is 10.
    let (_, page) = client.list(org, "").await;
    assert_eq!(ids_of(&page).len(), DEFAULT_PAGE_SIZE);
    assert!(page.get("nextToken").is_some());
}

#[tokio::test]
async fn list_filters_and_parameter_validation() {
    let client = start(LONG, 100).await;
    let ids: Vec<String> = {
        let mut ids = Vec::new();
        for _ in 0..4 {
            ids.push(id_of(&client.create("f", json!({})).await));
        }
        ids
    };
    let (status, _) = client.cancel("f", &ids[1]).await;
    assert_eq!(status, 200);
    let newest_first = |keep: &[usize]| -> Vec<String> {
        keep.iter().rev().map(|&index| ids[index].clone()).collect()
    };
    for (query, expected) in [
        ("", newest_first(&[0, 1, 2, 3])),
        ("active=TRUE", newest_first(&[0, 2, 3])),
        ("active=true", newest_first(&[0, 2, 3])),
        ("active=FALSE", newest_first(&[0, 1, 2, 3])),
        ("status=CANCELLED", newest_first(&[1])),
        ("status=pending", newest_first(&[0, 2, 3])),
        ("status=RUNNING", vec![]),
        ("active=TRUE&status=CANCELLED", vec![]),
        (
            "active=&status=&pageSize=&nextToken=",
            newest_first(&[0, 1, 2, 3]),
        ),
        ("status=RUNNING&status=PENDING", newest_first(&[0, 2, 3])),
        ("unknown=1", newest_first(&[0, 1, 2, 3])),
    ] {
        let (status, page) = client.list("f", query).await;
        assert_eq!(status, 200, "{query}: {page}");
        assert_eq!(ids_of(&page), expected, "{query}");
    }
    // Filters and paging combine.
    assert_eq!(
        page_through(&client, "f", "status=PENDING&pageSize=2", false)
            .await
            .0,
        newest_first(&[0, 2, 3])
    );

    let (_, first) = client.list("f", "pageSize=1").await;
    let token = first["nextToken"].as_str().expect("token").to_owned();
    let (status, _) = client
        .list("f", &format!("pageSize=1&nextToken={token}"))
        .await;
    assert_eq!(status, 200);
    let mut tampered = token.clone().into_bytes();
    tampered[3] = if tampered[3] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).expect("ascii");
    for (query, field) in [
        ("pageSize=0", "pageSize"),
        ("pageSize=101", "pageSize"),
        ("pageSize=-1", "pageSize"),
        ("pageSize=1.5", "pageSize"),
        ("pageSize=ten", "pageSize"),
        ("active=yes", "active"),
        ("active=1", "active"),
        ("status=FAILED", "status"),
        ("status=active", "status"),
        ("nextToken=garbage", "nextToken"),
        ("nextToken=abc%2Fdef%2Bghi%3D", "nextToken"),
        (&format!("nextToken={tampered}"), "nextToken"),
        (&format!("nextToken={token}A"), "nextToken"),
    ] {
        let (status, reply) = client.list("f", query).await;
        assert_eq!(status, 400, "{query}");
        assert!(message(&reply).starts_with(field), "{query}: {reply}");
    }
    // A token belongs to its org.
    client.create("g", json!({})).await;
    let (status, reply) = client.list("g", &format!("nextToken={token}")).await;
    assert_eq!(status, 400);
    assert!(message(&reply).starts_with("nextToken"));

    // COMPLETE, and active=TRUE excluding it.
    let quick = start(Duration::from_millis(1), 100).await;
    for _ in 0..2 {
        quick.create("f", json!({})).await;
    }
    tokio::time::sleep(Duration::from_millis(30)).await;
    let (_, page) = quick.list("f", "status=COMPLETE").await;
    assert_eq!(ids_of(&page).len(), 2);
    let (_, page) = quick.list("f", "active=TRUE").await;
    assert_eq!(page, json!({"data": []}));
}
