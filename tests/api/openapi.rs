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
