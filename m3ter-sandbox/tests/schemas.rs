//! Every response checked against m3ter's own OpenAPI schemas.

mod common;

use common::*;
use serde_json::{Map, Value, json};
use std::collections::HashSet;
use std::time::Duration;

/// Schemas extracted verbatim from m3ter's OpenAPI by
/// `billjob/tests-data/extract_billjob_schemas.py`. They stay beside billjob's interop
/// scripts, which validate a running sandbox against the same file.
const SCHEMAS: &str = include_str!("../../billjob/tests-data/m3ter-billjob-schemas.json");

/// A small OpenAPI 3.0 schema checker: `$ref` (to `#/components/schemas/`), `allOf`,
/// `type`, `nullable`, `enum`, `required`, `properties`, `items`, `min/maxItems`,
/// `min/maxLength`, `minimum`/`maximum` with boolean `exclusive*`, and the `date`,
/// `date-time`, `int32` and `int64` formats. On top of the schema it is strict:
/// properties the schema does not declare are reported, to catch misspelt fields.
struct SchemaChecker<'a> {
    schemas: &'a Map<String, Value>,
}

impl SchemaChecker<'_> {
    fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        match schema.get("$ref").and_then(Value::as_str) {
            // In OpenAPI 3.0, keywords beside `$ref` are ignored.
            Some(reference) => {
                let name = reference
                    .strip_prefix("#/components/schemas/")
                    .unwrap_or_else(|| panic!("unsupported $ref {reference}"));
                self.resolve(
                    self.schemas
                        .get(name)
                        .unwrap_or_else(|| panic!("unknown schema {name}")),
                )
            }
            None => schema,
        }
    }

    /// Property names declared by a schema and its `allOf` parts, if any.
    fn declared(&self, schema: &Value, names: &mut HashSet<String>) -> bool {
        let schema = self.resolve(schema);
        let mut any = false;
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            names.extend(properties.keys().cloned());
            any = true;
        }
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            any |= self.declared(part, names);
        }
        any
    }

    fn check(&self, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
        let schema = self.resolve(schema);
        if value.is_null() {
            if schema.get("nullable") != Some(&Value::Bool(true)) {
                errors.push(format!("{at}: null where the schema is not nullable"));
            }
            return;
        }
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.check(part, value, at, errors);
        }
        if let Some(kind) = schema.get("type").and_then(Value::as_str) {
            let ok = match kind {
                "object" => value.is_object(),
                "array" => value.is_array(),
                "string" => value.is_string(),
                "integer" => value.is_i64() || value.is_u64(),
                "number" => value.is_number(),
                "boolean" => value.is_boolean(),
                other => panic!("unsupported type {other}"),
            };
            if !ok {
                errors.push(format!("{at}: expected {kind}, got {value}"));
                return;
            }
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
            && !allowed.contains(value)
        {
            errors.push(format!("{at}: {value} is not one of {allowed:?}"));
        }
        let number = |key: &str| schema.get(key).and_then(Value::as_f64);
        let flag = |key: &str| schema.get(key) == Some(&Value::Bool(true));
        if let Some(text) = value.as_str() {
            let length = text.chars().count() as f64;
            if number("minLength").is_some_and(|min| length < min)
                || number("maxLength").is_some_and(|max| length > max)
            {
                errors.push(format!("{at}: length of {text:?} out of bounds"));
            }
            let format_ok = match schema.get("format").and_then(Value::as_str) {
                Some("date") => is_calendar_date(text),
                Some("date-time") => is_rfc3339(text),
                _ => true,
            };
            if !format_ok {
                errors.push(format!("{at}: {text:?} does not match its format"));
            }
        }
        if let Some(n) = value.as_f64() {
            let below = number("minimum")
                .is_some_and(|min| n < min || (flag("exclusiveMinimum") && n <= min));
            let above = number("maximum")
                .is_some_and(|max| n > max || (flag("exclusiveMaximum") && n >= max));
            let range = match schema.get("format").and_then(Value::as_str) {
                Some("int32") => value.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
                Some("int64") => value.is_i64(),
                _ => true,
            };
            if below || above || !range {
                errors.push(format!("{at}: {value} out of range"));
            }
        }
        if let Some(items) = value.as_array() {
            let count = items.len() as f64;
            if number("minItems").is_some_and(|min| count < min)
                || number("maxItems").is_some_and(|max| count > max)
            {
                errors.push(format!("{at}: {} items out of bounds", items.len()));
            }
            if let Some(item_schema) = schema.get("items") {
                for (index, item) in items.iter().enumerate() {
                    self.check(item_schema, item, &format!("{at}[{index}]"), errors);
                }
            }
        }
        if let Some(fields) = value.as_object() {
            for name in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = name.as_str().expect("required name");
                if !fields.contains_key(name) {
                    errors.push(format!("{at}: required property {name} is missing"));
                }
            }
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (name, property) in properties {
                    if let Some(field) = fields.get(name) {
                        self.check(property, field, &format!("{at}.{name}"), errors);
                    }
                }
            }
        }
    }

    /// Checks `value` against `schema` and the strictness rule, at every depth.
    fn violations(&self, schema: &Value, value: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        self.check(schema, value, "$", &mut errors);
        self.check_declared(schema, value, "$", &mut errors);
        errors
    }

    fn check_declared(&self, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
        let schema = self.resolve(schema);
        match value {
            Value::Object(fields) => {
                let mut names = HashSet::new();
                if self.declared(schema, &mut names) {
                    for (name, field) in fields {
                        if !names.contains(name) {
                            errors.push(format!("{at}.{name}: not declared by the schema"));
                        } else if let Some(sub) = self.property_schema(schema, name) {
                            self.check_declared(sub, field, &format!("{at}.{name}"), errors);
                        }
                    }
                }
            }
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (index, item) in items.iter().enumerate() {
                        self.check_declared(item_schema, item, &format!("{at}[{index}]"), errors);
                    }
                }
            }
            _ => {}
        }
    }

    fn property_schema<'s>(&'s self, schema: &'s Value, name: &str) -> Option<&'s Value> {
        let schema = self.resolve(schema);
        schema
            .get("properties")
            .and_then(|properties| properties.get(name))
            .or_else(|| {
                schema
                    .get("allOf")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .find_map(|part| self.property_schema(part, name))
            })
    }
}

