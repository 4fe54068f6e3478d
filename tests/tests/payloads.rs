//! Issue 9: answers in every `outputRawFormat` and request bodies of every kind, on the wire
//! against the recording upstream, through the generated client and the generated REST adapter
//! (`tests/specs/payloads.yaml`).

use naftiko_runtime::client::Error;
use naftiko_runtime::reqwest;
use naftiko_tests::mcp_client::{McpClient, call_tool, serve_and_connect};
use naftiko_tests::{Recorded, Scripted, Served, Upstream, serve};
use rmcp::model::CallToolResult;
use serde_json::{Value, json};
use std::time::Duration;

// The spec keeps query strings in consumed paths on purpose, to test how they are sent; the
// Naftiko ruleset warns about them (as deprecation notes at the macro call).
#[allow(deprecated)]
mod generated {
    naftiko_runtime::naftiko_capability!("specs/payloads.yaml");
}
use generated::{Upstreams, fleet, payloads_mcp, payloads_rest};

/// The value of the bind `CLIENT_SECRET` (environment variable `PAYLOADS_CLIENT_SECRET`).
const SECRET: &str = "s3cr&t <x>";

fn client(upstream: &Upstream) -> fleet::Client {
    fleet::Client::builder()
        .base_uri(format!("{}/api", upstream.url()))
        .var("PAYLOADS_CLIENT_SECRET", SECRET)
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
        "<error><message>no fleet</message></error>",
    ));
    let (status, ct, body) = get(&served, "/ships").await;
    // The error body is converted from XML and passed on with the upstream's status.
    assert_eq!((status, ct.as_str()), (404, "application/json"));
    assert_eq!(body, json!({"message": "no fleet"}));

    // One that is not valid in the format is a problem quoting its text.
    upstream.push(Scripted::raw(400, "text/html", "<h1>bad"));
    let (status, ct, body) = get(&served, "/ships").await;
    assert_eq!((status, ct.as_str()), (400, "application/problem+json"));
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("<h1>bad")),
        "{body}"
    );
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

// ---------------------------------------------------------------------------------------------
// Request bodies
// ---------------------------------------------------------------------------------------------

/// A POST/PUT as the upstream got it: method, target, `Content-Type`, exact body bytes, and
/// the API-wide `X-API-Key` header (from its `value`).
fn assert_sent(r: &Recorded, method: &str, target: &str, content_type: &str, body: &[u8]) {
    assert_eq!(r.method, method);
    assert_eq!(r.target, target);
    assert_eq!(r.header_all("content-type"), vec![content_type], "{r:#?}");
    assert_eq!(
        String::from_utf8_lossy(&r.body),
        String::from_utf8_lossy(body),
        "{r:#?}"
    );
    assert_eq!(
        r.header("content-length"),
        Some(body.len().to_string().as_str())
    );
    assert_eq!(r.header_all("x-api-key"), vec!["key-123"]);
}

fn ok_json() -> Scripted {
    Scripted::json(200, &json!({"ok": true}))
}

#[tokio::test]
async fn text_xml_and_sparql_bodies_are_templates_with_escaped_values() {
    let upstream = Upstream::start().await;
    upstream.set_fallback(ok_json());
    let c = client(&upstream);
    c.post_xml("Mary & <Jo>", "9321483").await.expect("xml");
    c.post_text("web-1").await.expect("text");
    c.post_sparql("x\" } DROP ALL #").await.expect("sparql");
    let r = upstream.requests();
    assert_sent(
        &r[0],
        "POST",
        "/api/submit",
        "application/xml",
        b"<ship name=\"Mary &amp; &lt;Jo&gt;\"><imo>9321483</imo></ship>",
    );
    assert_sent(
        &r[1],
        "PUT",
        "/api/submit",
        "text/plain",
        b"metric,host=web-1 value=1",
    );
    assert_sent(
        &r[2],
        "POST",
        "/api/submit",
        "application/sparql-query",
        b"SELECT ?s WHERE { ?s <urn:name> \"x\\\" } DROP ALL #\" }",
    );
}

