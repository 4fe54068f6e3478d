//! The `skill` adapter over the wire (`specs/skills.yaml`): the catalog, one skill's detail with
//! its derived tools' schemas, its files (the instruction embedded at compile time, the
//! `location`'s files, the generated `SKILL.md`), the zip download, and the bearer token it
//! requires.

use naftiko_runtime::reqwest;
use naftiko_tests::{Served, raw_http, serve};
use serde_json::{Value, json};
use std::io::Read;

mod spec {
    naftiko_runtime::naftiko_capability!("specs/skills.yaml");
}
use spec::orders_skills;

const TOKEN: &str = "skills-t0ken";

fn env(name: &str) -> Option<String> {
    (name == "SKILLS_TOKEN").then(|| TOKEN.to_string())
}

const SKILL_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/specs/skills/order-management");

async fn served() -> Served {
    let auth = orders_skills::AUTH
        .build("orders-skills", env)
        .expect("the token is set");
    serve(orders_skills::router(auth)).await
}

async fn get(served: &Served, path: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{}{path}", served.url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("answer")
}

async fn get_json(served: &Served, path: &str) -> Value {
    let r = get(served, path).await;
    assert_eq!(r.status().as_u16(), 200, "{path}");
    assert_eq!(
        r.headers()["content-type"].to_str().ok(),
        Some("application/json")
    );
    r.json().await.expect("JSON")
}

#[tokio::test]
async fn the_catalog_lists_every_skill_with_its_tool_names() {
    let s = served().await;
    let catalog = get_json(&s, "/skills").await;
    assert_eq!(
        catalog,
        json!({"count": 2, "skills": [
            {"name": "order-management", "description": "Tools for managing orders",
             "license": "Apache-2.0", "tools": ["list-orders", "find-order", "order-guide"]},
            {"name": "onboarding-guide", "description": "A purely descriptive skill with no tools",
             "tools": []}
        ]})
    );
}

#[tokio::test]
async fn a_skill_detail_has_its_frontmatter_and_its_tools_invocation_and_schemas() {
    let s = served().await;
    let d = get_json(&s, "/skills/order-management").await;
    assert_eq!(d["name"], "order-management");
    assert_eq!(d["description"], "Tools for managing orders");
    assert_eq!(d["license"], "Apache-2.0");
    assert_eq!(
        d["compatibility"],
        "Needs network access to the order service"
    );
    assert_eq!(d["allowed-tools"], "list-orders find-order");
    assert_eq!(d["argument-hint"], "Use for order operations");
    assert_eq!(d["user-invocable"], true);
    assert_eq!(d["disable-model-invocation"], false);
    assert_eq!(
        d["metadata"],
        json!({"author": "naftiko-tests", "category": "commerce"})
    );
    let tools = d["tools"].as_array().expect("tools");
    assert_eq!(tools.len(), 3);
    // Derived from the REST operation: its query input, optional.
    assert_eq!(tools[0]["type"], "derived");
    assert_eq!(
        tools[0]["invocationRef"],
        json!({"targetNamespace": "orders-rest", "action": "list-orders", "mode": "rest"})
    );
    assert_eq!(
        tools[0]["inputSchema"],
        json!({"type": "object", "properties": {"status": {"type": "string", "description": "Only orders in this status"}}})
    );
    // Derived from the MCP tool: no description of its own, so the tool's; its schemas.
    assert_eq!(tools[1]["name"], "find-order");
    assert_eq!(tools[1]["description"], "Finds one order by its number");
    assert_eq!(tools[1]["invocationRef"]["mode"], "mcp");
    assert_eq!(tools[1]["inputSchema"]["required"], json!(["number"]));
    assert_eq!(
        tools[1]["inputSchema"]["properties"]["number"]["type"],
        "string"
    );
    assert_eq!(
        tools[1]["outputSchema"]["properties"]["count"]["type"],
        json!(["number", "null"])
    );
    // An instruction.
    assert_eq!(
        tools[2],
        json!({"name": "order-guide", "description": "Guide for working with orders",
               "type": "instruction", "instruction": "order-guide.md"})
    );
    // A skill without tools has an empty list.
    let d = get_json(&s, "/skills/onboarding-guide").await;
    assert_eq!(d["tools"], json!([]));
    assert!(d.get("license").is_none());
}