fn load_schemas() -> Value {
    serde_json::from_str(SCHEMAS).expect("schema fixture is JSON")
}

#[test]
fn the_schema_checker_catches_violations() {
    let fixture = load_schemas();
    let checker = SchemaChecker {
        schemas: fixture["schemas"].as_object().expect("schemas"),
    };
    let job = json!({"$ref": "#/components/schemas/BillJobResponse"});
    let page = json!({"$ref": "#/components/schemas/PaginatedBillJobResponseData"});
    assert!(checker.violations(&job, &json!({"id": "x"})).is_empty());
    for bad in [
        json!({}),
        json!({"id": 1}),
        json!({"id": "x", "status": "FAILED"}),
        json!({"id": "x", "version": null}),
        json!({"id": "x", "billDate": "2024-02-30"}),
        json!({"id": "x", "dtCreated": "2024-02-01 10:00:00"}),
        json!({"id": "x", "billFrequencyInterval": 3_000_000_000_u64}),
        json!({"id": "x", "currencyConversions": [{"from": "A", "to": "B", "multiplier": 0}]}),
        json!({"id": "x", "currencyConversions": [{"from": "A"}]}),
        json!({"id": "x", "currencyConversions": [{"from": "A", "to": "B", "rate": 1}]}),
        json!({"id": "x", "dtCreate": "2024-02-01T10:00:00Z"}),
    ] {
        assert!(!checker.violations(&job, &bad).is_empty(), "{bad} passed");
    }
    assert!(
        checker
            .violations(&page, &json!({"data": [{"id": "x"}], "nextToken": "t"}))
            .is_empty()
    );
    assert!(!checker.violations(&page, &json!({"data": [{}]})).is_empty());
    assert!(
        !checker
            .violations(&page, &json!({"data": [], "nextToken": null}))
            .is_empty()
    );
}