#[tokio::test]
async fn form_bodies_from_an_object_or_a_pre_encoded_string() {
    let upstream = Upstream::start().await;
    upstream.set_fallback(ok_json());
    let c = client(&upstream);
    c.post_form(&fleet::PostFormParams {
        scope: Some("read write&admin".into()),
    })
    .await
    .expect("form");
    c.post_form(&fleet::PostFormParams::default())
        .await
        .expect("form without scope");
    c.post_form_string("a b/c=").await.expect("pre-encoded");
    c.post_form_alias(&fleet::PostFormAliasParams {
        client_id: Some("app-1".into()),
    })
    .await
    .expect("form alias");
    let r = upstream.requests();
    let form = "application/x-www-form-urlencoded";
    assert_sent(
        &r[0],
        "POST",
        "/api/submit",
        form,
        b"grant_type=client_credentials&scope=read+write%26admin",
    );
    assert_sent(
        &r[1],
        "POST",
        "/api/submit",
        form,
        b"grant_type=client_credentials",
    );
    assert_sent(
        &r[2],
        "POST",
        "/api/submit",
        form,
        b"grant_type=authorization_code&code=a+b%2Fc%3D",
    );
    assert_sent(&r[3], "POST", "/api/submit", form, b"client_id=app-1");
}

/// The boundary of a `multipart/form-data` request, checked to be in its content type.
fn boundary(r: &Recorded) -> String {
    let ct = r.header("content-type").expect("a content type");
    let b = ct
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not multipart: {ct}"));
    assert!(b.len() >= 16, "{b}");
    b.to_string()
}

#[tokio::test]
async fn multipart_bodies_have_one_part_per_entry() {
    let upstream = Upstream::start().await;
    upstream.set_fallback(ok_json());
    let c = client(&upstream);
    c.post_multipart(&fleet::PostMultipartParams {
        prompt: Some("a \"red\" ship".into()),
        content: Some("line 1\r\nline 2".into()),
    })
    .await
    .expect("multipart");
    c.post_multipart_map(&fleet::PostMultipartMapParams {
        prompt: Some("sea".into()),
        seed: None,
    })
    .await
    .expect("multipart map");
    let r = upstream.requests();
    let b = boundary(&r[0]);
    let expected = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\na \"red\" ship\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"\r\n\
         Content-Type: text/plain\r\n\r\nnotes: line 1\r\nline 2\r\n--{b}--\r\n"
    );
    assert_sent(
        &r[0],
        "POST",
        "/api/submit",
        &format!("multipart/form-data; boundary={b}"),
        expected.as_bytes(),
    );
    let b2 = boundary(&r[1]);
    assert_ne!(b, b2, "a fresh boundary per request");
    // `seed` is absent: its part is left out.
    let expected = format!(
        "--{b2}\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nsea\r\n--{b2}--\r\n"
    );
    assert_eq!(String::from_utf8_lossy(&r[1].body), expected);
}

#[tokio::test]
async fn raw_string_bodies_are_json_unless_a_header_parameter_types_them() {
    let upstream = Upstream::start().await;
    upstream.set_fallback(ok_json());
    let c = client(&upstream);
    c.post_raw("Ever \"Given\"").await.expect("raw");
    c.post_raw_typed("Ever Given").await.expect("raw typed");
    let r = upstream.requests();
    let sent = br#"{"name": "Ever \"Given\"", "kind": "ship"}"#;
    assert_sent(&r[0], "POST", "/api/submit", "application/json", sent);
    assert_eq!(
        r[0].json(),
        json!({"name": "Ever \"Given\"", "kind": "ship"})
    );
    assert_sent(
        &r[1],
        "POST",
        "/api/submit",
        "text/csv",
        b"name\nEver Given\n",
    );
}