#[tokio::test]
async fn unknown_skills_and_files_are_not_found() {
    let s = served().await;
    for path in [
        "/skills/unknown-skill",
        "/skills/unknown-skill/contents",
        "/skills/unknown-skill/download",
        "/skills/order-management/contents/missing.md",
        "/skills/onboarding-guide/contents/order-guide.md",
    ] {
        let r = get(&s, path).await;
        assert_eq!(r.status().as_u16(), 404, "{path}");
        assert_eq!(
            r.headers()["content-type"].to_str().ok(),
            Some("application/problem+json")
        );
    }
}

#[tokio::test]
async fn the_instruction_and_the_location_files_are_served() {
    let s = served().await;
    let r = get(&s, "/skills/order-management/contents/order-guide.md").await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        r.headers()["content-type"].to_str().ok(),
        Some("text/markdown")
    );
    let expected = std::fs::read_to_string(format!("{SKILL_DIR}/order-guide.md")).unwrap();
    assert_eq!(r.text().await.unwrap(), expected);
    // A file of the directory in a subdirectory, read when asked.
    let r = get(&s, "/skills/order-management/contents/examples/usage.md").await;
    assert_eq!(r.status().as_u16(), 200);
    let expected = std::fs::read_to_string(format!("{SKILL_DIR}/examples/usage.md")).unwrap();
    assert_eq!(r.text().await.unwrap(), expected);
}

#[tokio::test]
async fn the_contents_list_the_files_and_a_generated_skill_md() {
    let s = served().await;
    let c = get_json(&s, "/skills/order-management/contents").await;
    assert_eq!(c["name"], "order-management");
    let files = c["files"].as_array().expect("files");
    let paths: Vec<&str> = files.iter().filter_map(|f| f["path"].as_str()).collect();
    assert_eq!(paths, ["SKILL.md", "examples/usage.md", "order-guide.md"]);
    let guide_len = std::fs::metadata(format!("{SKILL_DIR}/order-guide.md"))
        .unwrap()
        .len();
    assert_eq!(files[2]["size"], guide_len);
    assert_eq!(files[2]["type"], "text/markdown");

    // SKILL.md: Agent Skills frontmatter, then the tools.
    let r = get(&s, "/skills/order-management/contents/SKILL.md").await;
    assert_eq!(r.status().as_u16(), 200);
    let md = r.text().await.unwrap();
    assert_eq!(files[0]["size"], md.len());
    let front = md
        .strip_prefix("---\n")
        .and_then(|m| m.split_once("\n---\n"))
        .map(|(f, _)| f)
        .expect("frontmatter");
    let lines: Vec<&str> = front.lines().collect();
    assert_eq!(lines[0], "name: order-management");
    assert!(lines.contains(&"description: \"Tools for managing orders\""));
    assert!(lines.contains(&"allowed-tools: \"list-orders find-order\""));
    assert!(lines.contains(&"user-invocable: true"));
    assert!(lines.contains(&"  \"author\": \"naftiko-tests\""));
    assert!(md.contains("### find-order"), "{md}");
    assert!(
        md.contains("Invoke the MCP tool `find-order` of the `orders-mcp` server"),
        "{md}"
    );
    assert!(md.contains("[order-guide.md](order-guide.md)"), "{md}");

    // A skill without `location`: only its SKILL.md.
    let c = get_json(&s, "/skills/onboarding-guide/contents").await;
    assert_eq!(c["files"].as_array().map(Vec::len), Some(1));
    assert_eq!(c["files"][0]["path"], "SKILL.md");
}