#[tokio::test]
async fn responses_match_the_openapi_schemas() {
    let fixture = load_schemas();
    let checker = SchemaChecker {
        schemas: fixture["schemas"].as_object().expect("schemas"),
    };
    let response_schema =
        |operation: &str| json!({"$ref": fixture["operations"][operation]["response"]});
    let error_schema = &fixture["errorSchema"];
    let client = start(Duration::from_millis(20), 100).await;
    let mut checked: Vec<(&str, Value)> = Vec::new();

    checked.push(("CreateBillJob", client.create("s", all_params_body()).await));
    checked.push(("CreateBillJob", client.create("s", json!({})).await));
    let (status, recalculated) = client
        .post(
            "/organizations/s/billjobs/recalculate",
            &json!({"billIds": ["b-1"], "version": 0}),
        )
        .await;
    assert_eq!(status, 200);
    let recalculated_id = id_of(&recalculated);
    checked.push(("RecalculateBillJob", recalculated));
    let to_cancel = id_of(&client.create("s", json!({"accountIds": ["a"]})).await);
    let (status, cancelled) = client.cancel("s", &to_cancel).await;
    assert_eq!(status, 200);
    checked.push(("CancelBillJob", cancelled));
    let (status, fetched) = client
        .get(&format!("/organizations/s/billjobs/{recalculated_id}"))
        .await;
    assert_eq!(status, 200);
    checked.push(("GetBillJob", fetched));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (status, first) = client.list("s", "pageSize=2").await;
    assert_eq!(status, 200);
    assert!(first.get("nextToken").is_some());
    checked.push(("ListBillJobs", first));
    let (status, all) = client.list("s", "pageSize=100").await;
    assert_eq!(status, 200);
    assert!(all.get("nextToken").is_none());
    checked.push(("ListBillJobs", all));
    let (_, empty) = client.list("nobody", "").await;
    checked.push(("ListBillJobs", empty));

    for (operation, body) in &checked {
        let violations = checker.violations(&response_schema(operation), body);
        assert!(
            violations.is_empty(),
            "{operation}: {violations:?} in {body}"
        );
        assert!(!contains_null(body), "{operation}: null in {body}");
    }
    let operations: HashSet<&str> = checked.iter().map(|(operation, _)| *operation).collect();
    let documented: HashSet<&str> = fixture["operations"]
        .as_object()
        .expect("operations")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(operations, documented, "every operation is exercised");

    // Error bodies match the Error response, and carry nothing else.
    let errors = [
        client.get("/organizations/s/billjobs/none").await,
        client
            .post("/organizations/s/billjobs", &json!({"accountIds": []}))
            .await,
        client.list("s", "pageSize=0").await,
        client.get("/elsewhere").await,
    ];
    for (status, body) in errors {
        assert!((400..500).contains(&status));
        assert!(checker.violations(error_schema, &body).is_empty(), "{body}");
        assert_eq!(body.as_object().map(Map::len), Some(1), "{body}");
    }
}

/// Keeps the fixture honest: when m3ter's OpenAPI document is at hand (the shared
/// folder beside the workspace), the extracted schemas must still equal it.
#[test]
fn schema_fixture_matches_upstream_openapi() {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        std::env::var_os("M3TER_OPENAPI").map(std::path::PathBuf::from),
        Some(manifest.join("../../shared/upstream/m3ter-openapi.json")),
        Some(std::path::PathBuf::from(
            "/work/shared/upstream/m3ter-openapi.json",
        )),
    ];
    let Some(text) = candidates
        .into_iter()
        .flatten()
        .find_map(|path| std::fs::read_to_string(path).ok())
    else {
        eprintln!("m3ter-openapi.json not found: fixture drift not checked");
        return;
    };
    let upstream: Value = serde_json::from_str(&text).expect("upstream is JSON");
    let fixture = load_schemas();
    for (name, schema) in fixture["schemas"].as_object().expect("schemas") {
        assert_eq!(
            &upstream["components"]["schemas"][name], schema,
            "{name} drifted"
        );
    }
    assert_eq!(
        upstream["components"]["responses"]["Error"]["content"]["application/json"]["schema"],
        fixture["errorSchema"]
    );
    for (operation, where_) in fixture["operations"].as_object().expect("operations") {
        let path = where_["path"].as_str().expect("path");
        let method = where_["method"]
            .as_str()
            .expect("method")
            .to_ascii_lowercase();
        let op = &upstream["paths"][path][&method];
        assert_eq!(op["operationId"], json!(operation));
        assert_eq!(
            op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            where_["response"]
        );
    }
}