#[tokio::test]
async fn yaml_cbor_and_binary_bodies() {
    let upstream = Upstream::start().await;
    upstream.set_fallback(ok_json());
    let c = client(&upstream);
    c.post_yaml(&fleet::PostYamlParams {
        spec: Some("openapi: 3.1.0".into()),
    })
    .await
    .expect("yaml");
    c.post_cbor(&fleet::PostCborParams {
        tx: Some("84a3".into()),
    })
    .await
    .expect("cbor");
    c.post_binary("raw bytes\u{1}").await.expect("binary");
    let r = upstream.requests();
    assert_sent(
        &r[0],
        "POST",
        "/api/submit",
        "application/yaml",
        br#"{"spec":"openapi: 3.1.0"}"#,
    );
    // {"n": 3, "tx_data": "84a3"} in CBOR: a map of two entries with text keys (in the
    // order serde_json keeps them).
    let mut cbor = vec![0xa2, 0x61, b'n', 0x03, 0x67];
    cbor.extend_from_slice(b"tx_data");
    cbor.push(0x64);
    cbor.extend_from_slice(b"84a3");
    assert_eq!(r[1].header("content-type"), Some("application/cbor"));
    assert_eq!(r[1].body, cbor);
    assert_sent(
        &r[2],
        "PUT",
        "/api/submit",
        "application/octet-stream",
        b"raw bytes\x01",
    );
}

#[tokio::test]
async fn header_and_query_population_like_the_engine() {
    let (upstream, served) = gateway().await;
    upstream.push(ok_json());
    let (status, _, body) = get(&served, "/search?q=999").await;
    assert_eq!((status, body), (200, json!({"ok": true})));
    let r = upstream.only_request();
    // `q=999`, not `q=%22999%22`; the API-wide header from its `value`.
    assert_eq!(r.target, "/api/search?q=999");
    assert_eq!(r.header_all("x-api-key"), vec!["key-123"]);
}

/// POST `body` as JSON to the gateway: status and JSON answer.
async fn post(served: &Served, path: &str, body: &Value) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}{path}", served.url()))
        .json(body)
        .send()
        .await
        .expect("gateway answers");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("JSON"))
}

#[tokio::test]
async fn rest_inputs_fill_xml_form_and_multipart_bodies() {
    let (upstream, served) = gateway().await;
    upstream.set_fallback(Scripted::json(201, &json!({"id": "s-1"})));
    let (status, body) = post(&served, "/ships/new", &json!({"name": "Jo", "imo": "1"})).await;
    assert_eq!((status, body), (201, json!({"id": "s-1"})));
    let (status, _) = post(&served, "/token", &json!({"scope": "read"})).await;
    assert_eq!(status, 201);
    let (status, _) = post(&served, "/images", &json!({"prompt": "p", "content": "c"})).await;
    assert_eq!(status, 201);
    let r = upstream.requests();
    assert_sent(
        &r[0],
        "POST",
        "/api/submit",
        "application/xml",
        b"<ship name=\"Jo\"><imo>1</imo></ship>",
    );
    assert_sent(
        &r[1],
        "POST",
        "/api/submit",
        "application/x-www-form-urlencoded",
        b"grant_type=client_credentials&scope=read",
    );
    let b = boundary(&r[2]);
    assert_eq!(
        String::from_utf8_lossy(&r[2].body),
        format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\np\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"\r\n\
             Content-Type: text/plain\r\n\r\nnotes: c\r\n--{b}--\r\n"
        )
    );
}

#[tokio::test]
async fn a_query_string_in_a_resource_path_is_sent_with_the_other_parameters() {
    let upstream = Upstream::start().await;
    upstream.set_fallback(ok_json());
    let c = client(&upstream);
    c.lookup(&fleet::LookupParams { page: Some(2) })
        .await
        .expect("lookup");
    c.lookup(&fleet::LookupParams::default())
        .await
        .expect("lookup");
    c.stats().await.expect("stats");
    let r = upstream.requests();
    assert_eq!(r[0].target, "/api/lookup?page=2&format=json&sort=name+asc");
    assert_eq!(r[1].target, "/api/lookup?format=json&sort=name+asc");
    // Relative to a base URI that names a script (`.../api.php?action=...`).
    assert_eq!(r[2].target, "/api?action=GetStats");
}

