//! What the HTTP tests share: every test serves a real sandbox on 127.0.0.1:0 with
//! [`m3ter_sandbox::spawn`] and talks to it with `reqwest`, so routing, middleware and
//! serialisation are all covered.

// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use chrono::{DateTime, NaiveDate};
use m3ter_sandbox::{SandboxConfig, spawn};
use serde_json::{Value, json};

pub const TOKEN: &str = "sandbox-test-token-3f9a";

/// A step so long that jobs stay in their first state for the whole test.
pub const LONG: Duration = Duration::from_secs(3_600);

/// One answer: status, headers and the raw body.
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "status {}: body is not JSON ({error}): {:?}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// A client of one sandbox; [`Client::send`] presents the right token and speaks JSON,
/// [`Client::raw`] sends exactly the headers it is given.
#[derive(Clone)]
pub struct Client {
    pub addr: SocketAddr,
    http: reqwest::Client,
}

impl Client {
    pub fn new(addr: SocketAddr) -> Self {
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(20))
            .build()
            .expect("reqwest client");
        Self { addr, http }
    }

    /// Sends `method target` with exactly `headers` (plus what HTTP itself needs) and
    /// `body`, if any, and reads the whole answer.
    pub async fn raw(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self
            .http
            .request(method, format!("http://{}{target}", self.addr));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.body(body.to_vec());
        }
        let response = request.send().await.expect("sandbox answered");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.expect("body").to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn send(&self, method: &str, target: &str, body: Option<&[u8]>) -> Reply {
        let auth = format!("Bearer {TOKEN}");
        let mut headers = vec![("Authorization", auth.as_str())];
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        self.raw(method, target, &headers, body).await
    }

    pub async fn get(&self, target: &str) -> (u16, Value) {
        let reply = self.send("GET", target, None).await;
        (reply.status, reply.json())
    }

    pub async fn post(&self, target: &str, body: &Value) -> (u16, Value) {
        let bytes = serde_json::to_vec(body).expect("serialise");
        let reply = self.send("POST", target, Some(&bytes)).await;
        (reply.status, reply.json())
    }

    pub async fn post_raw(&self, target: &str, body: &[u8]) -> (u16, Value) {
        let reply = self.send("POST", target, Some(body)).await;
        (reply.status, reply.json())
    }

    /// Creates a job and returns it, failing the test on anything but 200.
    pub async fn create(&self, org: &str, body: Value) -> Value {
        let (status, job) = self
            .post(&format!("/organizations/{org}/billjobs"), &body)
            .await;
        assert_eq!(status, 200, "create failed: {job}");
        job
    }

    pub async fn cancel(&self, org: &str, id: &str) -> (u16, Value) {
        let reply = self
            .send(
                "POST",
                &format!("/organizations/{org}/billjobs/{id}/cancel"),
                Some(b""),
            )
            .await;
        (reply.status, reply.json())
    }

    pub async fn list(&self, org: &str, query: &str) -> (u16, Value) {
        self.get(&format!("/organizations/{org}/billjobs?{query}"))
            .await
    }
}

/// Serves a sandbox with `config` and returns a client of it.
pub async fn start_with(config: SandboxConfig) -> Client {
    let (addr, _handle) = spawn(config, SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("spawn sandbox");
    Client::new(addr)
}

pub async fn start(step: Duration, max_running: usize) -> Client {
    start_with(SandboxConfig {
        step,
        max_running,
        ..SandboxConfig::new(TOKEN)
    })
    .await
}

pub fn message(body: &Value) -> &str {
    body["message"]
        .as_str()
        .unwrap_or_else(|| panic!("no message in {body}"))
}

pub fn id_of(job: &Value) -> String {
    job["id"].as_str().expect("id").to_owned()
}

pub fn ids_of(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .expect("data array")
        .iter()
        .map(id_of)
        .collect()
}

pub fn contains_null(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.iter().any(contains_null),
        Value::Object(fields) => fields.values().any(contains_null),
        _ => false,
    }
}

pub fn is_uuid_shaped(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|group| group.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|group| {
            group
                .bytes()
                .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
        })
}

/// `YYYY-MM-DD` naming a day that exists (OpenAPI's `date` format).
pub fn is_calendar_date(text: &str) -> bool {
    text.len() == 10
        && text.bytes().enumerate().all(|(index, byte)| match index {
            4 | 7 => byte == b'-',
            _ => byte.is_ascii_digit(),
        })
        && NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
}

/// RFC 3339 `date-time` (OpenAPI's `date-time` format), with the `T` separator.
pub fn is_rfc3339(text: &str) -> bool {
    matches!(text.as_bytes().get(10), Some(b'T' | b't'))
        && DateTime::parse_from_rfc3339(text).is_ok()
}

/// Milliseconds since the epoch of `YYYY-MM-DDTHH:MM:SS.mmmZ`, the sandbox's format.
pub fn parse_timestamp(text: &str) -> i64 {
    assert_eq!(text.len(), 24, "unexpected timestamp shape {text:?}");
    assert!(text.ends_with('Z'), "timestamp {text:?} is not UTC");
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|_| panic!("bad timestamp {text:?}"))
        .timestamp_millis()
}

/// The body the official SDK's `test_method_create_with_all_params` sends.
pub fn all_params_body() -> Value {
    json!({
        "accountIds": ["string"],
        "billDate": "2019-12-27",
        "billFrequencyInterval": 0,
        "billingFrequency": "DAILY",
        "currencyConversions": [{"from": "EUR", "to": "USD", "multiplier": 1.12}],
        "dayEpoch": "2019-12-27",
        "dueDate": "2019-12-27",
        "externalInvoiceDate": "2019-12-27",
        "lastDateInBillingPeriod": "2019-12-27",
        "monthEpoch": "2019-12-27",
        "targetCurrency": "xxx",
        "timezone": "UTC",
        "version": 0,
        "weekEpoch": "2019-12-27",
        "yearEpoch": "2019-12-27"
    })
}

/// Pages through `org` with `query` and returns the ids in the order received. With
/// `create_between`, it also creates a job before fetching each page after the first
/// and returns those ids second.
pub async fn page_through(
    client: &Client,
    org: &str,
    query: &str,
    create_between: bool,
) -> (Vec<String>, Vec<String>) {
    let mut ids = Vec::new();
    let mut created = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut full = query.to_owned();
        if let Some(token) = &token {
            full.push_str(&format!("&nextToken={token}"));
        }
        let (status, page) = client.list(org, &full).await;
        assert_eq!(status, 200, "{page}");
        let data = ids_of(&page);
        assert!(
            !data.is_empty() || token.is_none(),
            "empty page after a token"
        );
        ids.extend(data);
        match page.get("nextToken") {
            None => return (ids, created),
            Some(next) => token = Some(next.as_str().expect("string token").to_owned()),
        }
        if create_between {
            created.push(id_of(&client.create(org, json!({})).await));
        }
        // Let the concurrent creator get a word in between pages.
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}
