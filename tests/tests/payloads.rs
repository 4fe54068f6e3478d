//! Issue 9: answers in every `outputRawFormat` and request bodies of every kind, on the wire
//! against the recording upstream, through the generated client and the generated REST adapter
//! (`tests/specs/payloads.yaml`).

use naftiko_runtime::client::Error;
use naftiko_runtime::reqwest;
use naftiko_tests::{Recorded, Scripted, Served, Upstream, serve};
use serde_json::{Value, json};
use std::time::Duration;

mod generated {
    naftiko_runtime::naftiko_capability!("specs/payloads.yaml");
}
use generated::{Upstreams, fleet, payloads_rest};

fn client(upstream: &Upstream) -> fleet::Client {
    fleet::Client::builder()
        .base_uri(format!("{}/api", upstream.url()))
        .env_source(|_| None)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

async fn gateway() -> (Upstream, Served) {
    let upstream = Upstream::start().await;
    let served = serve(payloads_rest::router(Upstreams {
        fleet: client(&upstream),
    }))
    .await;
    (upstream, served)
}

/// GET `path` on the gateway: status, content type, JSON body.
async fn get(served: &Served, path: &str) -> (u16, String, Value) {
    let resp = reqwest::Client::new()
        .get(format!("{}{path}", served.url()))
        .send()
        .await
        .expect("gateway answers");
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let text = resp.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, ct, body)
}

fn assert_get(r: &Recorded, target: &str, accept: &str) {
    assert_eq!(r.method, "GET");
    assert_eq!(r.target, target);
    assert_eq!(r.header("accept"), Some(accept), "{r:#?}");
    assert!(!r.has_body(), "{r:#?}");
}

const SHIPS_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<fleet owner="acme">
  <ship imo="9321483"><name>Ever Given</name><flag>PA</flag></ship>
  <ship imo="9811000"><name>Mary &amp; Jo</name><flag/></ship>
</fleet>"#;

// ---------------------------------------------------------------------------------------------
// outputRawFormat
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn xml_upstream_is_mapped_json_with_status_200() {
    let (upstream, served) = gateway().await;
    upstream.push(Scripted::raw(200, "application/xml", SHIPS_XML));
    let (status, ct, body) = get(&served, "/ships").await;
    assert_eq!((status, ct.as_str()), (200, "application/json"));
    assert_eq!(
        body,
        json!([
            {"imo": "9321483", "name": "Ever Given", "flag": "PA"},
            {"imo": "9811000", "name": "Mary & Jo", "flag": ""}
        ])
    );
    assert_get(
        &upstream.only_request(),
        "/api/ships.xml",
        "application/xml, text/xml;q=0.9, */*;q=0.1",
    );

    upstream.clear();
    upstream.push(Scripted::raw(200, "text/xml", SHIPS_XML));
    let (status, _, body) = get(&served, "/ships/raw").await;
    assert_eq!(status, 200);
    assert_eq!(body["owner"], "acme");
    assert_eq!(body["ship"][1]["imo"], "9811000");
}

#[tokio::test]
async fn a_body_that_is_not_valid_in_its_format_is_a_502_naming_the_format() {
    let (upstream, served) = gateway().await;
    upstream.push(Scripted::raw(
        200,
        "application/xml",
        "<fleet><ship></fleet>",
    ));
    let (status, ct, body) = get(&served, "/ships").await;
    assert_eq!((status, ct.as_str()), (502, "application/problem+json"));
    let detail = body["detail"].as_str().expect("a detail");
    assert!(detail.contains("not valid xml"), "{detail}");

    upstream.push(Scripted::raw(200, "text/csv", "id,name\n1,a,extra\n"));
    let (status, _, body) = get(&served, "/ships/csv").await;
    assert_eq!(status, 502);
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("not valid csv") && d.contains("row 2 has 3 fields")),
        "{body}"
    );
}

