//! Issue 12: billjob's m3ter client authenticating with OAuth client credentials against the
//! sandbox's `/oauth/token`, whose tokens live 2 s. Calls run back to back for several token
//! lifetimes: not one fails (an expired token would get 403, which is not retried), the token
//! is refreshed as it nears expiry, and concurrent callers share one token request.

use axum::extract::Request;
use axum::middleware::{self, Next};
use billjob::sandbox::{OAuthClient, SandboxConfig};
use naftiko_runtime::client::ClientCredentials;
use naftiko_tests::{m3ter_billjob, serve};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const LIFETIME: Duration = Duration::from_secs(2);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn billjob_runs_through_expiring_tokens_without_a_failed_request() {
    let token_requests = Arc::new(AtomicUsize::new(0));
    let counter = token_requests.clone();
    let config = SandboxConfig {
        client: Some(OAuthClient {
            id: "access-key-id".into(),
            secret: "api-s3cret".into(),
        }),
        token_lifetime: LIFETIME,
        step: Duration::from_millis(50),
        ..SandboxConfig::new("static-token-not-given-to-the-client")
    };
    let router = billjob::sandbox::router(config).layer(middleware::from_fn(
        move |request: Request, next: Next| {
            let counter = counter.clone();
            async move {
                if request.uri().path() == "/oauth/token" {
                    counter.fetch_add(1, Ordering::SeqCst);
                }
                next.run(request).await
            }
        },
    ));
    let sandbox = serve(router).await;
    let client = m3ter_billjob::Client::builder()
        .base_uri(sandbox.url())
        .client_credentials(ClientCredentials::new(
            format!("{}/oauth/token", sandbox.url()),
            "access-key-id",
            "api-s3cret",
        ))
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");

    // A burst of concurrent first calls: one token request between them.
    let burst: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.createbilljob("org-1", &json!({})).await })
        })
        .collect();
    for call in burst {
        call.await.expect("task").expect("create");
    }
    assert_eq!(token_requests.load(Ordering::SeqCst), 1);

    // Then four callers for three and a half token lifetimes, every call checked.
    let started = Instant::now();
    let run_for = LIFETIME * 7 / 2;
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut calls = 0u32;
                while started.elapsed() < run_for {
                    let reply = client
                        .listbilljobs("org-1", &Default::default())
                        .await
                        .unwrap_or_else(|e| panic!("worker {w}, call {calls}: {e}"));
                    assert_eq!(reply.status, 200);
                    calls += 1;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                calls
            })
        })
        .collect();
    let mut calls = 0;
    for w in workers {
        calls += w.await.expect("worker");
    }
    let fetched = token_requests.load(Ordering::SeqCst);
    // 7 s of calls with 2 s tokens renewed a second early: about seven renewals.
    assert!(calls > 100, "only {calls} calls");
    assert!((6..=9).contains(&fetched), "{fetched} token requests");
}

#[tokio::test]
async fn the_sandbox_refuses_wrong_client_credentials_and_expired_tokens() {
    let config = SandboxConfig {
        client: Some(OAuthClient {
            id: "id".into(),
            secret: "right".into(),
        }),
        token_lifetime: Duration::from_millis(300),
        ..SandboxConfig::new("static")
    };
    let sandbox = serve(billjob::sandbox::router(config)).await;
    let wrong = m3ter_billjob::Client::builder()
        .base_uri(sandbox.url())
        .client_credentials(ClientCredentials::new(
            format!("{}/oauth/token", sandbox.url()),
            "id",
            "wrong",
        ))
        .build()
        .expect("client");
    let err = wrong
        .getbilljob("org-1", "x")
        .await
        .expect_err("wrong secret");
    assert!(
        err.to_string()
            .contains("answered 401: unknown client id or wrong secret"),
        "{err}"
    );

    // A token used after its lifetime gets 403, as from m3ter.
    let http = naftiko_runtime::reqwest::Client::new();
    let token: serde_json::Value = http
        .post(format!("{}/oauth/token", sandbox.url()))
        .basic_auth("id", Some("right"))
        .json(&json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("json");
    assert_eq!(token["token_type"], "Bearer");
    let access = token["access_token"].as_str().expect("a token").to_string();
    let get = || {
        http.get(format!("{}/organizations/o/billjobs", sandbox.url()))
            .bearer_auth(&access)
            .send()
    };
    assert_eq!(get().await.expect("answer").status(), 200);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let expired = get().await.expect("answer");
    assert_eq!(expired.status(), 403);
    assert!(expired.text().await.expect("body").contains("expired"));
}
