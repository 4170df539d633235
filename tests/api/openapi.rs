//! The OpenAPI document served, generated and checked in are one and the same.

use crate::helpers::*;

const HOW_TO_UPDATE: &str = "openapi/openapi.json is out of date: run `UPDATE_OPENAPI=1 cargo test --test api openapi` and commit the file";

#[test]
fn the_checked_in_document_matches_the_code() {
    let generated = normreg::api::openapi::document_json();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");
    if std::env::var("UPDATE_OPENAPI").is_ok() {
        std::fs::write(path, &generated).expect("write openapi.json");
    }
    let checked_in = std::fs::read_to_string(path).unwrap_or_default();
    assert!(checked_in == generated, "{HOW_TO_UPDATE}");
}

#[test]
fn the_served_document_is_byte_identical_to_the_checked_in_file() {
    let app = TestApp::spawn(Engine::Sqlite).expect("app");
    let served = app.client.get("/api/v1/openapi.json", None);
    assert_eq!(served.status, 200);
    let checked_in =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .unwrap_or_default();
    assert!(served.body == checked_in, "{HOW_TO_UPDATE}");
    let spec = served.json();
    assert_eq!(spec["openapi"], "3.1.0");
    for path in ["/api/v1/auth/login", "/api/v1/agencies", "/api/v1/users", "/api/v1/policy"] {
        assert!(spec["paths"][path].is_object(), "{path} documented");
    }
}

/// What clients and the linter (`.ci/openapi-client`) rely on, checked on every operation so
/// that one added later without it fails here first: an operationId, a declared security
/// (`[]` when public), a 4xx answer declared as problem+json, and an example on its body.
#[test]
fn every_operation_is_declared_for_clients() {
    let spec = serde_json::to_value(normreg::api::openapi::document()).expect("json");
    let mut refs = Vec::new();
    collect_refs(&spec, &mut refs);
    for r in refs {
        let target = r.strip_prefix("#/").unwrap_or_else(|| panic!("ref {r}"));
        let found = target.split('/').try_fold(&spec, |at, key| at.get(key));
        assert!(found.is_some_and(|t| t.is_object()), "{r} resolves to nothing");
    }
    assert!(spec["servers"].as_array().is_some_and(|s| !s.is_empty()), "servers");
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let at = format!("{method} {path}");
            assert!(op["operationId"].is_string(), "{at}: operationId");
            assert!(op["security"].is_array(), "{at}: security (`[]` when public)");
            let responses = op["responses"].as_object().expect("responses");
            assert!(responses.keys().any(|s| s.starts_with('4')), "{at}: a 4xx answer");
            for (status, answer) in responses {
                if let (true, Some(content)) =
                    (status.starts_with('4'), answer["content"].as_object())
                {
                    assert!(
                        content.keys().all(|t| t == "application/problem+json"),
                        "{at}: {status} is problem+json"
                    );
                }
            }
            if let Some(body) = op["requestBody"]["content"].as_object() {
                for (media, content) in body {
                    let has = content.get("example").is_some() || content.get("examples").is_some();
                    assert!(has, "{at}: an example of its {media} body");
                }
            }
        }
    }
}

/// Every `$ref` in the document.
fn collect_refs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(|r| r.as_str()) {
                out.push(r.to_string());
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}
