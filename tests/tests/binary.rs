//! Ikanos beta5 binary content (issue 16). `tests/specs/binary.yaml` reads two consumed
//! operations as `outputRawFormat: binary`: a REST operation answers their bytes as they came,
//! under its `responseBinary` / `responses` status and media type, and an MCP resource with
//! `binary: true` as a base64 blob. `maxBinarySize` bounds each (the operation's, else the
//! adapter's); `outputMediaType` names the media type of a blob.

use base64::Engine as _;
use naftiko_runtime::reqwest;
use naftiko_tests::mcp_client::{call_tool, result_json, serve_and_connect};
use naftiko_tests::{Scripted, Upstream, serve};
use rmcp::model::{ReadResourceRequestParams, ResourceContents};
use serde_json::json;
use std::time::Duration;

mod binary {
    naftiko_runtime::naftiko_capability!("specs/binary.yaml");
}
use binary::{Upstreams, photos, photos_mcp, photos_rest};

async fn world() -> (Upstream, Upstreams) {
    let up = Upstream::start().await;
    let ups = Upstreams {
        photos: photos::Client::builder()
            .base_uri(up.url())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client"),
    };
    (up, ups)
}

/// Bytes that are not UTF-8 text, `n` of them.
fn bytes(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 % 256) as u8 | 0x80).collect()
}

#[tokio::test]
async fn a_binary_rest_operation_answers_the_upstreams_bytes_with_its_media_type() {
    let (up, ups) = world().await;
    let served = serve(photos_rest::router(ups)).await;
    let photo = bytes(600);
    up.push(Scripted::raw(
        200,
        "application/octet-stream",
        photo.clone(),
    ));
    let resp = reqwest::get(format!("{}/photos/7", served.url()))
        .await
        .expect("request");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "image/png");
    assert_eq!(resp.bytes().await.expect("body").to_vec(), photo);
    assert_eq!(up.only_request().path(), "/photos/7");
    up.clear();

    let document = bytes(50);
    up.push(Scripted::raw(200, "application/pdf", document.clone()));
    let resp = reqwest::get(format!("{}/documents/d1", served.url()))
        .await
        .expect("request");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    assert_eq!(resp.bytes().await.expect("body").to_vec(), document);
}

#[tokio::test]
async fn max_binary_size_is_the_operations_else_the_adapters() {
    let (up, ups) = world().await;
    let served = serve(photos_rest::router(ups)).await;
    // `get-document` has no bound of its own: the REST adapter's 64 B.
    up.push(Scripted::raw(200, "application/pdf", bytes(100)));
    let resp = reqwest::get(format!("{}/documents/d1", served.url()))
        .await
        .expect("request");
    assert_eq!(resp.status(), 502);
    let problem: serde_json::Value = resp.json().await.expect("a problem");
    let detail = problem["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("(100 bytes) is larger than `maxBinarySize` (64 bytes)"),
        "{problem}"
    );
    // `get-photo` says 1 KiB, which wins over the adapter's 64 B (600 B passed above) and
    // stops the read beyond it.
    up.push(Scripted::raw(200, "image/png", bytes(2000)));
    let resp = reqwest::get(format!("{}/photos/8", served.url()))
        .await
        .expect("request");
    assert_eq!(resp.status(), 502);
}

#[tokio::test]
async fn the_openapi_document_describes_the_binary_and_documented_responses() {
    let (_up, ups) = world().await;
    let served = serve(photos_rest::router(ups)).await;
    let doc: serde_json::Value = reqwest::get(format!("{}/openapi.json", served.url()))
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    let photo = &doc["paths"]["/photos/{id}"]["get"]["responses"];
    assert_eq!(
        photo["200"],
        json!({"description": "The photo, as PNG", "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}})
    );
    assert!(photo.get("2XX").is_none(), "{photo}");
    let document = &doc["paths"]["/documents/{id}"]["get"]["responses"];
    assert_eq!(
        document["200"]["content"]["application/pdf"]["schema"]["format"],
        "binary"
    );
    assert_eq!(document["404"]["description"], "No such document");
    assert_eq!(
        document["404"]["content"]["application/json"]["schema"]["properties"]["message"],
        json!({"type": "string"})
    );
}

#[tokio::test]
async fn a_binary_resource_is_a_blob_with_the_operations_media_type() {
    let (up, ups) = world().await;
    let (_served, client) = serve_and_connect(photos_mcp::server(ups)).await;
    let templates = client
        .list_all_resource_templates()
        .await
        .expect("templates");
    let photo_mime = templates
        .iter()
        .find(|t| t.name == "photo")
        .and_then(|t| t.mime_type.clone());
    assert_eq!(photo_mime.as_deref(), Some("image/png"));

    let photo = bytes(300);
    up.push(Scripted::raw(
        200,
        "application/octet-stream",
        photo.clone(),
    ));
    let r = client
        .read_resource(ReadResourceRequestParams::new("photos://p1"))
        .await
        .expect("read");
    match r.contents.as_slice() {
        [
            ResourceContents::BlobResourceContents {
                uri,
                mime_type,
                blob,
                ..
            },
        ] => {
            assert_eq!(uri, "photos://p1");
            // `outputMediaType` wins over the upstream's label.
            assert_eq!(mime_type.as_deref(), Some("image/png"));
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(blob)
                .expect("base64");
            assert_eq!(decoded, photo);
        }
        other => panic!("{other:?}"),
    }
    // Without `outputMediaType`, the upstream's `Content-Type`.
    up.push(Scripted::raw(200, "application/pdf", bytes(10)));
    let r = client
        .read_resource(ReadResourceRequestParams::new("documents://d1"))
        .await
        .expect("read");
    match r.contents.as_slice() {
        [ResourceContents::BlobResourceContents { mime_type, .. }] => {
            assert_eq!(mime_type.as_deref(), Some("application/pdf"));
        }
        other => panic!("{other:?}"),
    }
    // The MCP adapter declares no bound: the default 10 MiB; the operation's 1 KiB applies.
    up.push(Scripted::raw(200, "image/png", bytes(1500)));
    let e = client
        .read_resource(ReadResourceRequestParams::new("photos://p2"))
        .await
        .expect_err("over the operation's bound");
    assert!(e.to_string().contains("photos://p2"), "{e}");

    // A tool calling a binary operation answers its JSON form: media type and base64 data.
    up.push(Scripted::raw(200, "image/png", vec![0xff, 0x00]));
    let r = call_tool(&client, "get-photo", json!({"id": "p3"})).await;
    assert_eq!(
        result_json(&r),
        json!({"mimeType": "image/png", "data": "/wA="})
    );
}