// ---------------------------------------------------------------------------------------------
// MCP
// ---------------------------------------------------------------------------------------------

async fn mcp() -> (Upstream, Served, McpClient) {
    let upstream = Upstream::start().await;
    let (served, client) = serve_and_connect(payloads_mcp::server(Upstreams {
        fleet: client(&upstream),
    }))
    .await;
    (upstream, served, client)
}

async fn call(client: &McpClient, tool: &str, args: Value) -> CallToolResult {
    call_tool(client, tool, args).await
}

fn text_of(r: &CallToolResult) -> String {
    r.content
        .iter()
        .filter_map(|c| c.as_text())
        .map(|t| t.text.clone())
        .collect()
}

#[tokio::test]
async fn mcp_tools_map_xml_answers_and_report_undecodable_ones_as_is_error() {
    let (upstream, _served, client) = mcp().await;
    upstream.push(Scripted::raw(200, "application/xml", SHIPS_XML));
    let r = call(&client, "ships", json!({})).await;
    assert_eq!(r.is_error, Some(false), "{r:?}");
    let text: Value = serde_json::from_str(&text_of(&r)).expect("JSON text");
    assert_eq!(text[0]["name"], "Ever Given");
    assert_eq!(text[1]["imo"], "9811000");

    upstream.push(Scripted::raw(200, "application/xml", "<fleet><ship>"));
    let r = call(&client, "ships", json!({})).await;
    assert_eq!(r.is_error, Some(true), "{r:?}");
    assert!(text_of(&r).contains("not valid xml"), "{r:?}");

    upstream.push(ok_json());
    let r = call(&client, "new-ship", json!({"name": "Jo & Co", "imo": "7"})).await;
    assert_eq!(r.is_error, Some(false), "{r:?}");
    let sent = upstream.requests();
    assert_sent(
        &sent[2],
        "POST",
        "/api/submit",
        "application/xml",
        b"<ship name=\"Jo &amp; Co\"><imo>7</imo></ship>",
    );
}

#[tokio::test]
async fn binds_in_body_templates_are_read_when_the_client_is_built() {
    let upstream = Upstream::start().await;
    upstream.set_fallback(ok_json());
    let c = client(&upstream);
    c.post_secret_form(&fleet::PostSecretFormParams {
        client_id: Some("app".into()),
    })
    .await
    .expect("form");
    c.post_secret_xml().await.expect("xml");
    c.post_secret_json().await.expect("json");
    let r = upstream.requests();
    assert_sent(
        &r[0],
        "POST",
        "/api/submit",
        "application/x-www-form-urlencoded",
        b"client_id=app&client_secret=s3cr%26t+%3Cx%3E",
    );
    assert_sent(
        &r[1],
        "POST",
        "/api/submit",
        "application/xml",
        b"<auth secret=\"s3cr&amp;t &lt;x&gt;\"/>",
    );
    assert_eq!(r[2].json(), json!({"secret": "key s3cr&t <x>"}));

    // A bound variable that is not set is a start-up error naming it, never an empty value.
    let err = fleet::Client::builder()
        .base_uri(format!("{}/api", upstream.url()))
        .env_source(|_| None)
        .build()
        .expect_err("no secret");
    assert!(
        matches!(&err, naftiko_runtime::client::ConfigError::MissingVar(v) if v == "PAYLOADS_CLIENT_SECRET"),
        "{err}"
    );
}

mod bad_selector {
    naftiko_runtime::naftiko_capability!("specs/payloads-bad-selector.yaml");
}

#[test]
fn an_html_selector_that_does_not_parse_is_a_start_up_error() {
    let err = bad_selector::pages::Client::builder()
        .base_uri("http://127.0.0.1:9")
        .env_source(|_| None)
        .build()
        .expect_err("a bad selector");
    assert!(
        matches!(
            &err,
            naftiko_runtime::client::ConfigError::InvalidSelector {
                operation: "report",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("not a CSS selector"), "{err}");
}