#[tokio::test]
async fn the_download_is_a_zip_of_the_skill_files() {
    let s = served().await;
    let r = get(&s, "/skills/order-management/download").await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        r.headers()["content-type"].to_str().ok(),
        Some("application/zip")
    );
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let mut names: Vec<String> = archive
        .file_names()
        .map(|n| n.expect("a UTF-8 name").into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["SKILL.md", "examples/usage.md", "order-guide.md"]);
    let mut guide = String::new();
    archive
        .by_name("order-guide.md")
        .expect("the instruction")
        .read_to_string(&mut guide)
        .unwrap();
    assert_eq!(
        guide,
        std::fs::read_to_string(format!("{SKILL_DIR}/order-guide.md")).unwrap()
    );
}

#[tokio::test]
async fn paths_never_leave_the_skill_directory() {
    let s = served().await;
    for path in [
        "/skills/order-management/contents/../../../skills.yaml",
        "/skills/order-management/contents/%2e%2e/%2e%2e/%2e%2e/skills.yaml",
        "/skills/order-management/contents/examples/..%2f..%2f..%2fskills.yaml",
        "/skills/order-management/contents//etc/passwd",
        // A symbolic link in the directory pointing out of it (to the spec).
        "/skills/order-management/contents/escape.md",
    ] {
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n"
        );
        let r = raw_http(s.addr, request.as_bytes()).await;
        assert!(
            r.status == 400 || r.status == 404,
            "{path}: {} {}",
            r.status,
            r.text()
        );
        assert!(!r.text().contains("naftiko:"), "{path}: {}", r.text());
        assert!(!r.text().contains("root:"), "{path}: {}", r.text());
    }
}

#[tokio::test]
async fn every_route_requires_the_token() {
    let s = served().await;
    let client = reqwest::Client::new();
    for path in [
        "/skills",
        "/skills/order-management",
        "/skills/order-management/contents",
        "/skills/order-management/contents/order-guide.md",
        "/skills/order-management/download",
    ] {
        let url = format!("{}{path}", s.url());
        let none = client.get(&url).send().await.expect("answer");
        assert_eq!(none.status().as_u16(), 401, "{path}");
        assert!(none.headers().contains_key("www-authenticate"), "{path}");
        let body = none.text().await.unwrap();
        assert!(!body.contains("Working with orders"), "{path}: {body}");
        let wrong = client
            .get(&url)
            .bearer_auth("not-the-token")
            .send()
            .await
            .expect("answer");
        assert_eq!(wrong.status().as_u16(), 401, "{path}");
        let right = client
            .get(&url)
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("answer");
        assert_eq!(right.status().as_u16(), 200, "{path}");
    }
}

#[tokio::test]
async fn the_bounds_of_the_location_are_options() {
    use naftiko_runtime::skill::{Options, router_with};
    let small = Options {
        max_files: 1,
        max_file_bytes: 8,
        ..Options::default()
    };
    let s = serve(router_with(&orders_skills::CATALOG, small)).await;
    // One entry read: the listing is cut, the archive refused.
    let c = get_json(&s, "/skills/order-management/contents").await;
    let disk = c["files"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["path"].as_str())
        .filter(|p| *p != "SKILL.md" && *p != "order-guide.md")
        .count();
    assert!(disk <= 1, "{c}");
    let r = get(&s, "/skills/order-management/download").await;
    assert_eq!(r.status().as_u16(), 507);
    // A file of the directory larger than `max_file_bytes`; the embedded instruction is not
    // read from the directory, so it is served whatever its size.
    let r = get(&s, "/skills/order-management/contents/examples/usage.md").await;
    assert_eq!(r.status().as_u16(), 413);
    let r = get(&s, "/skills/order-management/contents/order-guide.md").await;
    assert_eq!(r.status().as_u16(), 200);

    let s = serve(router_with(
        &orders_skills::CATALOG,
        Options {
            max_archive_bytes: 16,
            ..Options::default()
        },
    ))
    .await;
    let r = get(&s, "/skills/order-management/download").await;
    assert_eq!(r.status().as_u16(), 413);
}