#[tokio::test]
async fn upstream_errors_in_another_format_keep_their_status() {
    let (upstream, served) = gateway().await;
    upstream.push(Scripted::raw(
        404,
        "application/xml",
        "<error>no fleet</error>",
    ));
    let (status, _, _) = get(&served, "/ships").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn delimited_answers_are_rows_keyed_by_the_header() {
    let upstream = Upstream::start().await;
    let c = client(&upstream);
    upstream.push(Scripted::raw(
        200,
        "text/csv",
        "imo,name\n9321483,\"Ever Given, II\"\n",
    ));
    let reply = c.ships_csv().await.expect("csv");
    assert_eq!(
        *reply.json(),
        json!([{"imo": "9321483", "name": "Ever Given, II"}])
    );
    upstream.push(Scripted::raw(
        200,
        "text/tab-separated-values",
        "imo\tname\n1\ta,b\n",
    ));
    let reply = c.ships_tsv().await.expect("tsv");
    assert_eq!(*reply.json(), json!([{"imo": "1", "name": "a,b"}]));
    upstream.push(Scripted::raw(200, "text/plain", "imo|name\n1|a\tb\n"));
    let reply = c.ships_psv().await.expect("psv");
    assert_eq!(*reply.json(), json!([{"imo": "1", "name": "a\tb"}]));
    let r = upstream.requests();
    assert_get(&r[0], "/api/ships.csv", "text/csv, */*;q=0.1");
    assert_get(
        &r[1],
        "/api/ships.tsv",
        "text/tab-separated-values, */*;q=0.1",
    );
    assert_get(&r[2], "/api/ships.psv", "text/plain, */*;q=0.1");

    // Through the gateway, mapped.
    let served = serve(payloads_rest::router(Upstreams { fleet: c })).await;
    upstream.push(Scripted::raw(200, "text/csv", "imo,name\n1,A\n2,B\n"));
    let (status, _, body) = get(&served, "/ships/csv").await;
    assert_eq!((status, body), (200, json!(["A", "B"])));
}

#[tokio::test]
async fn yaml_html_markdown_text_and_binary_answers_are_converted() {
    let upstream = Upstream::start().await;
    let c = client(&upstream);

    upstream.push(Scripted::raw(
        200,
        "application/yaml",
        "port: 8080\nhosts: [a, b]\ntls: false\n",
    ));
    let reply = c.config_yaml().await.expect("yaml");
    assert_eq!(
        *reply.json(),
        json!({"port": 8080, "hosts": ["a", "b"], "tls": false})
    );

    upstream.push(Scripted::raw(
        200,
        "text/html",
        "<table><tr><th>x</th></tr><tr><td>skipped</td></tr></table>\
         <div class=results><table><tr><th>Ship</th><th>IMO</th></tr>\
         <tr><td>Ever Given<td>9811000</table></div>",
    ));
    let reply = c.report_html().await.expect("html");
    assert_eq!(
        *reply.json(),
        json!({"tables": [[{"Ship": "Ever Given", "IMO": "9811000"}]]})
    );

    upstream.push(Scripted::raw(
        200,
        "text/markdown",
        "# Fleet\nintro\n## Results\n| a | b |\n|---|---|\n| 1 | 2 |\n\ndone\n",
    ));
    let reply = c.notes_markdown().await.expect("markdown");
    assert_eq!(
        *reply.json(),
        json!({"frontMatter": {}, "tables": [[{"a": "1", "b": "2"}]],
               "sections": [{"heading": "Results", "level": 2, "content": "done"}]})
    );

    upstream.push(Scripted::raw(200, "text/plain", "all clear\n"));
    let reply = c.motd_text().await.expect("text");
    assert_eq!(*reply.json(), json!("all clear\n"));

    upstream.push(Scripted::raw(200, "image/png", b"\x89PNG".to_vec()));
    let reply = c.logo_binary().await.expect("binary");
    assert_eq!(
        *reply.json(),
        json!({"mimeType": "image/png", "data": "iVBORw=="})
    );

    let r = upstream.requests();
    assert_get(
        &r[0],
        "/api/config.yaml",
        "application/yaml, text/yaml;q=0.9, */*;q=0.1",
    );
    assert_get(
        &r[1],
        "/api/report.html",
        "text/html, application/xhtml+xml;q=0.9, */*;q=0.1",
    );
    assert_get(
        &r[2],
        "/api/notes.md",
        "text/markdown, text/plain;q=0.9, */*;q=0.1",
    );
    assert_get(&r[3], "/api/motd", "text/plain, */*;q=0.1");
    assert_get(&r[4], "/api/logo", "*/*");
}

#[tokio::test]
async fn an_undecodable_answer_is_a_decode_error_naming_the_format() {
    let upstream = Upstream::start().await;
    let c = client(&upstream);
    upstream.push(Scripted::raw(200, "text/plain", b"\xff\xfe".to_vec()));
    let err = c.motd_text().await.expect_err("not UTF-8");
    assert!(
        matches!(
            err,
            Error::Decode {
                format: "text",
                status: 200,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("not valid text"), "{err}");
    upstream.push(Scripted::raw(200, "application/yaml", "a: [1"));
    let err = c.config_yaml().await.expect_err("bad yaml");
    assert!(err.to_string().contains("not valid yaml"), "{err}");
}
