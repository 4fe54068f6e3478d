//! Issue 10: binds with `location` (`tests/specs/file-binds.yaml`). Their variables are read
//! from the file when the client is built and sent upstream; `var` and a user-given
//! `env_source` come first; a missing file, key or value is a `ConfigError` naming the file
//! and the key, never a value.

use naftiko_runtime::client::ConfigError;
use naftiko_tests::{Scripted, Upstream};
use serde_json::json;
use std::time::Duration;

mod generated {
    naftiko_runtime::naftiko_capability!("specs/file-binds.yaml");
}
use generated::{dock, registry};

/// The absolute location of the `deployed` bind, as the spec writes it.
const DEPLOYED: &str = "/tmp/naftiko-tests-file-binds/secrets.json";

#[tokio::test]
async fn a_located_bind_is_read_from_its_file_when_the_client_is_built() {
    let upstream = Upstream::start().await;
    let client = registry::Client::builder()
        .base_uri(upstream.url())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("the bind file next to the spec has both keys");
    upstream.push(Scripted::json(200, &json!([])));
    client.list_ships().await.expect("call");
    let r = upstream.only_request();
    assert_eq!(r.header("authorization"), Some("Bearer file-token-123"));
    // A number in the file is sent as written.
    assert_eq!(r.header("registry-version"), Some("2"));
}

#[tokio::test]
async fn var_and_a_given_env_source_come_before_the_file() {
    let upstream = Upstream::start().await;
    let client = registry::Client::builder()
        .base_uri(upstream.url())
        .var("REGISTRY_TOKEN", "given-token")
        .env_source(|name| (name == "REGISTRY_VERSION").then(|| "from-source".to_string()))
        .build()
        .expect("client");
    upstream.push(Scripted::json(200, &json!([])));
    client.list_ships().await.expect("call");
    let r = upstream.only_request();
    assert_eq!(r.header("authorization"), Some("Bearer given-token"));
    assert_eq!(r.header("registry-version"), Some("from-source"));
}

#[tokio::test]
async fn a_missing_file_or_key_is_a_start_up_error_naming_file_and_key() {
    let dir = std::path::Path::new(DEPLOYED).parent().unwrap();
    std::fs::create_dir_all(dir).unwrap();
    let _ = std::fs::remove_file(DEPLOYED);
    match dock::Client::builder().build() {
        Err(ConfigError::BindFile { path, .. }) => assert_eq!(path, DEPLOYED),
        other => panic!("expected a missing bind file, got {other:?}"),
    }

    std::fs::write(DEPLOYED, r#"{"other-key": "hunter2"}"#).unwrap();
    let err = dock::Client::builder().build().unwrap_err();
    match &err {
        ConfigError::BindKey { path, key, var, .. } => {
            assert_eq!(
                (path.as_str(), key.as_str(), var.as_str()),
                (DEPLOYED, "dock-key", "DOCK_KEY")
            );
        }
        other => panic!("expected a missing key, got {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains(DEPLOYED) && message.contains("`dock-key`"),
        "{message}"
    );
    assert!(!message.contains("hunter2"), "{message}");

    std::fs::write(DEPLOYED, r#"{"dock-key": "k-42"}"#).unwrap();
    let upstream = Upstream::start().await;
    let client = dock::Client::builder()
        .base_uri(upstream.url())
        .build()
        .expect("the deployed file has the key now");
    upstream.push(Scripted::json(200, &json!([])));
    client.list_vessels().await.expect("call");
    assert_eq!(upstream.only_request().header("x-dock-key"), Some("k-42"));
    // A variable given directly needs no file.
    let _ = std::fs::remove_file(DEPLOYED);
    assert!(
        dock::Client::builder()
            .var("DOCK_KEY", "given")
            .build()
            .is_ok()
    );
}
